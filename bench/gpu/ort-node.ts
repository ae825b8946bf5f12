// onnxruntime-web's WebGPU execution provider in Node, on the same Dawn GPU object as ours: the
// peer of the GPU benchmark where no browser gets the GPU (a lent GPU machine has no Chromium).
// onnxruntime-web looks for navigator.gpu, which Node 20 lacks, so it is given ours; its threaded
// wasm build hands Dawn SharedArrayBuffer views, which Dawn's Node binding refuses, so
// writeBuffer copies those first (uploads of weights and of a CPU input only: the timed runs
// take their input from a GPU buffer, as the browser bench does).

import { readFileSync } from 'node:fs';
import type * as Ort from 'onnxruntime-web';
import { getGPU } from '../../src/runtime/gpu/device.js';

let ortModule: typeof Ort | undefined;

async function ortWithGpu(): Promise<typeof Ort> {
  if (ortModule) return ortModule;
  const gpu = await getGPU();
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav) Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: `Node ${process.version}` }, configurable: true });
  else if (!('gpu' in nav)) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  const queue = (globalThis as unknown as { GPUQueue: { prototype: GPUQueue } }).GPUQueue.prototype;
  const writeBuffer = queue.writeBuffer;
  queue.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: BufferSource | SharedArrayBuffer, dataOffset = 0, size?: number) {
    const view = ArrayBuffer.isView(data) ? data : undefined;
    const backing = view ? view.buffer : data;
    if (typeof SharedArrayBuffer !== 'undefined' && backing instanceof SharedArrayBuffer) {
      const unit = view && 'BYTES_PER_ELEMENT' in view ? (view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
      const start = (view?.byteOffset ?? 0) + dataOffset * unit;
      const bytes = size !== undefined ? size * unit : (view?.byteLength ?? backing.byteLength) - dataOffset * unit;
      return writeBuffer.call(this, buffer, offset, new Uint8Array(backing, start, bytes).slice());
    }
    return writeBuffer.call(this, buffer, offset, data as BufferSource, dataOffset, size);
  } as GPUQueue['writeBuffer'];
  ortModule = (await import('onnxruntime-web/all')) as unknown as typeof Ort;
  ortModule.env.wasm.numThreads = 1; // the work is on the GPU; one thread drives it
  return ortModule;
}

export interface OrtTiming {
  ms: number[];
  /** The first output, NCHW float 0..1. */
  output: Float32Array;
}

/**
 * Runs the ONNX graph `file` (input NCHW float 0..1, reflect-padded by the graph's PAD) on the
 * WebGPU EP: input and output stay on the GPU; wall ms per run up to onSubmittedWorkDone.
 */
export async function ortWebGpu(file: string, input: Float32Array, dims: number[], warmup: number, frames: number): Promise<OrtTiming> {
  const ort = await ortWithGpu();
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: 'all',
    preferredOutputLocation: 'gpu-buffer',
  });
  try {
    const device = (await ort.env.webgpu.device) as GPUDevice;
    const buf = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buf, 0, input as Float32Array<ArrayBuffer>);
    const feed = ort.Tensor.fromGpuBuffer(buf, { dataType: 'float32', dims });
    const ms: number[] = [];
    let output: Float32Array | undefined;
    for (let i = 0; i < warmup + frames; i++) {
      const t0 = performance.now();
      const out = await session.run({ [session.inputNames[0]!]: feed });
      const y = out[session.outputNames[0]!]!;
      await device.queue.onSubmittedWorkDone();
      if (i >= warmup) ms.push(performance.now() - t0);
      output ??= (await y.getData()) as Float32Array;
      y.dispose();
    }
    feed.dispose();
    return { ms, output: output! };
  } finally {
    await session.release();
  }
}
