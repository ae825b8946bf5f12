// Turns a graph (one model at one input size) into GPU objects, once: pooled tensor buffers,
// per-pass uniforms, pipelines and bind groups. Per frame it only records the passes into one
// compute pass; nothing is created or read back there.
//
// A frame too large for one pass runs as tiles (plan/tiling.ts), all of one size, so one set of
// buffers and conv passes serves every tile; only the pack, SE-sum and output passes differ per
// tile. SE means are gathered over all tiles before any tile goes past the block: the frame
// runs in phases, one per SE block in network order (every tile up to the block, adding its
// part of the map's sums; then the scales from the whole map's means), then a last phase runs
// every tile through to the output with all scales known. Earlier layers are recomputed in
// each phase rather than kept, so memory stays that of one tile.
//
// Tensors are stored as f32 or f16 (tensor-format.ts): every shader that touches one is composed
// with the same storage defines, and the pooled buffers shrink by half for f16.

import type { Defines } from '../../shaders/compose.js';
import type { PackedModel } from '../model/packed-format.js';
import { PAD } from '../model/architecture.js';
import type { ConvOp, Graph, Op, OutputOp, SeOp, View } from '../plan/graph.js';
import { planMemory, type MemoryPlan } from '../plan/memory.js';
import type { Tile, TilePlan } from '../plan/tiling.js';
import type { ConvBlock } from './autotune.js';
import { CONV_WG, convGroups, type ConvKernel } from './dispatch.js';
import { run, type Pass } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import { FrameReuse } from './reuse.js';
import { groupBytes, tensorDefines, type TensorPrecision } from './tensor-format.js';

const UNIFORM_SLOT = 256;

/** The pack passes of one source: one per tile. */
export type PackPasses = Pass[];

/** The stages encodeTimed() times, in order. */
export const STAGES = ['input', 'unet1', 'unet2', 'output'] as const;

export interface ExecutorInit {
  device: GPUDevice;
  plan: TilePlan;
  model: PackedModel;
  weights: GPUBuffer;
  alpha: GPUBuffer;
  pipelines: PipelineCache;
  /** Use these textures instead of making them (the region twin shares its owner's). */
  shared?: { input: GPUTexture; output: GPUTexture };
  /** The conv kernels' register block (autotune.ts); wide ones serve layers of 16+ output channels. */
  convBlock?: ConvBlock;
  /** How the feature maps are stored. */
  precision: TensorPrecision;
}

/** One step of a tile's network after the pack pass. */
type Step =
  | { kind: 'conv'; pass: Pass; unet2: boolean }
  | { kind: 'se'; fused?: Pass; sums: Pass[]; fc?: Pass };

const div = (a: number, b: number) => Math.ceil(a / b);
const viewOffset = (v: View) => (v.y * v.tensor.w + v.x) * v.tensor.c4;
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
  private readonly uniforms: GPUBuffer;
  private readonly params: number[][] = [];
  private steps: Step[] = [];
  private output8: Pass[] = [];
  private outputRaw?: Pass[];
  private rawBuffer?: GPUBuffer;
  /** Pack passes per source texture: made once per texture, then reused. */
  private readonly packs = new WeakMap<GPUTexture, PackPasses>();
  private packPipeline!: GPUComputePipeline;
  private packExternalPipeline!: GPUComputePipeline;
  private packExternalBox2?: GPUComputePipeline;
  private sourceScaleValue: 1 | 2 = 1;
  /** Frame reuse (enableReuse()). */
  private reuse?: FrameReuse;
  /** Per tile: the passes after the input, the output pass last (untiled, or a model without SE). */
  private afterInput: Pass[][] = [];
  private afterInputRaw?: Pass[];
  private readonly fixedBytes: number;
  /** The storage defines (F16, F16_NATIVE) every tensor shader is composed with. */
  private readonly storage: Defines;

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
    this.planParams(seOps);
    const uniformBytes = this.params.length * UNIFORM_SLOT;
    this.uniforms = device.createBuffer({ label: 'pass params', size: uniformBytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const words = new Uint32Array(uniformBytes / 4);
    this.params.forEach((p, i) => words.set(p.map((v) => v >>> 0), (i * UNIFORM_SLOT) / 4));
    device.queue.writeBuffer(this.uniforms, 0, words);
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
      [...this.buffers, ...this.scales, ...this.sums, this.uniforms].reduce((a, b) => a + b.size, 0) +
      (init.shared ? 0 : frame.width * frame.height * 4 + frame.outWidth * frame.outHeight * 4);
  }

  static async create(init: ExecutorInit): Promise<GraphExecutor> {
    const ex = new GraphExecutor(init);
    await ex.buildPasses();
    return ex;
  }

  /** The conv kernels' register block this executor runs. */
  get convBlock(): ConvBlock {
    return this.init.convBlock ?? 'compact';
  }

  /** More than one tile: SE blocks run in gathered phases. */
  get tiled(): boolean {
    return this.init.plan.tiles.length > 1;
  }

  /** Bytes of GPU memory this executor holds (buffers and textures it created). */
  get bytes(): number {
    return this.fixedBytes + (this.rawBuffer?.size ?? 0) + (this.reuse?.bytes ?? 0);
  }

  /** The pack passes reading `texture` (default: the internal source copy); made once per texture. */
  async packFor(texture: GPUTexture = this.input): Promise<PackPasses> {
    let p = this.packs.get(texture);
    if (!p) {
      const view = texture.createView();
      p = this.tiles.map((_, k) => this.packPass(this.packPipeline, view, k));
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
   * Region reuse's tiles crop their input from the kept copy instead, so they add none.
   */
  packExternal(frame: GPUExternalTexture): PackPasses {
    const pipeline = this.sourceScaleValue === 2 ? this.packExternalBox2! : this.packExternalPipeline;
    return this.tiles.map((_, k) => this.packPass(pipeline, frame, k));
  }

  /**
   * 2: video frames are twice the graph's size and are box-averaged 2x2 by the pack pass (the
   * adaptive mode's half-input tier). Applies to packExternal() only.
   */
  async setSourceScale(scale: 1 | 2): Promise<void> {
    if (scale === 2) this.packExternalBox2 ??= await this.init.pipelines.get('pack', { ...this.storage, PRO: this.graph.variant.pro, EXTERNAL: true, BOX2: true });
    this.sourceScaleValue = scale;
  }

  /** 1, or 2 when video frames are box-averaged to half size first. */
  get sourceScale(): 1 | 2 {
    return this.sourceScaleValue;
  }

  /**
   * Turns on exact frame reuse (reuse.ts): from now on each frame compares its packed input with
   * the last one on the GPU and, when nothing changed, skips every later pass, so the output
   * texture keeps the previous result; models without SE also rerun only changed regions. For
   * video; made once. Untiled frames only (a tiled frame has no single packed input): a no-op
   * when tiled.
   */
  async enableReuse(): Promise<void> {
    if (this.reuse || this.tiled) return;
    const { device, pipelines } = this.init;
    this.reuse = await FrameReuse.create({
      device, pipelines, precision: this.precision, storage: this.storage, owner: this,
      twin: async (plan) => {
        const twin = await GraphExecutor.create({ ...this.init, plan, shared: { input: this.input, output: this.output } });
        twin.setAlpha(this.alphaValue);
        return twin;
      },
    });
  }

  /** Untiled, or a model without SE: the passes after the input of tile k, in order (its output pass last). */
  passesAfterInput(tile: number): readonly Pass[] {
    return this.afterInput[tile]!;
  }

  /** Workgroups of a pass over the packed input (pack, crop): 8x8 pixels each. */
  get inputGroups(): [number, number, number] {
    const out = this.tileGraph.tensors[0]!;
    return [div(out.w, 8), div(out.h, 8), 1];
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
   * (snippets/reuse-state.wgsl).
   */
  get reuseState(): GPUBuffer | undefined {
    return this.reuse?.state;
  }

  /** Records every pass of the network into one compute pass. */
  encode(pass: GPUComputePassEncoder, pack: PackPasses, raw = false): void {
    if (raw && !this.outputRaw) throw new Error('internal: enableRaw() first');
    const r = this.reuse?.on ? this.reuse : undefined;
    if (!r) {
      for (const p of this.sequence(pack, raw ? this.outputRaw! : this.output8)) run(pass, p);
      return;
    }
    // Untiled with reuse: pack, then the check and every later pass indirect (zero groups when reused).
    run(pass, pack[0]!);
    r.encode(pass, raw ? this.afterInputRaw! : this.afterInput[0]!);
  }

  /**
   * Like encode(), but as one compute pass per stage (input, UNet1, UNet2, output), each writing
   * begin/end timestamps at query indices 2i, 2i+1 of `querySet`: for per-stage GPU times.
   * A tiled frame interleaves the stages, so it is timed whole, as 'unet2'.
   */
  encodeTimed(encoder: GPUCommandEncoder, pack: PackPasses, querySet: GPUQuerySet): void {
    // [pass, index of its indirect arguments with reuse on]
    let stages: [Pass, number][][];
    const r = this.reuse?.on ? this.reuse : undefined;
    if (this.tiled) {
      stages = [[], [], [...this.sequence(pack, this.output8)].map((p) => [p, -1]), []];
    } else {
      stages = [[[pack[0]!, -1]], [], [], [[this.output8[0]!, this.steps.length]]];
      let unet2 = false; // from the first UNet2 conv on, SE passes included
      this.steps.forEach((s, i) => {
        unet2 ||= s.kind === 'conv' && s.unet2;
        stages[unet2 ? 2 : 1]!.push([untiledPass(s), i]);
      });
    }
    stages.forEach((list, i) => {
      const pass = encoder.beginComputePass({
        label: STAGES[i],
        timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
      for (const [p, at] of list) {
        if (r && at >= 0) r.encodeGated(pass, p, at);
        else run(pass, p);
      }
      if (r && i === 0) r.encodeCheck(pass);
      // Region reuse's tiles are timed with UNet2 (they run instead of the whole network).
      if (r && i === 2) r.encodeRegions(pass, this.steps.length + 1);
      pass.end();
    });
  }

  /**
   * For profiling (bench/profile-passes.ts), untiled only: every pass of the frame in a compute
   * pass of its own, writing begin/end timestamps at 2i, 2i+1. Returns each pass's name, kind
   * and multiply-adds, in order.
   */
  encodeProfiled(encoder: GPUCommandEncoder, pack: PackPasses, querySet: GPUQuerySet): { name: string; kind: string; macs: number }[] {
    if (this.tiled) throw new Error('internal: encodeProfiled() is for untiled frames');
    const ops = this.tileGraph.ops.filter((op) => op.kind !== 'pack' && op.kind !== 'output');
    const list: [Pass, { name: string; kind: string; macs: number }][] = [[pack[0]!, { name: 'pack', kind: 'pack', macs: 0 }]];
    this.steps.forEach((st, i) => {
      const op = ops[i]!;
      if (st.kind === 'se') {
        list.push([st.fused!, { name: (op as SeOp).output.name, kind: 'se', macs: 0 }]);
      } else {
        const c = op as ConvOp;
        list.push([st.pass, { name: c.spec.name, kind: c.kind, macs: c.macs }]);
      }
    });
    list.push([this.output8[0]!, { name: 'output', kind: 'output', macs: 0 }]);
    list.forEach(([p], i) => {
      const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
      run(pass, p);
      pass.end();
    });
    return list.map(([, d]) => d);
  }

  /** Makes the raw (unrounded f32) output variant; not needed on the per-frame path. */
  async enableRaw(): Promise<void> {
    if (this.outputRaw) return;
    const pipeline = await this.outputPipeline(true);
    this.outputRaw = this.tiles.map((_, k) => this.outputPass(pipeline, k, true));
    if (this.afterInput.length) this.afterInputRaw = [...this.afterInput[0]!.slice(0, -1), this.outputRaw[0]!];
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

  private alphaValue = 1;

  destroy(): void {
    for (const b of [...this.buffers, ...this.scales, ...this.sums, this.uniforms]) b.destroy();
    this.reuse?.destroy();
    this.rawBuffer?.destroy();
    if (!this.init.shared) {
      this.input.destroy();
      this.output.destroy();
    }
  }

  /** The passes of one frame, in order (see the header for the tiled phases). */
  private *sequence(pack: PackPasses, outputs: Pass[]): Generator<Pass> {
    if (!this.tiled) {
      yield pack[0]!;
      for (const s of this.steps) yield untiledPass(s);
      yield outputs[0]!;
      return;
    }
    const seSteps = this.steps.filter((s) => s.kind === 'se');
    for (const se of seSteps) {
      for (let k = 0; k < this.tiles.length; k++) {
        yield pack[k]!;
        for (const s of this.steps) {
          if (s === se) break;
          if (s.kind === 'conv') yield s.pass; // earlier SE blocks: their scales are known
        }
        yield se.sums[k]!;
      }
      yield se.fc!;
    }
    for (let k = 0; k < this.tiles.length; k++) {
      yield pack[k]!;
      for (const s of this.steps) if (s.kind === 'conv') yield s.pass;
      yield outputs[k]!;
    }
  }

  private get outputOp(): OutputOp {
    return this.tileGraph.ops[this.tileGraph.ops.length - 1] as OutputOp;
  }

  /** The pooled buffer holding tensor `t`. */
  tensorBinding(t: View['tensor']): GPUBufferBinding {
    return { buffer: this.buffers[this.memory.bufferOf[t.id]!]! };
  }

  private slot(index: number): GPUBufferBinding {
    return { buffer: this.uniforms, offset: index * UNIFORM_SLOT, size: UNIFORM_SLOT };
  }

  // Uniform slots: one per conv op; per tile one pack, one output and one sum per SE block;
  // one SE pass (untiled) or FC pass (tiled) per SE block. Indices are kept in these maps.
  private readonly convSlot = new Map<Op, number>();
  private packSlot: number[] = [];
  private outputSlot: number[] = [];
  private readonly seSlot = new Map<Op, number>();
  private readonly sumSlot = new Map<Op, number[]>();

  private planParams(seOps: SeOp[]): void {
    const g = this.tileGraph;
    const frame = this.graph;
    const add = (words: number[]) => this.params.push(words) - 1;
    const pad = PAD[g.variant.scale];
    for (const op of g.ops) {
      if (op.kind === 'se') {
        const i = op.input;
        if (!this.tiled) {
          this.seSlot.set(op, add([0, i.w, i.w, i.h, i.c4, 0, 0, 0]));
        } else {
          const whole = frame.ops.find((o): o is SeOp => o.kind === 'se' && o.layer === op.layer)!.input;
          this.seSlot.set(op, add([whole.w * whole.h, i.c4, 0, 0]));
          const n = seOps.indexOf(op);
          this.sumSlot.set(op, this.tiles.map((t, k) => {
            const r = t.se[n]!;
            return add([(r.y * i.w + r.x) * i.c4, i.w, r.w, r.h, i.c4, k > 0 ? 1 : 0, 0, 0]);
          }));
        }
      } else if (op.kind === 'pack') {
        // Negative pads (a tile inside the frame) are stored as their two's complement bits.
        this.packSlot = this.tiles.map((t) => add([frame.width, frame.height, pad - t.x, pad - t.y, op.output.w, op.output.h, 0, 0]));
      } else if (op.kind === 'output') {
        const n = op.nearest;
        this.outputSlot = this.tiles.map((t) => add([
          viewOffset(op.input), op.input.tensor.w, op.input.tensor.c4, n ? n.tensor.w : 0,
          t.out.w, t.out.h, n ? viewOffset(n) : 0, frame.outWidth,
          t.out.x, t.out.y, t.outX, t.outY,
        ]));
      } else {
        const i = op.input;
        const s = op.skip;
        this.convSlot.set(op, add([
          viewOffset(i), i.tensor.w, i.tensor.c4, i.w,
          i.h, 0, op.output.w, op.output.c4,
          op.output.w, op.output.h, s ? viewOffset(s) : 0, s ? s.tensor.w : 0,
          0, 0, 0, 0,
        ]));
      }
    }
  }

  private async buildPasses(): Promise<void> {
    // All pipelines are asked for at once, so the implementation may compile them in parallel
    // (this decides how fast a lost device is back).
    const pro = this.graph.variant.pro;
    const [steps, output, pack, packExternal] = await Promise.all([
      Promise.all(
        this.tileGraph.ops
          .filter((op) => op.kind !== 'pack' && op.kind !== 'output')
          .map(async (op): Promise<Step> =>
            op.kind === 'se'
              ? this.seStep(op)
              : { kind: 'conv', pass: await this.convPass(op as ConvOp), unet2: (op as ConvOp).spec.name.startsWith('unet2.') || (op as ConvOp).spec.name === 'conv_final' },
          ),
      ),
      this.outputPipeline(false),
      this.init.pipelines.get('pack', { ...this.storage, PRO: pro, EXTERNAL: false, BOX2: false }),
      this.init.pipelines.get('pack', { ...this.storage, PRO: pro, EXTERNAL: true, BOX2: false }),
    ]);
    this.steps = steps;
    this.output8 = this.tiles.map((_, k) => this.outputPass(output, k, false));
    this.packPipeline = pack;
    this.packExternalPipeline = packExternal;
    const seTiled = this.tiled && steps.some((s) => s.kind === 'se');
    if (!seTiled) this.afterInput = this.output8.map((out) => [...steps.map(untiledPass), out]);
  }

  private async convPass(op: ConvOp): Promise<Pass> {
    const { device, model, weights, pipelines } = this.init;
    const layer = model.layers[op.layer]!;
    const spec = op.spec;
    const kind = this.kernelOf(op);
    const defines = {
      ...this.storage,
      WG_X: CONV_WG, WG_Y: CONV_WG,
      LRELU: op.lrelu, SKIP: !!op.skip, IN_SCALE: !!op.inScale, SKIP_SCALE: !!op.skipScale,
      K: spec.kernel, S: spec.stride, PAD: spec.pad,
      // Only deconv.wgsl reads it; elsewhere it would only split the pipeline cache.
      ONE_GROUP: kind === 'deconv' && op.output.c4 === 1,
    };
    const pipeline = await pipelines.get(kind, defines);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: this.slot(this.convSlot.get(op)!) },
      { binding: 1, resource: this.tensorBinding(op.input.tensor) },
      { binding: 2, resource: { buffer: weights, offset: layer.weightOffset, size: layer.weightBytes } },
      { binding: 3, resource: { buffer: weights, offset: layer.biasOffset, size: layer.biasBytes } },
      { binding: 4, resource: this.tensorBinding(op.output) },
    ];
    if (op.skip) entries.push({ binding: 5, resource: this.tensorBinding(op.skip.tensor) });
    if (op.inScale) entries.push({ binding: 6, resource: { buffer: this.scales[op.inScale.id]! } });
    if (op.skipScale) entries.push({ binding: 7, resource: { buffer: this.scales[op.skipScale.id]! } });
    const bindGroup = device.createBindGroup({ label: spec.name, layout: pipeline.getBindGroupLayout(0), entries });
    const o = op.output;
    return { pipeline, bindGroup, groups: convGroups(kind, o.w, o.h, o.c4, spec.stride) };
  }

  /** The kernel file of a conv op: with the wide block, its wide variant where there is one. */
  private kernelOf(op: ConvOp): ConvKernel {
    if (this.init.convBlock !== 'wide') return op.kind;
    const s = op.spec;
    // The 4x4/s2/p3 tail (2x and 4x models): one channel group per invocation, so it also pays
    // on the 2x model's 3 output channels.
    if (op.kind === 'deconv' && s.kernel === 4 && s.stride === 2 && s.pad === 3) return 'deconv4x4s2-wide';
    // Elsewhere the wide block only pays where the layer has its 16 output channels.
    if (op.output.c4 < 4) return op.kind;
    if (op.kind !== 'deconv') return `${op.kind}-wide`;
    return s.kernel === 2 && s.stride === 2 && s.pad === 0 ? 'deconv2x2s2-wide' : 'deconv';
  }

  /** Untiled: one fused SE pass. Tiled: a sum pass per tile and one FC pass. */
  private async seStep(op: SeOp): Promise<Step> {
    const { device, model, weights, pipelines, alpha } = this.init;
    const fc1 = model.layers[op.layer]!;
    const fc2 = model.layers[op.layer + 1]!;
    const excite = (): GPUBindGroupEntry[] => {
      const e: GPUBindGroupEntry[] = [
        { binding: 2, resource: { buffer: weights, offset: fc1.weightOffset, size: fc1.weightBytes } },
        { binding: 3, resource: { buffer: weights, offset: fc1.biasOffset, size: fc1.biasBytes } },
        { binding: 4, resource: { buffer: weights, offset: fc2.weightOffset, size: fc2.weightBytes } },
        { binding: 5, resource: { buffer: weights, offset: fc2.biasOffset, size: fc2.biasBytes } },
        { binding: 6, resource: { buffer: this.scales[op.output.id]! } },
      ];
      if (op.alpha) e.push({ binding: 7, resource: { buffer: alpha } });
      return e;
    };
    const source = this.tensorBinding(op.input);
    const slot = this.slot(this.seSlot.get(op)!);
    if (!this.tiled) {
      const pipeline = await pipelines.get('se', { ...this.storage, ALPHA: op.alpha });
      const entries = [{ binding: 0, resource: slot }, { binding: 1, resource: source }, ...excite()];
      const bindGroup = device.createBindGroup({ label: op.output.name, layout: pipeline.getBindGroupLayout(0), entries });
      return { kind: 'se', fused: { pipeline, bindGroup, groups: [1, 1, 1] }, sums: [] };
    }
    const sums = { buffer: this.sums[this.tileGraph.ops.filter((o) => o.kind === 'se').indexOf(op)]! };
    const sumPipeline = await pipelines.get('se-sum', this.storage);
    const sumPasses = this.sumSlot.get(op)!.map((index) => ({
      pipeline: sumPipeline,
      bindGroup: device.createBindGroup({
        label: `${op.output.name} sum`,
        layout: sumPipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: this.slot(index) }, { binding: 1, resource: source }, { binding: 2, resource: sums }],
      }),
      groups: [1, 1, 1] as [number, number, number],
    }));
    const fcPipeline = await pipelines.get('se-fc', { ALPHA: op.alpha });
    const fcEntries = [{ binding: 0, resource: slot }, { binding: 1, resource: sums }, ...excite()];
    const fc: Pass = {
      pipeline: fcPipeline,
      bindGroup: device.createBindGroup({ label: `${op.output.name} fc`, layout: fcPipeline.getBindGroupLayout(0), entries: fcEntries }),
      groups: [1, 1, 1],
    };
    return { kind: 'se', sums: sumPasses, fc };
  }

  private packPass(pipeline: GPUComputePipeline, source: GPUTextureView | GPUExternalTexture, tile: number): Pass {
    const out = this.tileGraph.tensors[0]!;
    const bindGroup = this.device.createBindGroup({
      label: 'pack',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: this.slot(this.packSlot[tile]!) },
        { binding: 1, resource: source },
        { binding: 2, resource: this.tensorBinding(out) },
      ],
    });
    return { pipeline, bindGroup, groups: this.inputGroups };
  }

  private outputPipeline(raw: boolean): Promise<GPUComputePipeline> {
    const op = this.outputOp;
    return this.init.pipelines.get('output', { ...this.storage, PRO: this.graph.variant.pro, SHUFFLE4: op.shuffle4, RAW: raw });
  }

  private outputPass(pipeline: GPUComputePipeline, tile: number, raw: boolean): Pass {
    const op = this.outputOp;
    const frame = this.graph;
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: this.slot(this.outputSlot[tile]!) },
      { binding: 1, resource: this.tensorBinding(op.input.tensor) },
      { binding: 2, resource: this.output.createView() },
    ];
    if (op.nearest) entries.push({ binding: 3, resource: this.tensorBinding(op.nearest.tensor) });
    if (raw) {
      this.rawBuffer ??= this.device.createBuffer({
        label: 'raw output',
        size: frame.outWidth * frame.outHeight * 12,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      });
      entries.push({ binding: 4, resource: { buffer: this.rawBuffer } });
    }
    const bindGroup = this.device.createBindGroup({ label: 'output', layout: pipeline.getBindGroupLayout(0), entries });
    const t = this.tiles[tile]!;
    return { pipeline, bindGroup, groups: [div(t.out.w, 8), div(t.out.h, 8), 1] };
  }
}
