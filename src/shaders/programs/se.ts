// Squeeze-excitation: se.wgsl computes a block's per-channel scale in one pass over the whole
// map; a tiled frame gathers the same means with se-sum.wgsl per tile, then se-fc.wgsl.
// se.wgsl and se-fc.wgsl share the excitation's bindings (snippets/se-excite.wgsl).

import { declareProgram, storage, storageRW, uniform } from '../program.js';
import { TENSOR_DEFINES, tensorFeatures } from './tensor.js';

/** One workgroup of 256 invocations does it all: the map is read once and the FC layers are tiny. */
const single = { workgroup: [256, 1, 1], dispatch: { kind: 'single' } } as const;

/** The two FC layers' weights and biases, the scale written, and (ALPHA) the alpha uniform (x). */
const EXCITE = {
  w1: storage('array<f32>'), // [C/8][C]
  b1: storage('array<f32>'), // [C/8]
  w2: storage('array<f32>'), // [C][C/8]
  b2: storage('array<f32>'), // [C]
  scale: storageRW('array<f32>'), // [C]
  alpha: uniform('vec4f', 'ALPHA'),
};

/** A rect of a feature map: offset, row stride, size, channel groups. */
const RECT = { off: 'u32', row: 'u32', w: 'u32', h: 'u32', c4: 'u32' } as const;

export const se = declareProgram({
  name: 'se',
  source: 'se',
  defines: { ...TENSOR_DEFINES, ALPHA: false },
  params: RECT,
  bindings: { src: storage('array<Tensor4>'), ...EXCITE },
  ...single,
  features: tensorFeatures,
});

export const seSum = declareProgram({
  name: 'se-sum',
  source: 'se-sum',
  defines: TENSOR_DEFINES,
  // accumulate: 0 for the frame's first tile, which overwrites the sums.
  params: { ...RECT, accumulate: 'u32' },
  bindings: { src: storage('array<Tensor4>'), sums: storageRW('array<vec4f>') },
  ...single,
  features: tensorFeatures,
});

export const seFc = declareProgram({
  name: 'se-fc',
  source: 'se-fc',
  defines: { ALPHA: false },
  // count: pixels of the whole map.
  params: { count: 'u32', c4: 'u32' },
  bindings: { sums: storage('array<vec4f>'), ...EXCITE },
  ...single,
});
