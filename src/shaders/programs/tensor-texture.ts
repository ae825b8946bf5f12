// The stage pass of a texture conv (conv3x3-texture.wgsl): the conv's input tensor copied into
// its flat texture (tensor-texture.wgsl). Only runtime/gpu/conv-textures.ts, a chunk of its own,
// uses it.

import { declareProgram, resource, storage } from '../program.js';
import { TENSOR_DEFINES, tensorFeatures } from './tensor.js';

export const tensorTexture = declareProgram({
  name: 'tensor-texture',
  source: 'tensor-texture',
  defines: TENSOR_DEFINES,
  params: { count: 'u32' },
  bindings: {
    src: storage('array<Tensor4>'),
    // f16 tensors go to a half-float texture: the same values, half the copy.
    dst: resource((d) => `texture_storage_2d<${d.F16 ? 'rgba16float' : 'rgba32float'}, write>`),
  },
  workgroup: [64, 1, 1],
  // Run with the conv's workgroup counts (pass.ts `before`), never its own.
  dispatch: { kind: 'flat', block: { x: 1, y: 1, c4: 1 } },
  features: (d) => tensorFeatures(d),
});
