// Frame reuse (runtime/gpu/reuse.ts): frame-diff.wgsl compares this frame's packed input with
// the kept copy and marks what changed in the reuse state; reuse-gate.wgsl turns that into the
// indirect dispatch sizes of every later pass; crop.wgsl copies a region tile's input window out
// of the kept copy.

import { declareProgram, paddedWords, storage, storageRW, wgslStruct } from '../program.js';
import { TENSOR_DEFINES, tensorFeatures } from './tensor.js';

/** Flags of the state's `changed` word: from frame-diff.wgsl, and from the CPU (first frame, alpha changed, reuse back on). */
export const REUSE_FLAGS = { INPUT_CHANGED: 1, RUN_WHOLE: 2 } as const;

/**
 * The reuse state's header: flags, then counters the stats read back (frames seen, run whole,
 * run as changed tiles, tiles run by those, and how the last frame ran: 0 re-shown, 1 changed
 * tiles, 2 whole). A flag per region tile follows.
 */
const REUSE_STATE = {
  changed: 'atomic<u32>', frames: 'u32', computed: 'u32', regions: 'u32', tiles_run: 'u32', last_run: 'u32',
} as const;

/** Bytes of the reuse state before the per-tile flags. */
export const REUSE_HEADER_BYTES = paddedWords(REUSE_STATE) * 4;

const STATE_DECLARATIONS = [
  wgslStruct('ReuseState', REUSE_STATE, 'tile_changed: array<atomic<u32>>'),
  ...Object.entries(REUSE_FLAGS).map(([k, v]) => `const ${k} = ${v}u;`),
];

export const frameDiff = declareProgram({
  name: 'frame-diff',
  source: 'frame-diff',
  defines: TENSOR_DEFINES,
  // count: elements of the packed input (c4 per pixel, row pixels a row); each region tile's
  // input window is tile_w x tile_h from its origin.
  params: { count: 'u32', c4: 'u32', row: 'u32', tiles: 'u32', tile_w: 'u32', tile_h: 'u32' },
  bindings: {
    current: storage('array<Tensor4>'),
    previous: storageRW('array<Tensor4>'),
    state: storageRW('ReuseState'),
    origins: storage('array<vec2u>'), // top-left of each tile's input window, in packed-input pixels
  },
  workgroup: [64, 1, 1],
  dispatch: { kind: 'flat', block: { x: 1, y: 1, c4: 1 } },
  features: tensorFeatures,
  declarations: STATE_DECLARATIONS,
});

export const reuseGate = declareProgram({
  name: 'reuse-gate',
  source: 'reuse-gate',
  defines: {},
  // passes: the whole frame's gated passes; each tile has tile_passes; rerun at most max_tiles.
  params: { passes: 'u32', tile_passes: 'u32', tiles: 'u32', max_tiles: 'u32' },
  bindings: {
    full: storage('array<u32>'), // [passes + tiles * tile_passes][3]: the whole-frame passes, then each tile's
    args: storageRW('array<u32>'),
    state: storageRW('ReuseState'),
  },
  workgroup: [64, 1, 1],
  dispatch: { kind: 'single' },
  declarations: STATE_DECLARATIONS,
});

export const crop = declareProgram({
  name: 'crop',
  source: 'crop',
  defines: TENSOR_DEFINES,
  // The window at (x, y) of a tensor src_w pixels wide, out_w x out_h.
  params: { src_w: 'u32', x: 'u32', y: 'u32', out_w: 'u32', out_h: 'u32' },
  bindings: { src: storage('array<Tensor4>'), dst: storageRW('array<Tensor4>') },
  workgroup: [8, 8, 1],
  dispatch: { kind: 'grid', block: { x: 1, y: 1, c4: 1 } },
  features: tensorFeatures,
});
