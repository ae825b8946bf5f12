// One model on one device: the weights buffer, the alpha uniform, the pipeline cache, and the
// executor for the current input size (rebuilt only when the size changes). Shared by the
// still-image Upscaler and the per-frame VideoUpscaler.

import { CuganError } from './errors.js';
import { GraphExecutor } from './gpu/executor.js';
import { PipelineCache } from './gpu/pipelines.js';
import type { PackedModel } from './model/packed-format.js';
import { buildGraph, type Graph } from './plan/graph.js';
import { tensorBytes } from './plan/memory.js';

export function checkAlpha(alpha: unknown): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0 || alpha > 4) {
    throw new CuganError('BAD_OPTION', `alpha must be a number in (0, 4] (official range 0.75-1.3), got ${String(alpha)}`);
  }
  return alpha;
}

export class ModelRunner {
  readonly device: GPUDevice;
  readonly packed: PackedModel;
  private readonly weights: GPUBuffer;
  private readonly alphaUniform: GPUBuffer;
  private readonly pipelines: PipelineCache;
  private alphaValue: number;
  private executor?: GraphExecutor;
  private pending?: { width: number; height: number; promise: Promise<GraphExecutor> };

  constructor(device: GPUDevice, packed: PackedModel, alpha = 1) {
    this.device = device;
    this.packed = packed;
    this.alphaValue = checkAlpha(alpha);
    this.weights = device.createBuffer({
      label: `weights ${packed.model.id}`,
      size: packed.data.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.weights, 0, packed.data as Uint8Array<ArrayBuffer>);
    this.alphaUniform = device.createBuffer({ label: 'alpha', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.pipelines = new PipelineCache(device);
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

  /** GPU memory held, in bytes. */
  get bytes(): number {
    return this.packed.data.byteLength + (this.executor?.bytes ?? 0);
  }

  /** Throws FRAME_TOO_LARGE if a frame of this size does not fit the device. */
  check(width: number, height: number): Graph {
    const graph = buildGraph(this.packed.model, width, height);
    const lim = this.device.limits;
    const maxTex = lim.maxTextureDimension2D;
    const biggest = Math.max(...graph.tensors.map(tensorBytes));
    const maxBinding = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    if (graph.outWidth > maxTex || graph.outHeight > maxTex || biggest > maxBinding) {
      throw new CuganError(
        'FRAME_TOO_LARGE',
        `a ${width}x${height} frame is too large for this device: ${graph.outWidth}x${graph.outHeight} output ` +
          `(texture limit ${maxTex}) and a ${(biggest / 2 ** 20).toFixed(0)} MiB feature map ` +
          `(buffer limit ${(maxBinding / 2 ** 20).toFixed(0)} MiB)`,
      );
    }
    return graph;
  }

  /** The executor for a width x height input, building it (once) if the size changed. */
  async prepare(width: number, height: number): Promise<GraphExecutor> {
    const ex = this.executor;
    if (ex && ex.graph.width === width && ex.graph.height === height) return ex;
    if (this.pending && this.pending.width === width && this.pending.height === height) return this.pending.promise;
    const graph = this.check(width, height);
    const promise = GraphExecutor.create({
      device: this.device, graph, model: this.packed, weights: this.weights, alpha: this.alphaUniform, pipelines: this.pipelines,
    }).then((next) => {
      // Swap only now, so the old size keeps working (and its output stays on screen) meanwhile.
      if (this.pending?.promise === promise) this.pending = undefined;
      this.executor?.destroy();
      this.executor = next;
      this.writeAlpha();
      return next;
    });
    this.pending = { width, height, promise };
    return promise;
  }

  destroy(): void {
    this.executor?.destroy();
    this.executor = undefined;
    this.weights.destroy();
    this.alphaUniform.destroy();
  }

  private writeAlpha(): void {
    this.device.queue.writeBuffer(this.alphaUniform, 0, new Float32Array([this.alphaValue, 0, 0, 0]));
    const v = this.executor?.graph.alphaVector;
    if (this.executor && v) {
      this.device.queue.writeBuffer(this.executor.scaleBuffer(v.id), 0, new Float32Array(v.channels).fill(this.alphaValue));
    }
  }
}
