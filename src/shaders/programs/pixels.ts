// The passes between pixels and tensors: pack.wgsl (source texture -> the network's input
// tensor, normalised and reflect-padded) and output.wgsl (the last tensor -> the output
// texture, denormalised and rounded, and with RAW the unrounded values).

import { declareProgram, resource, storage, storageRW } from '../program.js';
import { TENSOR_DEFINES, tensorFeatures } from './tensor.js';

/** One invocation per pixel, 8x8 per workgroup. */
const perPixel = { workgroup: [8, 8, 1], dispatch: { kind: 'grid', block: { x: 1, y: 1, c4: 1 } } } as const;

export const pack = declareProgram({
  name: 'pack',
  source: 'pack',
  defines: { ...TENSOR_DEFINES, PRO: false, EXTERNAL: false, BOX2: false },
  // A tile inside the frame has a negative pad: the whole frame's mirroring, from its origin.
  params: { src_w: 'u32', src_h: 'u32', pad_left: 'i32', pad_top: 'i32', out_w: 'u32', out_h: 'u32' },
  bindings: {
    // EXTERNAL: a video frame, imported for this frame only.
    source: resource((d) => (d.EXTERNAL ? 'texture_external' : 'texture_2d<f32>')),
    dst: storageRW('array<Tensor4>'),
  },
  ...perPixel,
  features: tensorFeatures,
});

export const output = declareProgram({
  name: 'output',
  source: 'output',
  defines: { ...TENSOR_DEFINES, PRO: false, SHUFFLE4: false, RAW: false },
  params: {
    off: 'u32', row: 'u32', c4: 'u32', x_row: 'u32', out_w: 'u32', out_h: 'u32', x_off: 'u32', raw_w: 'u32',
    src_x: 'u32', src_y: 'u32', dst_x: 'u32', dst_y: 'u32',
  },
  bindings: {
    y: storage('array<Tensor4>'),
    dst: resource('texture_storage_2d<rgba8unorm, write>'),
    // The packed input, 1 channel group: the 4x model adds it upscaled by nearest neighbour.
    x_in: storage('array<Tensor4>', 'SHUFFLE4'),
    raw: storageRW('array<f32>', 'RAW'),
  },
  ...perPixel,
  features: tensorFeatures,
});
