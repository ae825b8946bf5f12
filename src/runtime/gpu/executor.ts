// Turns a graph (one model at one input size) into GPU objects, once: pooled tensor buffers,
// per-pass uniforms, pipelines and bind groups. Per frame it only records the passes into one
// compute pass; nothing is created or read back there.

import type { PackedModel } from '../model/packed-format.js';
import type { ConvOp, Graph, Op, OutputOp, PackOp, SeOp, View } from '../plan/graph.js';
import { planMemory, type MemoryPlan } from '../plan/memory.js';
import { CONV_WG, convGroups } from './dispatch.js';
import type { PipelineCache } from './pipelines.js';

const UNIFORM_SLOT = 256;

export interface Pass {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

/** The stages encodeTimed() times, in order. */
export const STAGES = ['input', 'unet1', 'unet2', 'output'] as const;

export interface ExecutorInit {
  device: GPUDevice;
  graph: Graph;
  model: PackedModel;
  weights: GPUBuffer;
  alpha: GPUBuffer;
  pipelines: PipelineCache;
}

const div = (a: number, b: number) => Math.ceil(a / b);
const viewOffset = (v: View) => (v.y * v.tensor.w + v.x) * v.tensor.c4;

export class GraphExecutor {
  readonly graph: Graph;
  readonly memory: MemoryPlan;
  /** Where sources that are not GPU textures are copied to. */
  readonly input: GPUTexture;
  readonly output: GPUTexture;
  private readonly device: GPUDevice;
  private readonly init: ExecutorInit;
  private readonly buffers: GPUBuffer[];
  private readonly scales: GPUBuffer[];
  private readonly uniforms: GPUBuffer;
  private readonly slotOf = new Map<Op, number>();
  private passes: Pass[] = [];
  /** Index in `passes` of the first UNet2 pass (for per-stage timing). */
  private unet2From = 0;
  private output8!: Pass;
  private outputRaw?: Pass;
  private rawBuffer?: GPUBuffer;
  /** Pack passes per source texture: made once per texture, then reused. */
  private readonly packs = new WeakMap<GPUTexture, Pass>();
  private packExternalPipeline!: GPUComputePipeline;
  private packExternalBox2?: GPUComputePipeline;
  private sourceScaleValue: 1 | 2 = 1;
  /** Frame reuse (enableReuse()): the diff and gate passes and their buffers. */
  private reuse?: FrameReuse;
  private readonly baseBytes: number;

  private constructor(init: ExecutorInit) {
    this.init = init;
    this.device = init.device;
    this.graph = init.graph;
    const { device, graph } = init;
    this.memory = planMemory(graph);
    const storage = GPUBufferUsage.STORAGE;
    this.buffers = this.memory.bufferSizes.map((size, i) =>
      device.createBuffer({ label: `tensors ${i}`, size: Math.max(size, 16), usage: storage }),
    );
    this.scales = graph.scales.map((s) =>
      device.createBuffer({ label: s.name, size: Math.max(16, Math.ceil(s.channels / 4) * 16), usage: storage | GPUBufferUsage.COPY_DST }),
    );
    this.uniforms = device.createBuffer({
      label: 'pass params',
      size: graph.ops.length * UNIFORM_SLOT,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const params = new Uint32Array((graph.ops.length * UNIFORM_SLOT) / 4);
    graph.ops.forEach((op, i) => {
      this.slotOf.set(op, i * UNIFORM_SLOT);
      params.set(paramsOf(op, graph), (i * UNIFORM_SLOT) / 4);
    });
    device.queue.writeBuffer(this.uniforms, 0, params);
    this.input = device.createTexture({
      label: 'source copy',
      size: [graph.width, graph.height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
    });
    this.output = device.createTexture({
      label: 'upscaled',
      size: [graph.outWidth, graph.outHeight],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC,
    });
    this.baseBytes =
      this.memory.bufferSizes.reduce((a, b) => a + b, 0) + params.byteLength +
      graph.width * graph.height * 4 + graph.outWidth * graph.outHeight * 4;
  }

  static async create(init: ExecutorInit): Promise<GraphExecutor> {
    const ex = new GraphExecutor(init);
    await ex.buildPasses();
    return ex;
  }

  /** The pack pass reading `texture` (default: the internal source copy); made once per texture. */
  async packFor(texture: GPUTexture = this.input): Promise<Pass> {
    let p = this.packs.get(texture);
    if (!p) {
      const pipeline = await this.init.pipelines.get('pack', { PRO: this.graph.variant.pro, EXTERNAL: false, BOX2: false });
      p = this.packPass(pipeline, texture.createView());
      this.packs.set(texture, p);
    }
    return p;
  }

  cachedPack(texture: GPUTexture = this.input): Pass | undefined {
    return this.packs.get(texture);
  }

  /**
   * The pack pass for a video frame imported this task. A GPUExternalTexture lives for one task,
   * so its bind group is the one GPU object made per frame (WebGPU requires it).
   */
  packExternal(frame: GPUExternalTexture): Pass {
    return this.packPass(this.sourceScaleValue === 2 ? this.packExternalBox2! : this.packExternalPipeline, frame);
  }

  /**
   * 2: video frames are twice the graph's size and are box-averaged 2x2 by the pack pass (the
   * adaptive mode's half-input tier). Applies to packExternal() only.
   */
  async setSourceScale(scale: 1 | 2): Promise<void> {
    if (scale === 2) this.packExternalBox2 ??= await this.init.pipelines.get('pack', { PRO: this.graph.variant.pro, EXTERNAL: true, BOX2: true });
    this.sourceScaleValue = scale;
  }

  /** 1, or 2 when video frames are box-averaged to half size first. */
  get sourceScale(): 1 | 2 {
    return this.sourceScaleValue;
  }

  /** Bytes of GPU memory this executor holds. */
  get bytes(): number {
    return this.baseBytes + (this.reuse?.bytes ?? 0);
  }

  /**
   * Turns on exact frame reuse: from now on each frame compares its packed input with the last
   * one on the GPU and, when nothing changed, skips every later pass (indirect dispatches of
   * zero workgroups), so the output texture keeps the previous result. For video; made once.
   */
  async enableReuse(): Promise<void> {
    if (this.reuse) return;
    const { device, pipelines } = this.init;
    const x = (this.graph.ops[0] as PackOp).output;
    const count = x.w * x.h * x.c4;
    const dispatched = [...this.passes, this.output8];
    const full = new Uint32Array(dispatched.flatMap((p) => p.groups));
    const storage = GPUBufferUsage.STORAGE;
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size: Math.max(16, size), usage });
    const fullBuf = make('reuse full sizes', full.byteLength, storage | GPUBufferUsage.COPY_DST);
    const args = make('reuse dispatch args', full.byteLength, storage | GPUBufferUsage.INDIRECT);
    const state = make('reuse state', 16, storage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    const previous = make('previous input', count * 16, storage);
    const diffParams = make('frame diff params', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const gateParams = make('reuse gate params', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(fullBuf, 0, full);
    device.queue.writeBuffer(state, 0, new Uint32Array([1, 0, 0, 0])); // the first frame runs
    device.queue.writeBuffer(diffParams, 0, new Uint32Array([count, 0, 0, 0]));
    device.queue.writeBuffer(gateParams, 0, new Uint32Array([dispatched.length, 0, 0, 0]));
    const [diffPipeline, gatePipeline] = await Promise.all([pipelines.get('frame-diff', {}), pipelines.get('reuse-gate', {})]);
    const groups = div(count, 64);
    const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    const diff: Pass = {
      pipeline: diffPipeline,
      bindGroup: device.createBindGroup({
        label: 'frame diff',
        layout: diffPipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: diffParams } },
          { binding: 1, resource: this.tensorBinding({ tensor: x, x: 0, y: 0, w: 0, h: 0 }) },
          { binding: 2, resource: { buffer: previous } },
          { binding: 3, resource: { buffer: state } },
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
    this.reuse = { on: true, diff, gate, args, state, buffers: [fullBuf, args, state, previous, diffParams, gateParams], bytes: full.byteLength * 2 + count * 16 + 48 };
  }

  /** Whether frames are gated by the reuse check (after enableReuse(); default on). */
  get reuseEnabled(): boolean {
    return !!this.reuse?.on;
  }

  set reuseEnabled(on: boolean) {
    if (!this.reuse || this.reuse.on === on) return;
    this.reuse.on = on;
    // The kept copy went stale while off: the next frame must run.
    if (on) this.invalidate();
  }

  /** With reuse on: makes the next frame run in full (after alpha changed, for instance). */
  invalidate(): void {
    if (this.reuse) this.init.device.queue.writeBuffer(this.reuse.state, 0, new Uint32Array([1]));
  }

  /** With reuse on: the state buffer (u32 changed, frames, computed frames) for stats readback. */
  get reuseState(): GPUBuffer | undefined {
    return this.reuse?.state;
  }

  /** Records every pass of the network after `pack` into one compute pass. */
  encode(pass: GPUComputePassEncoder, pack: Pass, raw = false): void {
    if (raw && !this.outputRaw) throw new Error('internal: enableRaw() first');
    const r = this.reuse?.on ? this.reuse : undefined;
    run(pass, pack);
    if (r) {
      run(pass, r.diff);
      run(pass, r.gate);
    }
    this.passes.forEach((p, i) => run(pass, p, r?.args, i));
    run(pass, raw ? this.outputRaw! : this.output8, r?.args, this.passes.length);
  }

  /**
   * Like encode(), but as one compute pass per stage (input, UNet1, UNet2, output), each writing
   * begin/end timestamps at query indices 2i, 2i+1 of `querySet`: for per-stage GPU times.
   */
  encodeTimed(encoder: GPUCommandEncoder, pack: Pass, querySet: GPUQuerySet): void {
    const r = this.reuse?.on ? this.reuse : undefined;
    // [pass, index of its indirect arguments (with reuse on)]
    const stages: [Pass, number][][] = [[[pack, -1]], [], [], [[this.output8, this.passes.length]]];
    if (r) stages[0]!.push([r.diff, -1], [r.gate, -1]);
    this.passes.forEach((p, i) => stages[this.unet2From <= i ? 2 : 1]!.push([p, i]));
    stages.forEach((list, i) => {
      const pass = encoder.beginComputePass({
        label: STAGES[i],
        timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
      for (const [p, at] of list) run(pass, p, at >= 0 ? r?.args : undefined, at);
      pass.end();
    });
  }

  /** Makes the raw (unrounded f32) output variant; not needed on the per-frame path. */
  async enableRaw(): Promise<void> {
    this.outputRaw ??= await this.outputPass(this.outputOp, true);
  }

  /** The unrounded output (HWC RGB f32, 0..255 space) of the last raw run. */
  get raw(): GPUBuffer | undefined {
    return this.rawBuffer;
  }

  /** A per-channel factor buffer (SE result or the alpha vector). */
  scaleBuffer(id: number): GPUBuffer {
    return this.scales[id]!;
  }

  destroy(): void {
    for (const b of [...this.buffers, ...this.scales, this.uniforms, ...(this.reuse?.buffers ?? [])]) b.destroy();
    this.rawBuffer?.destroy();
    this.input.destroy();
    this.output.destroy();
  }

  private get outputOp(): OutputOp {
    return this.graph.ops[this.graph.ops.length - 1] as OutputOp;
  }

  private tensorBinding(v: View): GPUBufferBinding {
    return { buffer: this.buffers[this.memory.bufferOf[v.tensor.id]!]! };
  }

  private uniform(op: Op): GPUBufferBinding {
    return { buffer: this.uniforms, offset: this.slotOf.get(op)!, size: UNIFORM_SLOT };
  }

  private async buildPasses(): Promise<void> {
    const out: Pass[] = [];
    for (const op of this.graph.ops) {
      if (op.kind === 'se') out.push(await this.sePass(op));
      else if (op.kind !== 'pack' && op.kind !== 'output') {
        if (op.spec.name.startsWith('unet2.') && this.unet2From === 0) this.unet2From = out.length;
        out.push(await this.convPass(op));
      }
    }
    this.passes = out;
    this.output8 = await this.outputPass(this.outputOp, false);
    this.packExternalPipeline = await this.init.pipelines.get('pack', { PRO: this.graph.variant.pro, EXTERNAL: true, BOX2: false });
  }

  private async convPass(op: ConvOp): Promise<Pass> {
    const { device, model, weights, pipelines } = this.init;
    const layer = model.layers[op.layer]!;
    const spec = op.spec;
    const defines = {
      WG_X: CONV_WG, WG_Y: CONV_WG,
      LRELU: op.lrelu, SKIP: !!op.skip, IN_SCALE: !!op.inScale, SKIP_SCALE: !!op.skipScale,
      K: spec.kernel, S: spec.stride, PAD: spec.pad,
    };
    const pipeline = await pipelines.get(op.kind, defines);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: this.uniform(op) },
      { binding: 1, resource: this.tensorBinding(op.input) },
      { binding: 2, resource: { buffer: weights, offset: layer.weightOffset, size: layer.weightBytes } },
      { binding: 3, resource: { buffer: weights, offset: layer.biasOffset, size: layer.biasBytes } },
      { binding: 4, resource: this.tensorBinding({ tensor: op.output, x: 0, y: 0, w: 0, h: 0 }) },
    ];
    if (op.skip) entries.push({ binding: 5, resource: this.tensorBinding(op.skip) });
    if (op.inScale) entries.push({ binding: 6, resource: { buffer: this.scales[op.inScale.id]! } });
    if (op.skipScale) entries.push({ binding: 7, resource: { buffer: this.scales[op.skipScale.id]! } });
    const bindGroup = device.createBindGroup({ label: spec.name, layout: pipeline.getBindGroupLayout(0), entries });
    const o = op.output;
    return { pipeline, bindGroup, groups: convGroups(op.kind, o.w, o.h, o.c4, spec.stride) };
  }

  private async sePass(op: SeOp): Promise<Pass> {
    const { device, model, weights, pipelines, alpha } = this.init;
    const fc1 = model.layers[op.layer]!;
    const fc2 = model.layers[op.layer + 1]!;
    const pipeline = await pipelines.get('se', { ALPHA: op.alpha });
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: this.uniform(op) },
      { binding: 1, resource: this.tensorBinding({ tensor: op.input, x: 0, y: 0, w: 0, h: 0 }) },
      { binding: 2, resource: { buffer: weights, offset: fc1.weightOffset, size: fc1.weightBytes } },
      { binding: 3, resource: { buffer: weights, offset: fc1.biasOffset, size: fc1.biasBytes } },
      { binding: 4, resource: { buffer: weights, offset: fc2.weightOffset, size: fc2.weightBytes } },
      { binding: 5, resource: { buffer: weights, offset: fc2.biasOffset, size: fc2.biasBytes } },
      { binding: 6, resource: { buffer: this.scales[op.output.id]! } },
    ];
    if (op.alpha) entries.push({ binding: 7, resource: { buffer: alpha } });
    const bindGroup = device.createBindGroup({ label: op.output.name, layout: pipeline.getBindGroupLayout(0), entries });
    return { pipeline, bindGroup, groups: [1, 1, 1] };
  }

  private packPass(pipeline: GPUComputePipeline, source: GPUTextureView | GPUExternalTexture): Pass {
    const op = this.graph.ops[0] as PackOp;
    const bindGroup = this.device.createBindGroup({
      label: 'pack',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: this.uniform(op) },
        { binding: 1, resource: source },
        { binding: 2, resource: this.tensorBinding({ tensor: op.output, x: 0, y: 0, w: 0, h: 0 }) },
      ],
    });
    return { pipeline, bindGroup, groups: [div(op.output.w, 8), div(op.output.h, 8), 1] };
  }

  private async outputPass(op: OutputOp, raw: boolean): Promise<Pass> {
    const g = this.graph;
    const pipeline = await this.init.pipelines.get('output', { PRO: g.variant.pro, SHUFFLE4: op.shuffle4, RAW: raw });
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: this.uniform(op) },
      { binding: 1, resource: this.tensorBinding(op.input) },
      { binding: 2, resource: this.output.createView() },
    ];
    if (op.nearest) entries.push({ binding: 3, resource: this.tensorBinding(op.nearest) });
    if (raw) {
      this.rawBuffer ??= this.device.createBuffer({
        label: 'raw output',
        size: g.outWidth * g.outHeight * 12,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      });
      entries.push({ binding: 4, resource: { buffer: this.rawBuffer } });
    }
    const bindGroup = this.device.createBindGroup({ label: 'output', layout: pipeline.getBindGroupLayout(0), entries });
    return { pipeline, bindGroup, groups: [div(g.outWidth, 8), div(g.outHeight, 8), 1] };
  }
}

interface FrameReuse {
  on: boolean;
  diff: Pass;
  gate: Pass;
  /** Indirect dispatch arguments, 3 u32 per gated pass (the network's passes, then the output). */
  args: GPUBuffer;
  state: GPUBuffer;
  buffers: GPUBuffer[];
  bytes: number;
}

/** Records one dispatch; with `args`, an indirect one reading the arguments of pass `index`. */
function run(pass: GPUComputePassEncoder, p: Pass, args?: GPUBuffer, index = 0): void {
  pass.setPipeline(p.pipeline);
  pass.setBindGroup(0, p.bindGroup);
  if (args) pass.dispatchWorkgroupsIndirect(args, index * 12);
  else pass.dispatchWorkgroups(...p.groups);
}

/** The uniform block of a pass (layouts in the shaders' param structs). */
function paramsOf(op: Op, g: Graph): number[] {
  switch (op.kind) {
    case 'pack':
      return [g.width, g.height, op.padLeft, op.padTop, op.output.w, op.output.h, 0, 0];
    case 'se':
      return [0, op.input.w, op.input.w, op.input.h, op.input.c4, 0, 0, 0];
    case 'output':
      return [
        viewOffset(op.input), op.input.tensor.w, op.input.tensor.c4, op.nearest ? op.nearest.tensor.w : 0,
        g.outWidth, g.outHeight, op.nearest ? viewOffset(op.nearest) : 0, 0,
      ];
    default: {
      const i = op.input;
      const s = op.skip;
      return [
        viewOffset(i), i.tensor.w, i.tensor.c4, i.w,
        i.h, 0, op.output.w, op.output.c4,
        op.output.w, op.output.h, s ? viewOffset(s) : 0, s ? s.tensor.w : 0,
        0, 0, 0, 0,
      ];
    }
  }
}
