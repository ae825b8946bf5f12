// Exact frame reuse for video (untiled frames): frame-diff.wgsl compares this frame's packed
// input with the last frame's copy on the GPU, and reuse-gate.wgsl writes the indirect dispatch
// sizes of every later pass: zero when nothing changed, so the output texture keeps the last
// frame. Nothing is read back and nothing is decided on the CPU.
//
// Models without SE also get region reuse: a tiled twin of the executor (planRegions) writes
// into the same output texture, and when only some tiles' input windows changed and rerunning
// those costs fewer multiply-adds than the whole frame, only they run. Exact, since a tile
// computes the whole frame's values for the pixels it writes. A tile's first pass is crop.wgsl,
// which copies its window out of the diff's kept copy, so the tiles never read the video frame
// and add no per-frame bind groups. SE models rerun whole frames: their channel means span the
// frame, so any change reaches every output pixel.

import { crop, frameDiff, REUSE_FLAGS, REUSE_HEADER_BYTES, reuseGate } from '../../shaders/programs/reuse.js';
import { PAD } from '../model/architecture.js';
import type { Graph, Tensor } from '../plan/graph.js';
import { planRegions, type Tile, type TilePlan } from '../plan/tiling.js';
import type { StorageDefines } from './conv-kernels.js';
import { buildPasses, passSpec, run, type Pass, type PassSpec } from './pass.js';
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
}

export class FrameReuse {
  /** Whether frames are gated (off: every frame runs whole, and the kept copy goes stale). */
  private onValue = true;
  private constructor(
    private readonly device: GPUDevice,
    private readonly diff: Pass,
    private readonly gate: Pass,
    /** Indirect dispatch arguments, 3 u32 per gated pass: the owner's passes, then each tile's. */
    private readonly args: GPUBuffer,
    /** The reuse state: flags and counters (programs/reuse.ts), then a flag per tile. */
    readonly state: GPUBuffer,
    private readonly buffers: GPUBuffer[],
    /** Region reuse: the tiled twin, and each tile's passes (crop first). */
    private readonly twin?: { ex: ReuseTarget; tiles: Pass[][] },
  ) {}

  static async create(init: ReuseInit): Promise<FrameReuse> {
    const { device, owner, storage } = init;
    const x = owner.tileGraph.tensors[0]!;
    const twin = await regionTwin(init);
    const gated = owner.passesAfterInput(0);
    const tiles = twin?.ex.tiles ?? [];
    const tileGroups = tiles.map((_, k) => [twin!.ex.inputGroups, ...twin!.ex.passesAfterInput(k).map((p) => p.groups)]);
    const full = new Uint32Array([...gated.map((p) => p.groups), ...tileGroups.flat()].flat());
    const usage = GPUBufferUsage.STORAGE;
    const make = (label: string, size: number, more = 0) => device.createBuffer({ label, size: Math.max(16, size), usage: usage | more });
    const fullSizes = make('reuse full sizes', full.byteLength, GPUBufferUsage.COPY_DST);
    const args = make('reuse dispatch args', full.byteLength, GPUBufferUsage.INDIRECT);
    const state = make('reuse state', REUSE_HEADER_BYTES + Math.max(1, tiles.length) * 4, GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    const previous = make('previous input', x.w * x.h * x.c4 * groupBytes(init.precision));
    const origins = make('region origins', tiles.length * 8, GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(fullSizes, 0, full);
    const first = new Uint32Array(state.size / 4);
    first[0] = REUSE_FLAGS.RUN_WHOLE; // the first frame runs
    device.queue.writeBuffer(state, 0, first);
    device.queue.writeBuffer(origins, 0, new Uint32Array(tiles.flatMap((t) => [t.x, t.y])));
    const tw = twin?.ex.tileGraph;
    const specs: PassSpec[] = [
      passSpec({
        label: 'frame diff',
        program: frameDiff,
        defines: storage,
        params: { count: x.w * x.h * x.c4, c4: x.c4, row: x.w, tiles: tiles.length, tile_w: tw?.paddedWidth ?? 0, tile_h: tw?.paddedHeight ?? 0 },
        resources: { current: owner.tensorBinding(x), previous, state, origins },
        extent: { w: x.w, h: x.h, c4: x.c4 },
      }),
      passSpec({
        label: 'reuse gate',
        program: reuseGate,
        defines: {},
        params: { passes: gated.length, tile_passes: tileGroups[0]?.length ?? 0, tiles: tiles.length, max_tiles: twin?.maxTiles ?? 0 },
        resources: { full: fullSizes, args, state },
        extent: { w: 1, h: 1 },
      }),
      ...(twin ? cropSpecs(twin.ex, previous, x.w, storage) : []),
    ];
    const built = await buildPasses(device, init.pipelines, specs, 'frame reuse');
    const [diff, gate, ...crops] = built.passes;
    const buffers = [fullSizes, args, state, previous, origins, built.uniforms];
    const regions = twin && { ex: twin.ex, tiles: crops.map((c, k) => [c, ...twin.ex.passesAfterInput(k)]) };
    return new FrameReuse(device, diff!, gate!, args, state, buffers, regions);
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
    // The kept copy went stale while off: the next frame must run.
    if (on) this.invalidate();
  }

  /** Makes the next frame run whole (after alpha changed, for instance). */
  invalidate(): void {
    this.device.queue.writeBuffer(this.state, 0, new Uint32Array([REUSE_FLAGS.RUN_WHOLE]));
  }

  setAlpha(alpha: number): void {
    this.twin?.ex.setAlpha(alpha);
  }

  /** Records the check: the diff against the kept copy, then the gate writing every later pass's size. */
  encodeCheck(pass: GPUComputePassEncoder): void {
    run(pass, this.diff);
    run(pass, this.gate);
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
 * input (`row` pixels wide), instead of packing the source texture. Tile k's window starts at
 * its origin there: both packs mirror at the same frame edges.
 */
function cropSpecs(twin: ReuseTarget, source: GPUBuffer, row: number, storage: StorageDefines): PassSpec[] {
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
