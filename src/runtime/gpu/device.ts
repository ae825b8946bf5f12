// Finding a WebGPU implementation and a device: navigator.gpu in browsers, the `webgpu`
// package (Dawn) in Node. The device asks for the adapter's largest buffer limits, since
// Real-CUGAN's feature maps are big.

import { CuganError } from '../errors.js';
import { importNode } from '../node-import.js';

// Dawn's Node binding crashes if the object create() returns is garbage-collected while a
// device lives, so it is kept here for the life of the process.
let nodeGPU: GPU | undefined;

export async function getGPU(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process !== 'undefined' && process.versions?.node) {
    if (!nodeGPU) {
      let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
      try {
        mod = await importNode<typeof mod>('webgpu');
      } catch (e) {
        throw new CuganError('NO_WEBGPU', 'WebGPU is not available: the Node package "webgpu" could not be loaded', { cause: e });
      }
      // GPUBufferUsage and friends as globals, as in a browser.
      for (const [k, v] of Object.entries(mod.globals)) {
        if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      }
      nodeGPU = mod.create([]);
    }
    return nodeGPU;
  }
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
