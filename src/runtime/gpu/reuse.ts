// Frame reuse for video (untiled frames), decided on the GPU: frame-diff.wgsl compares this
// frame's packed input with a baseline, block by block; reuse-gate.wgsl writes the indirect
// dispatch sizes of every later pass: zero when no block changed past the threshold, so the
// output texture keeps the last output; reuse-keep.wgsl then makes this frame's input the
// baseline of what ran. Nothing is read back and nothing is decided on the CPU.
//
// The baseline is the input the shown output was computed from, not the previous frame, so
// small differences cannot add up unseen (a slow pan): a reused frame is always within the
// threshold of what is on screen. Threshold 0 is exact reuse (a frame equal to the last
// computed one); above it, near-duplicate reuse: real encoders re-encode held drawings a little
// differently every frame (bench/results/reuse-*.md measures the threshold's error).
//
// Models without SE also get region reuse: a tiled twin of the executor (planRegions) writes
// into the same output texture; each tile's input window is compared with its own baseline, and
// when only some tiles changed and rerunning those costs fewer multiply-adds than the whole
// frame, only they run (and only their baselines move). A tile computes the whole frame's values
// for the pixels it writes, so with threshold 0 the pixels equal a whole run. A tile's first pass
// is crop.wgsl, which copies its window out of this frame's packed input, so the tiles never read
// the video frame and add no per-frame bind groups. SE models rerun whole frames: their channel
// means span the frame, so any change reaches every output pixel.

import { packParams } from '../../shaders/program.js';
import { crop, DIFF_BLOCK, frameDiff, REUSE_FLAGS, REUSE_HEADER_BYTES, REUSE_WINDOW_BYTES, reuseGate, reuseKeep } from '../../shaders/programs/reuse.js';
import { PAD } from '../model/architecture.js';
import type { Graph, Tensor } from '../plan/graph.js';
import { planRegions, type Tile, type TilePlan } from '../plan/tiling.js';
import type { StorageDefines } from './conv-kernels.js';
import { buildPasses, passSpec, run, type BuiltPass, type Pass, type PassSpec } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import { groupBytes, type TensorPrecision } from './tensor-format.js';

export { REUSE_HEADER_BYTES } from '../../shaders/programs/reuse.js';

/** An executor as frame reuse drives it (GraphExecutor): the owner, or its region twin. */
export interface ReuseTarget {
  /** The whole frame's graph. */
  readonly graph: Graph;
  /** The graph each tile runs. */
  readonly tileGraph: Graph;
  readonly tiles: readonly Tile[];
  /** Bytes of GPU memory it holds. */
  readonly bytes: number;
  /** The buffer holding tensor `t`. */
  tensorBinding(t: Tensor): GPUBufferBinding;
  /** Untiled, or a model without SE: the passes after the input of tile k, in order (its output pass last). */
  passesAfterInput(tile: number): readonly Pass[];
  /** Workgroups of a pass over the packed input (pack, crop). */
  readonly inputGroups: [number, number, number];
  setAlpha(alpha: number): void;
  destroy(): void;
}

export interface ReuseInit {
  device: GPUDevice;
  pipelines: PipelineCache;
  precision: TensorPrecision;
  /** The storage defines every tensor program is compiled with. */
  storage: StorageDefines;
  /** The executor whose frames are gated (untiled). */
  owner: ReuseTarget;
  /** Makes the region twin: an executor of `plan` writing into the owner's output texture. */
  twin(plan: TilePlan): Promise<ReuseTarget>;
  /** The gate's threshold (setThreshold()); default 0, exact reuse. */
  threshold?: number;
}

/** Where the reuse counters are and what they count (for the stats; made once). */
export interface ReuseSource {
  /** The reuse state: its first REUSE_HEADER_BYTES are the counters (programs/reuse.ts). */
  state: GPUBuffer;
  /** Region tiles a frame is split into (0: none). */
  tiles: number;
  /** A region tile's multiply-adds over a whole frame's. */
  tileWork: number;
}

export class FrameReuse {
  /** Whether frames are gated (off: every frame runs whole, and the baselines go stale). */
  private onValue = true;
  private constructor(
    private readonly device: GPUDevice,
    /** The check, in order: the diff against the baselines, the gate, the baselines' update. */
    private readonly check: BuiltPass[],
    /** Indirect dispatch arguments, 3 u32 per gated pass: the owner's passes, then each tile's. */
    private readonly args: GPUBuffer,
    /** The reuse state (flags and counters, then flags per window) and what its counters count. */
    readonly counters: ReuseSource,
    private readonly buffers: GPUBuffer[],
    /** Region reuse: the tiled twin, and each tile's passes (crop first). */
    private readonly twin?: { ex: ReuseTarget; tiles: Pass[][] },
  ) {}

  static async create(init: ReuseInit): Promise<FrameReuse> {
    const { device, owner, storage } = init;
    const x = owner.tileGraph.tensors[0]!;
    if (x.c4 !== 1) throw new Error('internal: the packed input has one channel group');
    const twin = await regionTwin(init);
    const gated = owner.passesAfterInput(0);
    const tiles = twin?.ex.tiles ?? [];
    const tileGroups = tiles.map((_, k) => [twin!.ex.inputGroups, ...twin!.ex.passesAfterInput(k).map((p) => p.groups)]);
    const full = new Uint32Array([...gated.map((p) => p.groups), ...tileGroups.flat()].flat());
    // The windows compared: each region tile's input window (all of one size), or the whole input.
    const windows = twin ? tiles.map((t) => [t.x, t.y]) : [[0, 0]];
    const win = twin ? twin.ex.tileGraph.tensors[0]! : x;
    const usage = GPUBufferUsage.STORAGE;
    const make = (label: string, size: number, more = 0) => device.createBuffer({ label, size: Math.max(16, size), usage: usage | more });
    const fullSizes = make('reuse full sizes', full.byteLength, GPUBufferUsage.COPY_DST);
    const args = make('reuse dispatch args', full.byteLength, GPUBufferUsage.INDIRECT);
    const state = make('reuse state', REUSE_HEADER_BYTES + windows.length * REUSE_WINDOW_BYTES, GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    const baseline = make('reuse baselines', windows.length * win.w * win.h * groupBytes(init.precision));
    const origins = make('reuse window origins', windows.length * 8, GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(fullSizes, 0, full);
    const first = new Uint32Array(state.size / 4);
    first[0] = REUSE_FLAGS.RUN_WHOLE; // the first frame runs (and gives every window its baseline)
    device.queue.writeBuffer(state, 0, first);
    device.queue.writeBuffer(origins, 0, new Uint32Array(windows.flat()));
    const current = owner.tensorBinding(x);
    const blocksY = Math.ceil(win.h / DIFF_BLOCK);
    const level = owner.graph.variant.pro ? 255 / 0.7 : 255;
    const specs: PassSpec[] = [
      passSpec({
        label: 'frame diff',
        program: frameDiff,
        defines: storage,
        params: { row: x.w, win_w: win.w, win_h: win.h, blocks_y: blocksY, threshold: init.threshold ?? 0, level },
        resources: { current, baseline, state, origins },
        extent: { w: win.w, h: windows.length * blocksY * DIFF_BLOCK },
      }),
      passSpec({
        label: 'reuse gate',
        program: reuseGate,
        defines: {},
        params: { passes: gated.length, tile_passes: tileGroups[0]?.length ?? 0, windows: windows.length, max_tiles: twin?.maxTiles ?? 0 },
        resources: { full: fullSizes, args, state },
        extent: { w: 1, h: 1 },
      }),
      passSpec({
        label: 'reuse keep',
        program: reuseKeep,
        defines: storage,
        params: { row: x.w, win_w: win.w, win_h: win.h, windows: windows.length },
        resources: { current, baseline, state, origins },
        extent: { w: win.w * win.h, h: windows.length },
      }),
      ...(twin ? cropSpecs(twin.ex, current, x.w, storage) : []),
    ];
    const built = await buildPasses(device, init.pipelines, specs, 'frame reuse');
    const check = built.passes.slice(0, 3);
    const crops = built.passes.slice(3);
    const buffers = [fullSizes, args, state, baseline, origins, built.uniforms];
    const regions = twin && { ex: twin.ex, tiles: crops.map((c, k) => [c, ...twin.ex.passesAfterInput(k)]) };
    const counters = { state, tiles: tiles.length, tileWork: twin ? twin.ex.tileGraph.macs / owner.graph.macs : 0 };
    return new FrameReuse(device, check, args, counters, buffers, regions);
  }

  /**
   * The largest mean squared difference (8-bit levels, over R, G and B) a 16x16 block of a
   * window's input may have from that window's baseline and still count as unchanged; 0: exact
   * reuse (any difference reruns). Takes effect from the next frame.
   */
  setThreshold(meanSquared: number): void {
    if (!(meanSquared >= 0 && Number.isFinite(meanSquared))) throw new Error(`internal: bad reuse threshold ${meanSquared}`);
    const diff = this.check[0]!;
    const params = { ...(diff.spec.params as Record<string, number>), threshold: meanSquared };
    diff.spec.params = params;
    this.device.queue.writeBuffer(diff.params.buffer, diff.params.offset ?? 0, packParams(diff.spec.program, params));
  }

  /** Bytes of GPU memory held: its buffers and the region twin's. */
  get bytes(): number {
    return this.buffers.reduce((a, b) => a + b.size, 0) + (this.twin?.ex.bytes ?? 0);
  }

  /** With region reuse: the tiles a frame is split into for it (else 0). */
  get regionTiles(): number {
    return this.twin?.ex.tiles.length ?? 0;
  }

  get on(): boolean {
    return this.onValue;
  }

  set on(on: boolean) {
    if (this.onValue === on) return;
    this.onValue = on;
    // The baselines went stale while off: the next frame must run.
    if (on) this.invalidate();
  }

  /** Makes the next frame run whole (after alpha changed, for instance). */
  invalidate(): void {
    this.device.queue.writeBuffer(this.counters.state, 0, new Uint32Array([REUSE_FLAGS.RUN_WHOLE]));
  }

  setAlpha(alpha: number): void {
    this.twin?.ex.setAlpha(alpha);
  }

  /**
   * Records the check: the diff against the baselines, the gate writing every later pass's size,
   * then the baselines of the windows that run taken from this frame.
   */
  encodeCheck(pass: GPUComputePassEncoder): void {
    for (const p of this.check) run(pass, p);
  }

  /** Records gated pass `index` (of the owner's passes after the input) as an indirect dispatch. */
  encodeGated(pass: GPUComputePassEncoder, p: Pass, index: number): void {
    run(pass, p, this.args, index);
  }

  /** Records the owner's passes after the input, gated: the check, then each as an indirect dispatch, then the region tiles. */
  encode(pass: GPUComputePassEncoder, gated: readonly Pass[]): void {
    this.encodeCheck(pass);
    for (let i = 0; i < gated.length; i++) run(pass, gated[i]!, this.args, i);
    this.encodeRegions(pass, gated.length);
  }

  /** With region reuse: every tile of the twin, each run only when the gate chose it (`first`: the owner's gated pass count). */
  encodeRegions(pass: GPUComputePassEncoder, first: number): void {
    if (!this.twin) return;
    let index = first;
    for (const tile of this.twin.tiles) for (const p of tile) run(pass, p, this.args, index++);
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.twin?.ex.destroy();
  }
}

/**
 * The tiled twin for region reuse, with the most changed tiles worth rerunning instead of the
 * whole frame; undefined for SE models and for frames too small to split usefully.
 */
async function regionTwin(init: ReuseInit): Promise<{ ex: ReuseTarget; maxTiles: number } | undefined> {
  const g = init.owner.graph;
  if (g.ops.some((o) => o.kind === 'se')) return undefined;
  const pad = PAD[g.variant.scale];
  const core = Math.max(4 * pad, Math.ceil(Math.max(g.paddedWidth, g.paddedHeight) / 4));
  const plan = planRegions(g.variant, g.width, g.height, core);
  if (!plan) return undefined;
  // Rerunning n tiles is worth it while n tiles cost fewer multiply-adds than the frame.
  const maxTiles = Math.min(plan.tiles.length - 1, Math.floor((g.macs - 1) / plan.tile.macs));
  if (maxTiles < 1) return undefined;
  return { ex: await init.twin(plan), maxTiles };
}

/**
 * Each tile's first pass: copies its input window out of `source`, the whole frame's packed
 * input (`row` pixels wide; the owner's pack output, which no pass overwrites when tiles run),
 * instead of packing the source texture. Tile k's window starts at its origin there: both
 * packs mirror at the same frame edges.
 */
function cropSpecs(twin: ReuseTarget, source: GPUBufferBinding, row: number, storage: StorageDefines): PassSpec[] {
  const x = twin.tileGraph.tensors[0]!;
  return twin.tiles.map((t) => passSpec({
    label: 'crop',
    program: crop,
    defines: storage,
    params: { src_w: row, x: t.x, y: t.y, out_w: x.w, out_h: x.h },
    resources: { src: source, dst: twin.tensorBinding(x) },
    extent: { w: x.w, h: x.h },
  }));
}
