// Workgroup counts of the conv kernels: how many output pixels and channels one invocation
// computes is a property of each kernel file, recorded here once.

import type { ConvKind } from '../plan/graph.js';

/** Workgroup size (x, y) of the conv kernels (the WG_X / WG_Y defines). */
export const CONV_WG = 8;
/** Output pixels per invocation along x and y, and vec4 channel groups, per kernel. */
export type ConvKernel = ConvKind | 'conv3x3-wide' | 'conv2x2s2-wide' | 'deconv2x2s2-wide' | 'deconv4x4s2-wide';
export const CONV_BLOCK: Record<ConvKernel, { px: number; py: number; oc4: number }> = {
  conv3x3: { px: 8, py: 2, oc4: 2 },
  'conv3x3-wide': { px: 8, py: 4, oc4: 4 },
  'conv2x2s2-wide': { px: 8, py: 2, oc4: 8 },
  'deconv2x2s2-wide': { px: 16, py: 4, oc4: 2 }, // output pixels: 8x2 inputs, 2x2 each
  'deconv4x4s2-wide': { px: 16, py: 8, oc4: 1 }, // output pixels: both phases of 8x4 positions
  conv2x2s2: { px: 4, py: 2, oc4: 2 },
  deconv: { px: 4, py: 1, oc4: 2 }, // px counts outputs of one phase (S apart)
};

const div = (a: number, b: number) => Math.ceil(a / b);

/** Invocations per workgroup of the wide kernels, which run their blocks as one flat list. */
export const FLAT_WG = 64;
/** Workgroups per dispatch dimension that every adapter allows (WebGPU's default limit). */
const MAX_GROUPS = 65535;

export function convGroups(kind: ConvKernel, outW: number, outH: number, outC4: number, stride = 1): [number, number, number] {
  const b = CONV_BLOCK[kind];
  if (kind.endsWith('-wide')) {
    // Flat (snippets/conv-io.wgsl flat_block): columns x rows x channel groups, in rows of workgroups.
    const n = div(div(outW, b.px) * div(outH, b.py) * div(outC4, b.oc4), FLAT_WG);
    return n <= MAX_GROUPS ? [n, 1, 1] : [MAX_GROUPS, div(n, MAX_GROUPS), 1];
  }
  if (kind === 'deconv') {
    return [div(div(div(outW, stride), b.px), CONV_WG), div(div(outH, b.py), CONV_WG), div(outC4, b.oc4) * stride];
  }
  return [div(div(outW, b.px), CONV_WG), div(div(outH, b.py), CONV_WG), div(outC4, b.oc4)];
}
