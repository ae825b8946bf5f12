// Finding a WebGPU implementation and a device: navigator.gpu in browsers, the host's own
// elsewhere (Node: the `webgpu` package, runtime/platform/node.ts). The device asks for the
// adapter's largest buffer limits, since Real-CUGAN's feature maps are big.

import { platform } from '#platform';
import { CuganError } from '../errors.js';

export async function getGPU(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (platform.gpu) return platform.gpu();
  throw new CuganError('NO_WEBGPU', 'WebGPU is not available in this browser (navigator.gpu is missing)');
}

export interface DeviceRequest {
  powerPreference?: GPUPowerPreference;
  /** Ask for shader-f16 when the adapter has it. */
  f16?: boolean;
}

export async function requestDevice(req: DeviceRequest = {}): Promise<GPUDevice> {
  const gpu = await getGPU();
  const adapter = await gpu.requestAdapter({ powerPreference: req.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new CuganError('NO_WEBGPU', 'WebGPU is present but no GPU adapter was found (no supported GPU or driver)');
  }
  const features: GPUFeatureName[] = [];
  if (req.f16 !== false && adapter.features.has('shader-f16')) features.push('shader-f16');
  if (adapter.features.has('timestamp-query')) features.push('timestamp-query');
  // The subgroup conv kernels (conv3x3-quad.wgsl) are an autotune candidate where it is offered.
  if (adapter.features.has('subgroups')) features.push('subgroups');
  const l = adapter.limits;
  return adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    },
  });
}
