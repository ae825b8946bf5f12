// How the feature-map tensors are stored (src/shaders/snippets/tensor.wgsl). 'f32': a vec4f
// per NHWC4 channel group. 'f16': the same layout in IEEE half floats, half the bytes and
// memory traffic; arithmetic, SE means and sums stay f32. Half storage is core WGSL
// (pack2x16float), so it runs on every adapter; with shader-f16 the same bytes are read and
// written as vec4<f16> natively.

import type { Precision } from '../options.js';

// The check lives with every other option check (options.ts); re-exported for existing importers.
export { checkPrecision, type Precision } from '../options.js';

export type TensorPrecision = 'f32' | 'f16';

/** Bytes of one stored channel group (4 channels). */
export const groupBytes = (p: TensorPrecision): number => (p === 'f16' ? 8 : 16);

/** The defines every shader that touches a tensor is composed with. */
export function tensorDefines(p: TensorPrecision, device: GPUDevice): { F16: boolean; F16_NATIVE: boolean } {
  const f16 = p === 'f16';
  return { F16: f16, F16_NATIVE: f16 && device.features.has('shader-f16') };
}

/** 'auto' is f16 where the adapter has shader-f16 (fast there), else f32. */
export function resolvePrecision(p: Precision, device: GPUDevice): TensorPrecision {
  if (p !== 'auto') return p;
  return device.features.has('shader-f16') ? 'f16' : 'f32';
}
