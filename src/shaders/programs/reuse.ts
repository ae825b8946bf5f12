// Frame reuse (runtime/gpu/reuse.ts): frame-diff.wgsl compares this frame's packed input with
// each window's baseline block by block and marks the windows that changed in the reuse state;
// reuse-gate.wgsl turns that into the indirect dispatch sizes of every later pass and marks the
// windows that run; reuse-keep.wgsl gives those this frame's input as their baseline; crop.wgsl
// copies a region tile's input window out of this frame's packed input.

import { declareProgram, paddedWords, storage, storageRW, wgslStruct } from '../program.js';
import { TENSOR_DEFINES, tensorFeatures } from './tensor.js';

/** Flags of the state's `changed` word: from frame-diff.wgsl, and from the CPU (first frame, alpha changed, reuse back on). */
export const REUSE_FLAGS = { INPUT_CHANGED: 1, RUN_WHOLE: 2 } as const;

/**
 * The reuse state's header: flags, then counters the stats read back (frames seen, run whole,
 * run as changed tiles, tiles run by those, and how the last frame ran: 0 re-shown, 1 changed
 * tiles, 2 whole). Flags per window follow: a block of it changed past the threshold
 * (frame-diff.wgsl sets it, the gate resets it), and whether it runs this frame (the gate).
 */
const REUSE_STATE = {
  changed: 'atomic<u32>', frames: 'u32', computed: 'u32', regions: 'u32', tiles_run: 'u32', last_run: 'u32',
} as const;

/** Bytes of the reuse state before the per-window flags. */
export const REUSE_HEADER_BYTES = paddedWords(REUSE_STATE) * 4;
/** Bytes of one window's flags. */
export const REUSE_WINDOW_BYTES = 8;

const STATE_DECLARATIONS = [
  'struct WindowFlags {\n  changed: atomic<u32>,\n  run: u32,\n}',
  wgslStruct('ReuseState', REUSE_STATE, 'windows: array<WindowFlags>'),
  ...Object.entries(REUSE_FLAGS).map(([k, v]) => `const ${k} = ${v}u;`),
];

/** Pixels per side of the blocks frame-diff.wgsl compares: its workgroup (8x8) of 2x2 pixels each. */
export const DIFF_BLOCK = 16;

export const frameDiff = declareProgram({
  name: 'frame-diff',
  source: 'frame-diff',
  defines: TENSOR_DEFINES,
  // The packed input is row pixels wide, one channel group a pixel; each window is win_w x
  // win_h from its origin, blocks_y blocks high. A workgroup per block: x the block column,
  // y the window's block rows one after the other. threshold: the largest mean squared
  // difference of a block (8-bit levels) that counts as unchanged; level: model units to levels.
  params: { row: 'u32', win_w: 'u32', win_h: 'u32', blocks_y: 'u32', threshold: 'f32', level: 'f32' },
  bindings: {
    current: storage('array<Tensor4>'),
    baseline: storage('array<Tensor4>'), // [windows][win_h][win_w]: the input each window last ran on
    state: storageRW('ReuseState'),
    origins: storage('array<vec2u>'), // top-left of each window, in packed-input pixels
  },
  workgroup: [8, 8, 1],
  dispatch: { kind: 'grid', block: { x: 2, y: 2, c4: 1 } },
  features: tensorFeatures,
  declarations: STATE_DECLARATIONS,
});

export const reuseGate = declareProgram({
  name: 'reuse-gate',
  source: 'reuse-gate',
  defines: {},
  // passes: the whole frame's gated passes; each region tile has tile_passes; rerun at most
  // max_tiles (0: no region reuse, one window).
  params: { passes: 'u32', tile_passes: 'u32', windows: 'u32', max_tiles: 'u32' },
  bindings: {
    full: storage('array<u32>'), // [passes + windows * tile_passes][3]: the whole-frame passes, then each tile's
    args: storageRW('array<u32>'),
    state: storageRW('ReuseState'),
  },
  workgroup: [64, 1, 1],
  dispatch: { kind: 'single' },
  declarations: STATE_DECLARATIONS,
});

export const reuseKeep = declareProgram({
  name: 'reuse-keep',
  source: 'reuse-keep',
  defines: TENSOR_DEFINES,
  // As frame-diff: the packed input row pixels wide, windows of win_w x win_h.
  params: { row: 'u32', win_w: 'u32', win_h: 'u32', windows: 'u32' },
  bindings: {
    current: storage('array<Tensor4>'),
    baseline: storageRW('array<Tensor4>'),
    state: storageRW('ReuseState'),
    origins: storage('array<vec2u>'),
  },
  workgroup: [64, 1, 1],
  dispatch: { kind: 'flat', block: { x: 1, y: 1, c4: 1 } },
  features: tensorFeatures,
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
