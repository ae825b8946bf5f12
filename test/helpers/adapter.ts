// Which WebGPU adapter this GPU test run is on (scripts/gpu-test.sh --adapter sets
// CUGAN_TEST_ADAPTER), and what that means for tests that need an optional device feature.

export type TestAdapter = 'swiftshader' | 'lavapipe' | 'system';

/** The adapter scripts/gpu-test.sh chose; 'system' when run without it. */
export const testAdapter: TestAdapter = (process.env.CUGAN_TEST_ADAPTER as TestAdapter | undefined) ?? 'system';

/**
 * A `skip` value for a test that needs `feature`: false when the device has it. On lavapipe,
 * which offers shader-f16 and subgroups, a missing one is an error (the run that must exercise
 * those kernels would otherwise pass by skipping them).
 */
export function needsFeature(device: GPUDevice, feature: GPUFeatureName): string | false {
  if (device.features.has(feature)) return false;
  if (testAdapter === 'lavapipe') throw new Error(`lavapipe device without ${feature}: the native kernels would go untested`);
  return `this adapter has no ${feature} (it runs on lavapipe: bash scripts/gpu-test.sh --adapter lavapipe FILE)`;
}
