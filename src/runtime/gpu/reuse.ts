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

import type { Defines } from '../../shaders/compose.js';
import { PAD } from '../model/architecture.js';
import type { Graph, Tensor } from '../plan/graph.js';
import { planRegions, type Tile, type TilePlan } from '../plan/tiling.js';
import { run, type Pass } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import { groupBytes, type TensorPrecision } from './tensor-format.js';

/** Bytes of the reuse state's header (snippets/reuse-state.wgsl): the counters the stats read back. */
export const REUSE_HEADER_BYTES = 32;
/** The reuse state's RUN_WHOLE flag (snippets/reuse-state.wgsl): the next frame runs whole. */
const RUN_WHOLE = 2;
const UNIFORM_SLOT = 256;
const div = (a: number, b: number) => Math.ceil(a / b);

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
  /** The storage defines every tensor shader is composed with. */
  storage: Defines;
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
    /** The reuse state: flags and counters (snippets/reuse-state.wgsl), then a flag per tile. */
    readonly state: GPUBuffer,
    private readonly buffers: GPUBuffer[],
    /** Region reuse: the tiled twin, and each tile's passes (crop first). */
    private readonly twin?: { ex: ReuseTarget; tiles: Pass[][] },
  ) {}

  static async create(init: ReuseInit): Promise<FrameReuse> {
    const { device, pipelines, owner } = init;
    const x = owner.tileGraph.tensors[0]!;
    const count = x.w * x.h * x.c4;
    const twin = await regionTwin(init);
    const gated = owner.passesAfterInput(0);
    const tileCount = twin?.ex.tiles.length ?? 0;
    const tileGroups = twin ? twin.ex.tiles.map((_, k) => [twin.ex.inputGroups, ...twin.ex.passesAfterInput(k).map((p) => p.groups)]) : [];
    const full = new Uint32Array([...gated.map((p) => p.groups), ...tileGroups.flat()].flat());
    const storage = GPUBufferUsage.STORAGE;
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size: Math.max(16, size), usage });
    const fullBuf = make('reuse full sizes', full.byteLength, storage | GPUBufferUsage.COPY_DST);
    const args = make('reuse dispatch args', full.byteLength, storage | GPUBufferUsage.INDIRECT);
    const state = make('reuse state', REUSE_HEADER_BYTES + Math.max(1, tileCount) * 4, storage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    const previous = make('previous input', count * groupBytes(init.precision), storage);
    const origins = make('region origins', tileCount * 8, storage | GPUBufferUsage.COPY_DST);
    const diffParams = make('frame diff params', 32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const gateParams = make('reuse gate params', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const buffers = [fullBuf, args, state, previous, origins, diffParams, gateParams];
    device.queue.writeBuffer(fullBuf, 0, full);
    const first = new Uint32Array(state.size / 4);
    first[0] = RUN_WHOLE; // the first frame runs
    device.queue.writeBuffer(state, 0, first);
    if (twin) device.queue.writeBuffer(origins, 0, new Uint32Array(twin.ex.tiles.flatMap((t) => [t.x, t.y])));
    const tw = twin?.ex.tileGraph;
    device.queue.writeBuffer(diffParams, 0, new Uint32Array([count, x.c4, x.w, tileCount, tw?.paddedWidth ?? 0, tw?.paddedHeight ?? 0, 0, 0]));
    device.queue.writeBuffer(gateParams, 0, new Uint32Array([gated.length, tileGroups[0]?.length ?? 0, tileCount, twin?.maxTiles ?? 0]));
    const [diffPipeline, gatePipeline] = await Promise.all([pipelines.get('frame-diff', init.storage), pipelines.get('reuse-gate', {})]);
    const groups = div(count, 64);
    const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    const diff: Pass = {
      pipeline: diffPipeline,
      bindGroup: device.createBindGroup({
        label: 'frame diff',
        layout: diffPipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: diffParams } },
          { binding: 1, resource: owner.tensorBinding(x) },
          { binding: 2, resource: { buffer: previous } },
          { binding: 3, resource: { buffer: state } },
          { binding: 4, resource: { buffer: origins } },
        ],
      }),
      groups: [gx, div(groups, gx), 1],
    };
    const gate: Pass = {
      pipeline: gatePipeline,
      bindGroup: device.createBindGroup({
        label: 'reuse gate',
        layout: gatePipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: gateParams } },
          { binding: 1, resource: { buffer: fullBuf } },
          { binding: 2, resource: { buffer: args } },
          { binding: 3, resource: { buffer: state } },
        ],
      }),
      groups: [1, 1, 1],
    };
    let tiles: { ex: ReuseTarget; tiles: Pass[][] } | undefined;
    if (twin) {
      const crops = await cropPasses(init, twin.ex, previous, x.w, buffers);
      tiles = { ex: twin.ex, tiles: crops.map((crop, k) => [crop, ...twin.ex.passesAfterInput(k)]) };
    }
    return new FrameReuse(device, diff, gate, args, state, buffers, tiles);
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
    this.device.queue.writeBuffer(this.state, 0, new Uint32Array([RUN_WHOLE]));
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
async function cropPasses(init: ReuseInit, twin: ReuseTarget, source: GPUBuffer, row: number, buffers: GPUBuffer[]): Promise<Pass[]> {
  const { device } = init;
  const pipeline = await init.pipelines.get('crop', init.storage);
  const x = twin.tileGraph.tensors[0]!;
  const params = device.createBuffer({ label: 'crop params', size: twin.tiles.length * UNIFORM_SLOT, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  buffers.push(params);
  const words = new Uint32Array(params.size / 4);
  twin.tiles.forEach((t, k) => words.set([row, t.x, t.y, x.w, x.h], (k * UNIFORM_SLOT) / 4));
  device.queue.writeBuffer(params, 0, words);
  return twin.tiles.map((_, k) => ({
    pipeline,
    bindGroup: device.createBindGroup({
      label: 'crop',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params, offset: k * UNIFORM_SLOT, size: UNIFORM_SLOT } },
        { binding: 1, resource: { buffer: source } },
        { binding: 2, resource: twin.tensorBinding(x) },
      ],
    }),
    groups: twin.inputGroups,
  }));
}
