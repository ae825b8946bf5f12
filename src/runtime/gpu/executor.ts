// Turns a graph (one model at one input size) into GPU objects, once: pooled tensor buffers,
// the passes (frame-passes.ts: uniforms, pipelines, bind groups). Per frame it only records the
// passes into one compute pass; nothing is created or read back there.
//
// A frame too large for one pass runs as tiles (plan/tiling.ts), all of one size, so one set of
// buffers and conv passes serves every tile; only the pack, SE-sum and output passes differ per
// tile. SE means are gathered over all tiles before any tile goes past the block: the frame
// runs in phases, one per SE block in network order (every tile up to the block, adding its
// part of the map's sums; then the scales from the whole map's means), then a last phase runs
// every tile through to the output with all scales known. Earlier layers are recomputed in
// each phase rather than kept, so memory stays that of one tile.
//
// Tensors are stored as f32 or f16 (tensor-format.ts): every program that touches one is
// compiled with the same storage defines, and the pooled buffers shrink by half for f16.

import { pack as packProgram, output as outputProgram } from '../../shaders/programs/pixels.js';
import type { PackedModel } from '../model/packed-format.js';
import type { Graph, SeOp, Tensor } from '../plan/graph.js';
import { planMemory, type MemoryPlan } from '../plan/memory.js';
import type { Tile, TilePlan } from '../plan/tiling.js';
import { kernelsByClass, type KernelChoice, type ConvBlock, type StorageDefines } from './conv-kernels.js';
import { buildFramePasses, type FramePasses, type Step } from './frame-passes.js';
import { rebind, run, type Pass } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import type { OpPass, ProfiledFrame } from './profile.js';
import type { FrameReuse, ReuseSource } from './reuse.js';
import { groupBytes, tensorDefines, type TensorPrecision } from './tensor-format.js';

export { STAGES } from '../plan/graph.js';

/** The pack passes of one source: one per tile. */
export type PackPasses = Pass[];

export interface ExecutorInit {
  device: GPUDevice;
  plan: TilePlan;
  model: PackedModel;
  weights: GPUBuffer;
  alpha: GPUBuffer;
  pipelines: PipelineCache;
  /** Use these textures instead of making them (the region twin shares its owner's). */
  shared?: { input: GPUTexture; output: GPUTexture };
  /** The conv kernels (conv-kernels.ts): a set, and the classes another set's kernel computes; default 'compact'. */
  kernels?: KernelChoice;
  /** How the feature maps are stored. */
  precision: TensorPrecision;
}

/** A step's one pass in an untiled frame (or a frame without SE): the conv, or the fused SE pass. */
const untiledPass = (st: Step): Pass => (st.kind === 'conv' ? st.pass : st.fused!);

export class GraphExecutor {
  /** The whole frame's graph (input and output sizes, multiply-adds of one frame). */
  readonly graph: Graph;
  /** The graph each tile runs (the frame's own when untiled). */
  readonly tileGraph: Graph;
  readonly tiles: readonly Tile[];
  readonly memory: MemoryPlan;
  readonly precision: TensorPrecision;
  /** Where sources that are not GPU textures are copied to. */
  readonly input: GPUTexture;
  readonly output: GPUTexture;
  private readonly device: GPUDevice;
  private readonly init: ExecutorInit;
  private readonly buffers: GPUBuffer[];
  private readonly scales: GPUBuffer[];
  /** Tiled only: per SE block, the per-channel sums gathered over the tiles. */
  private readonly sums: GPUBuffer[];
  /** The storage defines (F16, F16_NATIVE) every tensor program is compiled with. */
  private readonly storage: StorageDefines;
  private readonly fixedBytes: number;
  private passes!: FramePasses;
  /** Untiled (or a model without SE): per tile, the passes after the input with their ops, the output last. */
  private afterInput: OpPass[][] = [];
  /** The same as plain passes, for frame reuse (made once: the frame path allocates nothing). */
  private gated: Pass[][] = [];
  private outputRaw?: Pass[];
  private afterInputRaw?: OpPass[];
  private gatedRaw?: Pass[];
  private rawBuffer?: GPUBuffer;
  /** Pack passes per source texture: made once per texture, then reused. */
  private readonly packs = new WeakMap<GPUTexture, PackPasses>();
  private packExternalPipeline!: GPUComputePipeline;
  private packExternalBox2?: GPUComputePipeline;
  private sourceScaleValue: 1 | 2 = 1;
  /** Frame reuse (enableReuse()). */
  private reuse?: FrameReuse;
  private alphaValue = 1;
  private byClass?: Record<string, string>;

  private constructor(init: ExecutorInit) {
    this.init = init;
    this.device = init.device;
    const { device, plan } = init;
    this.graph = plan.frame;
    this.tileGraph = plan.tile;
    this.tiles = plan.tiles;
    const g = this.tileGraph;
    this.memory = planMemory(g);
    this.precision = init.precision;
    this.storage = tensorDefines(init.precision, device);
    const storage = GPUBufferUsage.STORAGE;
    // planMemory counts f32 groups (16 bytes); f16 stores each in 8 (sizes stay multiples of 8).
    const shrink = groupBytes(init.precision) / 16;
    this.buffers = this.memory.bufferSizes.map((size, i) =>
      device.createBuffer({ label: `tensors ${i}`, size: Math.max(size * shrink, 16), usage: storage }),
    );
    const vecBytes = (channels: number) => Math.max(16, Math.ceil(channels / 4) * 16);
    this.scales = g.scales.map((s) =>
      device.createBuffer({ label: s.name, size: vecBytes(s.channels), usage: storage | GPUBufferUsage.COPY_DST }),
    );
    const seOps = g.ops.filter((o): o is SeOp => o.kind === 'se');
    this.sums = this.tiled ? seOps.map((op) => device.createBuffer({ label: `${op.output.name} sums`, size: vecBytes(op.input.c4 * 4), usage: storage })) : [];
    const frame = this.graph;
    this.input = init.shared?.input ?? device.createTexture({
      label: 'source copy',
      size: [frame.width, frame.height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
    });
    this.output = init.shared?.output ?? device.createTexture({
      label: 'upscaled',
      size: [frame.outWidth, frame.outHeight],
      format: 'rgba8unorm',
      // COPY_DST: a video keeps its last picture when it switches kernels (VideoUpscaler).
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST,
    });
    this.fixedBytes =
      [...this.buffers, ...this.scales, ...this.sums].reduce((a, b) => a + b.size, 0) +
      (init.shared ? 0 : frame.width * frame.height * 4 + frame.outWidth * frame.outHeight * 4);
  }

  static async create(init: ExecutorInit): Promise<GraphExecutor> {
    const ex = new GraphExecutor(init);
    await ex.build();
    return ex;
  }

  /** The conv kernels this executor runs. */
  get kernels(): KernelChoice {
    return this.init.kernels ?? { block: 'compact', classes: {} };
  }

  /** Their set. */
  get convBlock(): ConvBlock {
    return this.kernels.block;
  }

  /** The kernel of every conv layer class, by WGSL program name: what runs. */
  get kernelsByClass(): Record<string, string> {
    return (this.byClass ??= kernelsByClass(this.tileGraph.ops, this.kernels));
  }

  /** More than one tile: SE blocks run in gathered phases. */
  get tiled(): boolean {
    return this.init.plan.tiles.length > 1;
  }

  /** Bytes of GPU memory this executor holds (buffers and textures it created). */
  get bytes(): number {
    return this.fixedBytes + this.passes.uniforms.size + (this.passes.textures?.bytes ?? 0) + (this.rawBuffer?.size ?? 0) + (this.reuse?.bytes ?? 0);
  }

  /** The pack passes reading `texture` (default: the internal source copy); made once per texture. */
  async packFor(texture: GPUTexture = this.input): Promise<PackPasses> {
    let p = this.packs.get(texture);
    if (!p) {
      if (texture === this.input) {
        p = this.passes.pack;
      } else {
        const view = texture.createView();
        p = this.passes.pack.map((b) => rebind(this.device, b, b.pipeline, { resources: { source: view } }));
      }
      this.packs.set(texture, p);
    }
    return p;
  }

  cachedPack(texture: GPUTexture = this.input): PackPasses | undefined {
    return this.packs.get(texture);
  }

  /**
   * The pack passes for a video frame imported this task. A GPUExternalTexture lives for one
   * task, so its bind groups (one per tile) are the GPU objects made per frame (WebGPU requires it).
   * Region reuse's tiles crop their input from the packed input instead, so they add none.
   */
  packExternal(frame: GPUExternalTexture): PackPasses {
    const box2 = this.sourceScaleValue === 2;
    const pipeline = box2 ? this.packExternalBox2! : this.packExternalPipeline;
    return this.passes.pack.map((b) => rebind(this.device, b, pipeline, { defines: { EXTERNAL: true, BOX2: box2 }, resources: { source: frame } }));
  }

  /**
   * 2: video frames are twice the graph's size and are box-averaged 2x2 by the pack pass (the
   * adaptive mode's half-input tier). Applies to packExternal() only.
   */
  async setSourceScale(scale: 1 | 2): Promise<void> {
    if (scale === 2) this.packExternalBox2 ??= await this.init.pipelines.get(packProgram, this.packDefines(true, true));
    this.sourceScaleValue = scale;
  }

  /** 1, or 2 when video frames are box-averaged to half size first. */
  get sourceScale(): 1 | 2 {
    return this.sourceScaleValue;
  }

  /**
   * Turns on frame reuse (reuse.ts): from now on each frame compares its packed input, block by
   * block, with the input the shown output was computed from, on the GPU, and when no block
   * differs by more than `threshold` (mean squared difference, 8-bit levels; 0: exact) skips
   * every later pass, so the output texture keeps the last result; models without SE also rerun
   * only changed regions. For video; made once. Untiled frames only (a tiled frame has no single
   * packed input): a no-op when tiled.
   */
  async enableReuse(threshold = 0): Promise<void> {
    if (this.reuse || this.tiled) return;
    const { device, pipelines } = this.init;
    // Loaded with the first video (stills never load it): its code and shaders are their own chunk.
    const { FrameReuse } = await import('./reuse.js');
    this.reuse = await FrameReuse.create({
      device, pipelines, precision: this.precision, storage: this.storage, owner: this, threshold,
      twin: async (plan) => {
        const twin = await GraphExecutor.create({ ...this.init, plan, shared: { input: this.input, output: this.output } });
        twin.setAlpha(this.alphaValue);
        return twin;
      },
    });
  }

  /** With reuse: the gate's threshold (see enableReuse()); takes effect from the next frame. */
  setReuseThreshold(threshold: number): void {
    this.reuse?.setThreshold(threshold);
  }

  /** Untiled, or a model without SE: the passes after the input of tile k, in order (its output pass last). */
  passesAfterInput(tile: number): readonly Pass[] {
    return this.gated[tile]!;
  }

  /** Workgroups of a pass over the packed input (pack, crop). */
  get inputGroups(): [number, number, number] {
    return this.passes.pack[0]!.groups;
  }

  /** With region reuse: the tiles a frame is split into for it (else 0). */
  get regionTiles(): number {
    return this.reuse?.regionTiles ?? 0;
  }

  /** Whether frames are gated by the reuse check (after enableReuse(); default on). */
  get reuseEnabled(): boolean {
    return !!this.reuse?.on;
  }

  set reuseEnabled(on: boolean) {
    if (this.reuse) this.reuse.on = on;
  }

  /** With reuse on: makes the next frame run in full (after alpha changed, for instance). */
  invalidate(): void {
    this.reuse?.invalidate();
  }

  /**
   * With reuse on: the state buffer for stats readback; its first words are u32 changed, frames,
   * frames computed whole, frames computed as tiles, tiles run, how the last frame ran
   * (programs/reuse.ts).
   */
  get reuseState(): GPUBuffer | undefined {
    return this.reuse?.counters.state;
  }

  /** With reuse on: the counters to read for the stats (one object, made once). */
  get reuseCounters(): ReuseSource | undefined {
    return this.reuse?.on ? this.reuse.counters : undefined;
  }

  /** Records every pass of the network into one compute pass. */
  encode(pass: GPUComputePassEncoder, pack: PackPasses, raw = false): void {
    if (raw && !this.outputRaw) throw new Error('internal: enableRaw() first');
    const r = this.reuse?.on ? this.reuse : undefined;
    if (!r) {
      for (const p of this.sequence(pack, raw ? this.outputRaw! : this.passes.output)) run(pass, p);
      return;
    }
    // Untiled with reuse: pack, then the check and every later pass indirect (zero groups when reused).
    run(pass, pack[0]!);
    r.encode(pass, raw ? this.gatedRaw! : this.gated[0]!);
  }

  /**
   * The frame as the timed encodings see it (profile.ts encodeTimed, for per-stage GPU times;
   * encodeProfiled, untiled, for per-pass ones), with frame reuse's passes when reuse is on.
   */
  profiledFrame(pack: PackPasses): { frame: ProfiledFrame; reuse?: FrameReuse } {
    const frame = this.tiled ? { tiled: this.sequence(pack, this.passes.output) } : { pack: pack[0]!, steps: this.afterInput[0]! };
    return { frame, reuse: this.reuse?.on ? this.reuse : undefined };
  }

  /** Makes the raw (unrounded f32) output variant; not needed on the per-frame path. */
  async enableRaw(): Promise<void> {
    if (this.outputRaw) return;
    const frame = this.graph;
    const defines = { RAW: true };
    const pipeline = await this.init.pipelines.get(outputProgram, { ...this.passes.output[0]!.spec.defines, ...defines });
    this.rawBuffer = this.device.createBuffer({
      label: 'raw output',
      size: frame.outWidth * frame.outHeight * 12,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const raw = this.rawBuffer;
    this.outputRaw = this.passes.output.map((b) => rebind(this.device, b, pipeline, { defines, resources: { raw } }));
    const untiled = this.afterInput[0];
    if (untiled) {
      const last = untiled[untiled.length - 1]!;
      this.afterInputRaw = [...untiled.slice(0, -1), { op: last.op, pass: this.outputRaw[0]! }];
      this.gatedRaw = this.afterInputRaw.map((s) => s.pass);
    }
  }

  /** The unrounded output (HWC RGB f32, 0..255 space) of the last raw run. */
  get raw(): GPUBuffer | undefined {
    return this.rawBuffer;
  }

  /** Writes alpha into the no-SE model's alpha vector (here and in the region twin). */
  setAlpha(alpha: number): void {
    this.alphaValue = alpha;
    const v = this.tileGraph.alphaVector;
    if (v) this.device.queue.writeBuffer(this.scales[v.id]!, 0, new Float32Array(v.channels).fill(alpha));
    this.reuse?.setAlpha(alpha);
  }

  destroy(): void {
    for (const b of [...this.buffers, ...this.scales, ...this.sums, this.passes.uniforms]) b.destroy();
    this.passes.textures?.destroy();
    this.rawBuffer?.destroy();
    this.reuse?.destroy();
    if (!this.init.shared) {
      this.input.destroy();
      this.output.destroy();
    }
  }

  /** The pooled buffer holding tensor `t`. */
  tensorBinding(t: Tensor): GPUBufferBinding {
    return { buffer: this.buffers[this.memory.bufferOf[t.id]!]! };
  }

  private packDefines(external: boolean, box2: boolean) {
    return { ...this.storage, PRO: this.graph.variant.pro, EXTERNAL: external, BOX2: box2 };
  }

  private async build(): Promise<void> {
    const { device, pipelines } = this.init;
    const [passes, packExternal] = await Promise.all([
      buildFramePasses({
        device, pipelines, plan: this.init.plan, model: this.init.model, weights: this.init.weights, alpha: this.init.alpha,
        storage: this.storage, kernels: this.kernels,
        tensor: (t) => this.tensorBinding(t),
        scale: (s) => this.scales[s.id]!,
        sums: (n) => this.sums[n]!,
        input: this.input.createView(),
        output: this.output.createView(),
      }),
      // Asked for with the others, so the implementation may compile them in parallel (this
      // decides how fast a lost device is back).
      pipelines.get(packProgram, this.packDefines(true, false)),
    ]);
    this.passes = passes;
    this.packExternalPipeline = packExternal;
    const seTiled = this.tiled && passes.steps.some((s) => s.kind === 'se');
    if (!seTiled) {
      this.afterInput = passes.output.map((out) => [
        ...passes.steps.map((s) => ({ op: s.op, pass: untiledPass(s) })),
        { op: this.tileGraph.ops[this.tileGraph.ops.length - 1]!, pass: out },
      ]);
      this.gated = this.afterInput.map((list) => list.map((s) => s.pass));
    }
  }

  /** The passes of one frame, in order (see the header for the tiled phases). */
  private *sequence(pack: PackPasses, outputs: Pass[]): Generator<Pass> {
    const steps = this.passes.steps;
    if (!this.tiled) {
      yield pack[0]!;
      for (const s of steps) yield untiledPass(s);
      yield outputs[0]!;
      return;
    }
    for (const se of steps) {
      if (se.kind !== 'se') continue;
      for (let k = 0; k < this.tiles.length; k++) {
        yield pack[k]!;
        for (const s of steps) {
          if (s === se) break;
          if (s.kind === 'conv') yield s.pass; // earlier SE blocks: their scales are known
        }
        yield se.sums[k]!;
      }
      yield se.fc!;
    }
    for (let k = 0; k < this.tiles.length; k++) {
      yield pack[k]!;
      for (const s of steps) if (s.kind === 'conv') yield s.pass;
      yield outputs[k]!;
    }
  }
}
