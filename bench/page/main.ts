/// <reference types="vite/client" />
// The benchmark page: everything that runs on the GPU, on one adapter, in one browser. The
// runner (bench/run.ts) drives it through `window.cuganBench`; each method times one
// implementation the same way: record the frame's commands, submit, and wait for
// queue.onSubmittedWorkDone (wall ms per frame), after warm-up frames that are not counted.
// Inputs are real anime frames (../shared/media, served at /media/) resized to the asked size.

import { Anime4KPipeline, CNNx2M, CNNx2UL, CNNx2VL } from 'anime4k-webgpu';
import * as ort from 'onnxruntime-web/webgpu';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { readFloats, readTexture } from '../../src/runtime/gpu/readback.js';
import { STAGES, type GraphExecutor, type PackPasses } from '../../src/runtime/gpu/executor.js';
import { measurePeaks, type PeakResult } from '../lib/fma-peak.js';
import { comparePeer, PEER_MODEL, PEER_PAD, peerInput } from '../lib/peer-input.js';
import { timePasses } from '../lib/timestamps.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import { encodeProfiled, encodeTimed } from '../../src/runtime/gpu/profile.js';
import resampleWgsl from './shaders/resample.wgsl?raw';
import toRgba8Wgsl from './shaders/to-rgba8.wgsl?raw';

export interface Timing {
  /** Wall ms of each counted frame, submit to onSubmittedWorkDone. */
  ms: number[];
  /** GPU ms per stage (timestamp queries), median over the counted frames; ours only. */
  stages?: Record<string, number>;
}

export interface AdapterSummary {
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  isFallback: boolean;
  timestamps: boolean;
  f16: boolean;
  userAgent: string;
}

export interface Rgba {
  width: number;
  height: number;
  /** RGBA bytes, base64. */
  data: string;
}

let device: GPUDevice;

const b64encode = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const b64decode = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function init(): Promise<AdapterSummary> {
  // The runtime's own device request (its limits and features), so the bench measures what users get.
  device = await requestDevice();
  device.lost.then((info) => console.error(`device lost: ${info.reason} ${info.message}`));
  const info = device.adapterInfo;
  const name = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || info.description || 'unknown adapter';
  return {
    name,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallback: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    timestamps: device.features.has('timestamp-query'),
    f16: device.features.has('shader-f16'),
    userAgent: navigator.userAgent,
  };
}

async function done(): Promise<void> {
  await device.queue.onSubmittedWorkDone();
}

/** Times `frames` frames after `warmup` uncounted ones; `encode` records one frame. */
async function timeFrames(warmup: number, frames: number, encode: (enc: GPUCommandEncoder) => void, dev = device): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < warmup + frames; i++) {
    const t0 = performance.now();
    const enc = dev.createCommandEncoder();
    encode(enc);
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
    if (i >= warmup) ms.push(performance.now() - t0);
  }
  return ms;
}

// ---- inputs ------------------------------------------------------------------------------

const mediaCache = new Map<string, Promise<Blob>>();
function media(name: string): Promise<Blob> {
  let p = mediaCache.get(name);
  if (!p) {
    p = fetch(`/media/${name}`).then((r) => {
      if (!r.ok) throw new Error(`/media/${name}: HTTP ${r.status}`);
      return r.blob();
    });
    mediaCache.set(name, p);
  }
  return p;
}

/** The real frame resized to w x h, as RGBA bytes (what every implementation gets). */
async function framePixels(w: number, h: number, file = 'frame-480p.png'): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(await media(file), { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
}

function textureFrom(rgba: Uint8Array, w: number, h: number): GPUTexture {
  const texture = device.createTexture({
    size: [w, h],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC | GPUTextureUsage.RENDER_ATTACHMENT,
  });
  device.queue.writeTexture({ texture }, rgba as Uint8Array<ArrayBuffer>, { bytesPerRow: w * 4 }, [w, h]);
  return texture;
}

// ---- FMA peak ----------------------------------------------------------------------------

/** The adapter's FMA peak (GFLOP/s), best of several shapes: f32, and f16 where it has shader-f16. */
function peak(): Promise<{ f32: PeakResult; f16?: PeakResult }> {
  return measurePeaks(device);
}

// ---- ours --------------------------------------------------------------------------------

const runners = new Map<string, Promise<ModelRunner>>();
function runnerFor(model: string): Promise<ModelRunner> {
  let r = runners.get(model);
  if (!r) {
    r = loadModel(model, { dtype: 'f32', baseUrl: '/models/' }).then((packed) => new ModelRunner(device, packed));
    runners.set(model, r);
  }
  return r;
}

/** Frees a model's GPU objects (the bench goes through many models and sizes). */
async function release(model: string): Promise<void> {
  const r = runners.get(model);
  runners.delete(model);
  if (r) (await r).destroy();
  await done();
}

/** GPU ms and multiply-adds per kind of pass (conv3x3, conv2x2s2, deconv, se, ...) of one frame. */
export type PassKinds = Record<string, { ms: number; macs: number; passes: number }>;

async function ours(opts: { model: string; width: number; height: number; warmup: number; frames: number }): Promise<Timing & { macs: number; kinds?: PassKinds; convBlock?: string }> {
  const runner = await runnerFor(opts.model);
  const ex = await runner.prepare(opts.width, opts.height);
  const input = textureFrom(await framePixels(opts.width, opts.height), opts.width, opts.height);
  const pack = await ex.packFor(input);
  const timestamps = device.features.has('timestamp-query');
  const ms = await timeFrames(opts.warmup, opts.frames, (enc) => {
    const pass = enc.beginComputePass({ label: 'Real-CUGAN' });
    ex.encode(pass, pack);
    pass.end();
  });
  // Stage times in separate frames, so the timed frames are the plain per-frame path.
  let stages: Record<string, number> | undefined;
  if (timestamps) {
    const { ms: stageMs } = await timePasses(device, STAGES.length, (enc, querySet) => {
      const { frame, reuse } = ex.profiledFrame(pack);
      encodeTimed(enc, querySet, frame, reuse);
      return STAGES;
    });
    stages = Object.fromEntries(STAGES.map((s, i) => [s, stageMs[i]!]));
  }
  const kinds = timestamps && !ex.tiled ? await profileKinds(ex, pack) : undefined;
  input.destroy();
  return { ms, stages, macs: ex.graph.macs, ...(kinds ? { kinds } : {}), convBlock: runner.convBlock };
}

/** One more frame with every pass timed on its own (timestamp queries), summed per kind. */
async function profileKinds(ex: GraphExecutor, pack: PackPasses): Promise<PassKinds> {
  const { timed: passes, ms } = await timePasses(device, 128, (enc, querySet) => encodeProfiled(enc, querySet, ex.profiledFrame(pack).frame));
  const kinds: PassKinds = {};
  passes.forEach((p, i) => {
    const k = (kinds[p.kind] ??= { ms: 0, macs: 0, passes: 0 });
    k.ms += ms[i]!;
    k.macs += p.macs;
    k.passes++;
  });
  return kinds;
}

/** Our unrounded output (HWC RGB, 0..255) for the frame at w x h: the reference of the peer check. */
async function oursRaw(model: string, w: number, h: number): Promise<Float32Array> {
  const runner = await runnerFor(model);
  const ex = await runner.prepare(w, h);
  await ex.enableRaw();
  const input = textureFrom(await framePixels(w, h), w, h);
  const pack = await ex.packFor(input);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  ex.encode(pass, pack, true);
  pass.end();
  device.queue.submit([enc.finish()]);
  const out = await readFloats(device, ex.raw!);
  input.destroy();
  return out;
}

/** Upscales RGBA pixels with a model, for the quality table. */
async function oursImage(model: string, img: Rgba): Promise<Rgba> {
  const runner = await runnerFor(model);
  const ex = await runner.prepare(img.width, img.height);
  const input = textureFrom(b64decode(img.data), img.width, img.height);
  const pack = await ex.packFor(input);
  await timeFrames(0, 1, (enc) => {
    const pass = enc.beginComputePass();
    ex.encode(pass, pack);
    pass.end();
  });
  const out = await readTexture(device, ex.output);
  input.destroy();
  return { width: out.width, height: out.height, data: b64encode(new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength)) };
}

/**
 * Region reuse on a localized change: the real frame at w x h, held, except one patch (1/16 of
 * the width, 1/10 of the height, at 30% across and down) that shows the frame shifted by one
 * pixel per drawing, on twos (standing in for a moving mouth while the rest holds). Each frame is uploaded, run
 * and waited for; first with reuse off (every frame whole), then on. Wall ms per frame.
 */
async function regionReuse(opts: { model: string; width: number; height: number; frames: number }): Promise<{
  msOff: number[]; msOn: number[]; tiles: number; regionFrames: number; regionTiles: number; computed: number; frames: number; same: boolean;
}> {
  const { width: w, height: h } = opts;
  const runner = await runnerFor(opts.model);
  const ex = await runner.prepare(w, h);
  await ex.enableReuse();
  const base = await framePixels(w, h);
  const pw = Math.max(2, Math.round(w / 16));
  const ph = Math.max(2, Math.round(h / 10));
  const px = Math.round(w * 0.3);
  const py = Math.round(h * 0.3);
  const frameAt = (i: number) => {
    const f = base.slice();
    const shift = Math.floor(i / 2) % 8; // on twos
    for (let y = py; y < py + ph; y++) {
      for (let x = px; x < px + pw; x++) {
        const sx = Math.min(w - 1, x + shift);
        for (let c = 0; c < 4; c++) f[(y * w + x) * 4 + c] = base[(y * w + sx) * 4 + c]!;
      }
    }
    return f;
  };
  const input = textureFrom(base, w, h);
  const pack = await ex.packFor(input);
  const run = async (on: boolean) => {
    ex.reuseEnabled = on;
    const ms: number[] = [];
    for (let i = 0; i < opts.frames; i++) {
      device.queue.writeTexture({ texture: input }, frameAt(i) as Uint8Array<ArrayBuffer>, { bytesPerRow: w * 4 }, [w, h]);
      await done();
      ms.push(...(await timeFrames(0, 1, (enc) => {
        const pass = enc.beginComputePass();
        ex.encode(pass, pack);
        pass.end();
      })));
    }
    return { ms, out: (await readTexture(device, ex.output)).data };
  };
  const off = await run(false);
  const state = ex.reuseState!;
  const read = device.createBuffer({ size: 32, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const counters = async () => {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(state, 0, read, 0, 32);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const words = [...new Uint32Array(read.getMappedRange().slice(0))];
    read.unmap();
    return words;
  };
  const c0 = await counters();
  const on = await run(true);
  const c1 = await counters();
  read.destroy();
  input.destroy();
  const same = off.out.length === on.out.length && off.out.every((v, i) => v === on.out[i]);
  return {
    msOff: off.ms, msOn: on.ms, tiles: ex.regionTiles, frames: c1[1]! - c0[1]!, computed: c1[2]! - c0[2]!,
    regionFrames: c1[3]! - c0[3]!, regionTiles: c1[4]! - c0[4]!, same,
  };
}

// ---- onnxruntime-web ---------------------------------------------------------------------

const ortSessions = new Map<string, Promise<ort.InferenceSession>>();

async function ortSession(file: string, ep: 'webgpu' | 'wasm'): Promise<ort.InferenceSession> {
  const key = `${ep}:${file}`;
  let s = ortSessions.get(key);
  if (!s) {
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
    s = ort.InferenceSession.create(`/peers/${file}`, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      ...(ep === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
    });
    ortSessions.set(key, s);
  }
  return s;
}

/**
 * onnxruntime-web on the same network: the WebGPU EP with its input and output on the GPU (no
 * transfers in the timed frames), or the wasm EP (CPU). Returns the per-run ms and the output of
 * the first run as HWC RGB in 0..255 space, for the equal-work check against ours.
 */
async function ortRun(opts: { file: string; width: number; height: number; ep: 'webgpu' | 'wasm'; warmup: number; frames: number }): Promise<Timing & { maxDiff: number; bytesOff: number; threads: number }> {
  const { width: w, height: h } = opts;
  const session = await ortSession(opts.file, opts.ep);
  const x = peerInput(await framePixels(w, h), w, h);
  const dims = [1, 3, h + 2 * PEER_PAD, w + 2 * PEER_PAD];
  let feed: ort.Tensor;
  let ortDevice: GPUDevice | undefined;
  if (opts.ep === 'webgpu') {
    ortDevice = (await ort.env.webgpu.device) as GPUDevice;
    const buf = ortDevice.createBuffer({ size: x.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    ortDevice.queue.writeBuffer(buf, 0, x);
    feed = ort.Tensor.fromGpuBuffer(buf, { dataType: 'float32', dims });
  } else {
    feed = new ort.Tensor('float32', x, dims);
  }
  const ms: number[] = [];
  let first: Float32Array | undefined;
  for (let i = 0; i < opts.warmup + opts.frames; i++) {
    const t0 = performance.now();
    const out = await session.run({ [session.inputNames[0]!]: feed });
    const y = out[session.outputNames[0]!]!;
    if (ortDevice) await ortDevice.queue.onSubmittedWorkDone();
    const t1 = performance.now();
    if (i >= opts.warmup) ms.push(t1 - t0);
    if (!first) first = (await y.getData()) as Float32Array;
    y.dispose();
  }
  // Equal work: ORT's first output against ours on the same pixels (NCHW 0..1 vs HWC 0..255).
  const ours = await oursRaw(PEER_MODEL, w, h);
  const { maxAbsDiff255: maxDiff, bytesOff } = comparePeer(first!, ours, 2 * w, 2 * h);
  if (ortDevice) feed.dispose();
  return { ms, maxDiff, bytesOff, threads: opts.ep === 'wasm' ? ort.env.wasm.numThreads ?? 1 : 0 };
}

// ---- anime4k-webgpu ----------------------------------------------------------------------

const ANIME4K = { 'CNNx2M': CNNx2M, 'CNNx2VL': CNNx2VL, 'CNNx2UL': CNNx2UL } as const;
type Anime4KName = keyof typeof ANIME4K;

function anime4kPipeline(name: Anime4KName, input: GPUTexture): Anime4KPipeline {
  const Ctor = ANIME4K[name];
  if (!Ctor) throw new Error(`unknown anime4k model ${name}`);
  return new Ctor({ device, inputTexture: input });
}

async function anime4k(opts: { model: Anime4KName; width: number; height: number; warmup: number; frames: number }): Promise<Timing> {
  const input = textureFrom(await framePixels(opts.width, opts.height), opts.width, opts.height);
  const p = anime4kPipeline(opts.model, input);
  const ms = await timeFrames(opts.warmup, opts.frames, (enc) => p.pass(enc));
  input.destroy();
  return { ms };
}

async function anime4kImage(name: Anime4KName, img: Rgba): Promise<Rgba> {
  const input = textureFrom(b64decode(img.data), img.width, img.height);
  const p = anime4kPipeline(name, input);
  const out = p.getOutputTexture();
  const rgba8 = device.createTexture({ size: [out.width, out.height], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC });
  const pipeline = await pipelineOf('to-rgba8', toRgba8Wgsl, {});
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: out.createView() }, { binding: 1, resource: rgba8.createView() }],
  });
  await timeFrames(0, 1, (enc) => {
    p.pass(enc);
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(out.width / 8), Math.ceil(out.height / 8));
    pass.end();
  });
  const px = await readTexture(device, rgba8);
  input.destroy();
  rgba8.destroy();
  return { width: px.width, height: px.height, data: b64encode(new Uint8Array(px.data.buffer, px.data.byteOffset, px.data.byteLength)) };
}

// ---- bilinear / bicubic floor ------------------------------------------------------------

const pipelineCache = new Map<string, Promise<GPUComputePipeline>>();
function pipelineOf(key: string, code: string, constants: Record<string, number>): Promise<GPUComputePipeline> {
  const k = `${key}:${JSON.stringify(constants)}`;
  let p = pipelineCache.get(k);
  if (!p) {
    const module = device.createShaderModule({ label: key, code });
    p = device.createComputePipelineAsync({ label: key, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
    pipelineCache.set(k, p);
  }
  return p;
}

async function resample(opts: { mode: 'bilinear' | 'bicubic'; width: number; height: number; warmup: number; frames: number }): Promise<Timing> {
  const { width: w, height: h } = opts;
  const input = textureFrom(await framePixels(w, h), w, h);
  const output = device.createTexture({ size: [2 * w, 2 * h], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING });
  const pipeline = await pipelineOf('resample', resampleWgsl, { MODE: opts.mode === 'bilinear' ? 0 : 1 });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: input.createView() },
      { binding: 1, resource: device.createSampler({ magFilter: 'linear', minFilter: 'linear' }) },
      { binding: 2, resource: output.createView() },
    ],
  });
  const ms = await timeFrames(opts.warmup, opts.frames, (enc) => {
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil((2 * w) / 8), Math.ceil((2 * h) / 8));
    pass.end();
  });
  input.destroy();
  output.destroy();
  return { ms };
}

const api = { init, peak, ours, ortRun, anime4k, resample, oursImage, anime4kImage, regionReuse, release, done };
export type BenchApi = typeof api;
(window as unknown as { cuganBench: BenchApi }).cuganBench = api;
document.body.dataset.ready = '1';
