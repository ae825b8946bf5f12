// One model on one device: the weights buffer, the alpha uniform, the device's pipeline cache,
// and the executor for the current input size (rebuilt only when the size or the conv kernels'
// register block changes). Shared by the still-image Upscaler and the per-frame VideoUpscaler.

import { CuganError } from './errors.js';
import { checkAlpha, checkTileLimits, type TileLimitOptions } from './options.js';
import { knownConvBlock, tuneConvBlock, type ConvBlock, type Exclusive } from './gpu/autotune.js';
import { GraphExecutor } from './gpu/executor.js';
import { PipelineCache } from './gpu/pipelines.js';
import { sameKernels, setSupported, type ClassKernels, type KernelChoice } from './gpu/conv-kernels.js';
import { tensorDefines, type TensorPrecision } from './gpu/tensor-format.js';
import type { PackedModel } from './model/packed-format.js';
import { widenToF32 } from './model/widen.js';
import { buildGraph, type ConvOp } from './plan/graph.js';
import { planTiles, type TileLimits, type TilePlan } from './plan/tiling.js';

/** The input size the per-class autotune times the model's layers at (class-tune.ts); UNet2's at twice that. */
const CLASS_PROBE_SIZE = 32;

/** Default feature-map memory of one pass; a frame needing more runs as tiles. */
export const DEFAULT_MEMORY_BUDGET = 2 * 2 ** 30;

export class ModelRunner {
  readonly device: GPUDevice;
  readonly packed: PackedModel;
  private readonly weights: GPUBuffer;
  private readonly alphaUniform: GPUBuffer;
  private readonly pipelines: PipelineCache;
  private alphaValue: number;
  private executor?: GraphExecutor;
  private pending?: { width: number; height: number; kernels?: KernelChoice; promise: Promise<GraphExecutor> };

  private readonly tileLimits: TileLimitOptions;
  /** How the feature maps are stored (resolved: never 'auto'). */
  readonly precision: TensorPrecision;
  /** 'auto': the register block the autotune picks for this adapter. */
  private readonly convBlockOption: ConvBlock | 'auto';
  private convBlockChosen?: ConvBlock;
  private classesChosen?: ClassKernels;

  constructor(
    device: GPUDevice, packed: PackedModel, alpha = 1, tileLimits: TileLimitOptions = {}, precision: TensorPrecision = 'f32',
    convBlock: ConvBlock | 'auto' = 'auto',
  ) {
    this.convBlockOption = convBlock;
    this.device = device;
    this.precision = precision;
    this.tileLimits = checkTileLimits(tileLimits);
    this.packed = widenToF32(packed); // the kernels read f32 weights (an f16 file holds the same values)
    this.alphaValue = checkAlpha(alpha);
    const data = this.packed.data;
    this.weights = device.createBuffer({
      label: `weights ${packed.model.id}`,
      size: data.byteLength,
      // COPY_SRC: the texture convs read a texture copy (conv-textures.ts).
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    device.queue.writeBuffer(this.weights, 0, data as Uint8Array<ArrayBuffer>);
    this.alphaUniform = device.createBuffer({ label: 'alpha', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.pipelines = PipelineCache.of(device);
    this.writeAlpha();
  }

  get alpha(): number {
    return this.alphaValue;
  }

  set alpha(value: number) {
    this.alphaValue = checkAlpha(value);
    this.writeAlpha();
    this.executor?.invalidate(); // a reused frame would show the old strength
  }

  /** The executor of the current input size, if built. */
  get current(): GraphExecutor | undefined {
    return this.executor;
  }

  /** GPU memory held, in bytes: every buffer and texture this runner and its executor created. */
  get bytes(): number {
    return this.ownBytes + (this.executor?.bytes ?? 0);
  }

  /** Bytes of the buffers this runner holds besides the executor's (weights, alpha). */
  private get ownBytes(): number {
    return this.weights.size + this.alphaUniform.size;
  }

  /** The limits tiles are planned under: the device's buffer limits, the memory budget, and overrides. */
  get limits(): TileLimits {
    const lim = this.device.limits;
    return {
      maxBufferBytes: this.tileLimits.maxBufferBytes ?? Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize),
      maxTotalBytes: this.tileLimits.maxTotalBytes ?? DEFAULT_MEMORY_BUDGET,
    };
  }

  /**
   * How a frame of this size runs: whole, or as tiles when its feature maps exceed the limits.
   * Throws FRAME_TOO_LARGE when the output exceeds the texture limit or not even a small tile fits.
   */
  check(width: number, height: number): TilePlan {
    const maxTex = this.device.limits.maxTextureDimension2D;
    const scale = this.packed.model.scale;
    if (width * scale > maxTex || height * scale > maxTex) {
      throw new CuganError(
        'FRAME_TOO_LARGE',
        `a ${width}x${height} frame is too large for this device: its ${width * scale}x${height * scale} output ` +
          `exceeds the texture limit of ${maxTex} pixels`,
      );
    }
    const limits = this.limits;
    // Tiles are planned in f32 bytes; f16 tensors take exactly half, so they may plan twice as much.
    const k = this.precision === 'f16' ? 2 : 1;
    const plan = planTiles(this.packed.model, width, height, { maxBufferBytes: limits.maxBufferBytes * k, maxTotalBytes: limits.maxTotalBytes * k });
    if (!plan) {
      const tiny = buildGraph(this.packed.model, 2, 2);
      throw new CuganError(
        'FRAME_TOO_LARGE',
        `a ${width}x${height} frame cannot run on this device: even a tile as small as ${tiny.paddedWidth}x${tiny.paddedHeight} ` +
          `needs more than the ${(limits.maxBufferBytes / 2 ** 20).toFixed(1)} MiB buffer limit or the ` +
          `${(limits.maxTotalBytes / 2 ** 20).toFixed(1)} MiB memory budget`,
      );
    }
    return plan;
  }

  /**
   * The executor for a width x height input, building it (once) if the size or the conv
   * kernels changed. `kernels` defaults to the tuned ones (autotune.ts, class-tune.ts); the old
   * executor keeps working (and its output stays on screen) until the new one is swapped in.
   */
  async prepare(width: number, height: number, kernels?: KernelChoice): Promise<GraphExecutor> {
    const ex = this.executor;
    const fits = (e: { width: number; height: number; kernels?: KernelChoice }) =>
      e.width === width && e.height === height && (kernels === undefined || (e.kernels !== undefined && sameKernels(e.kernels, kernels)));
    if (ex && fits({ width: ex.graph.width, height: ex.graph.height, kernels: ex.kernels })) return ex;
    if (this.pending && fits(this.pending)) return this.pending.promise;
    const promise = this.build(width, height, kernels).then((next) => {
      if (this.pending?.promise === promise) this.pending = undefined;
      this.adopt(next);
      return next;
    });
    promise.catch(() => {
      if (this.pending?.promise === promise) this.pending = undefined;
    });
    this.pending = { width, height, kernels, promise };
    return promise;
  }

  /** A new executor for a width x height input, not yet swapped in (see adopt()). */
  async build(width: number, height: number, kernels?: KernelChoice): Promise<GraphExecutor> {
    const plan = this.check(width, height);
    const { block, classes } = kernels ?? (await this.tunedKernels());
    if (!setSupported(this.device, block, tensorDefines(this.precision, this.device))) {
      throw new Error(`internal: the '${block}' conv kernels do not run at ${this.precision} on this device (device features, or f16 math for an f32 run)`);
    }
    const next = await GraphExecutor.create({
      device: this.device, plan, model: this.packed, weights: this.weights, alpha: this.alphaUniform, pipelines: this.pipelines,
      precision: this.precision, kernels: { block, classes },
    });
    this.pipelines.builtBlocks.add(block);
    return next;
  }

  /** Makes `next` the current executor and destroys the previous one. */
  adopt(next: GraphExecutor): void {
    if (this.executor === next) return;
    this.executor?.destroy();
    this.executor = next;
    this.writeAlpha();
  }

  /**
   * The kernels that are quickest to start with: the tuned ones where they are known and
   * compiled on this device, else 'compact'. The wide kernels are large unrolled shaders that
   * compile slowly on a software adapter, so a video starts on the compact ones and switches
   * later (docs/architecture.md, "Quick start").
   */
  get quickKernels(): KernelChoice {
    if (this.convBlockOption !== 'auto') return { block: this.convBlockOption, classes: {} };
    const tuned = this.convBlockChosen ?? knownConvBlock(this.device, this.precision);
    if (!tuned || !this.pipelines.builtBlocks.has(tuned)) return { block: 'compact', classes: {} };
    return { block: tuned, classes: this.classesChosen ?? {} };
  }

  /**
   * The kernels this runner's executors should end up with: the set, measured once per adapter
   * (a video passes `exclusive` to hold its frames meanwhile), then the per-class choices for this
   * model's layers. A pinned set (the `kernels` option) runs as it is.
   */
  async tunedKernels(exclusive?: Exclusive): Promise<KernelChoice> {
    if (this.convBlockOption !== 'auto') return { block: this.convBlockOption, classes: {} };
    this.convBlockChosen ??= await tuneConvBlock(this.device, this.pipelines, exclusive, this.precision);
    const block = this.convBlockChosen;
    if (!this.classesChosen) {
      // A chunk of its own (as the wide kernels): a pinned set never loads it.
      const { tuneLayerClasses } = await import('./gpu/class-tune.js');
      this.classesChosen = await tuneLayerClasses(this.device, this.pipelines, exclusive ?? ((m) => m()), this.precision, block, this.classOps());
    }
    return { block, classes: this.classesChosen };
  }

  /** The set executors use (known after the first prepare() with 'auto'). */
  get convBlock(): ConvBlock | undefined {
    return this.convBlockOption === 'auto' ? this.convBlockChosen : this.convBlockOption;
  }

  /**
   * The conv layers the per-class autotune times, one per class (the first of each class in this
   * list is taken): from a 32x32-input graph where the layer's map is 32 px wide or more, else
   * (UNet2's, a quarter of the size) from a 64x64 one: on a map of ~20 px the kernels rank
   * otherwise than on a video frame's maps.
   */
  private classOps(): ConvOp[] {
    const convs = (size: number) => buildGraph(this.packed.model, size, size).ops.filter((o): o is ConvOp => o.kind === 'conv3x3' || o.kind === 'conv2x2s2' || o.kind === 'deconv');
    return [...convs(CLASS_PROBE_SIZE).filter((o) => o.output.w >= CLASS_PROBE_SIZE), ...convs(2 * CLASS_PROBE_SIZE)];
  }

  destroy(): void {
    this.executor?.destroy();
    this.executor = undefined;
    this.weights.destroy();
    this.alphaUniform.destroy();
  }

  private writeAlpha(): void {
    this.device.queue.writeBuffer(this.alphaUniform, 0, new Float32Array([this.alphaValue, 0, 0, 0]));
    this.executor?.setAlpha(this.alphaValue);
  }
}
