// The still-image runtime: createUpscaler() -> upscale(source) -> GPUTexture.
// GPU objects are made once per model and input size; a call only uploads the source (unless it
// already is a GPU texture), records one compute pass and submits.

import { CuganError } from './errors.js';
import { requestDevice } from './gpu/device.js';
import type { ModelInfo } from './model/architecture.js';
import { loadModel, type LoadProgress, type ModelSource } from './model/load.js';
import type { PackedModel } from './model/packed-format.js';
import { readFloats, readTexture, type ImageDataLike } from './gpu/readback.js';
import { isTainted } from './video/origin.js';
import { ModelRunner } from './model-runner.js';
import { resolvePrecision, type TensorPrecision } from './gpu/tensor-format.js';
import { checkStillOptions, type Precision, type TileLimitOptions } from './options.js';
import type { ConvBlock } from './gpu/autotune.js';

export type { Precision } from './options.js';

export interface UpscalerOptions {
  /** A model id (`se/up2x-conservative`), or packed model bytes / a parsed packed model. */
  model: string | ModelSource;
  /** Use this device instead of requesting one. */
  device?: GPUDevice;
  /** Enhancement strength, the official `alpha` (1 = default; official range 0.75-1.3). */
  alpha?: number;
  /**
   * How feature maps are stored: 'f32' (default: the official output), 'f16' (half floats,
   * half the memory, any adapter; math stays f32; within a few levels of the official output),
   * 'auto': f16 where the adapter has shader-f16, f32 elsewhere.
   */
  precision?: Precision;
  /** Where packed models are loaded from: a URL (browser) or folder (Node). */
  modelBaseUrl?: string;
  /** A model download that receives nothing for this long fails with WEIGHTS_TIMEOUT (ms, default 30000). */
  modelTimeoutMs?: number;
  /** Model download progress (bytes loaded / total, whether it came from the cache). */
  onProgress?: (p: LoadProgress) => void;
  /**
   * A frame whose feature maps exceed these runs as tiles, with the same pixels (default: the
   * device's buffer limits and a 2 GiB budget for one pass). `maxBufferBytes`: the largest
   * buffer; `maxTotalBytes`: all feature-map buffers of one pass together.
   */
  tileLimits?: TileLimitOptions;
}

/** Anything upscale() accepts. */
export type UpscaleSource =
  | GPUTexture
  | ImageDataLike
  | ImageBitmap
  | VideoFrame
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | HTMLImageElement;

export interface UpscaleOptions {
  /** Also keep the unrounded output for readRaw() (tests, test-time augmentation). */
  raw?: boolean;
}

export interface Upscaler {
  readonly device: GPUDevice;
  readonly model: ModelInfo;
  /** The precision in use ('auto' resolved). */
  readonly precision: TensorPrecision;
  /** Changing it takes effect on the next upscale(); nothing is rebuilt. */
  alpha: number;
  /** Builds the GPU objects for a width x height input ahead of time (upscale() does it when needed). */
  prepare(width: number, height: number): Promise<void>;
  /** Runs the network; the returned texture is owned by the upscaler and reused by later calls. */
  upscale(source: UpscaleSource, options?: UpscaleOptions): Promise<GPUTexture>;
  /** Reads a texture (default: the last output) back as RGBA pixels. */
  readImageData(texture?: GPUTexture): Promise<ImageDataLike>;
  /** The last raw run's output before rounding: HWC RGB f32 in 0..255 space. */
  readRaw(): Promise<Float32Array>;
  /** Multiply-adds of one run at the current input size. */
  readonly macs: number;
  /** GPU memory held, in bytes (weights, tensors, textures). */
  readonly bytes: number;
  /** The same as `bytes`: every GPU buffer and texture the upscaler created and still holds. */
  readonly gpuBytes: number;
  /** Tiles the current input size runs as (1: one pass; 0 before the first upscale()). */
  readonly tiles: number;
  /** The conv kernel set the current input size runs on (e.g. 'compact', 'wide', 'quad'; undefined before prepare()). */
  readonly kernels: ConvBlock | undefined;
  /** The kernel of each conv layer class, by WGSL program name (the set's, or where the per-class autotune picked another, that one's; undefined before prepare()). */
  readonly kernelsByClass: Record<string, string> | undefined;
  destroy(): void;
}

function sourceSize(src: UpscaleSource): [number, number] {
  const s = src as { videoWidth?: number; videoHeight?: number; displayWidth?: number; displayHeight?: number; naturalWidth?: number; naturalHeight?: number; width?: number; height?: number };
  if (typeof s.videoWidth === 'number') return [s.videoWidth, s.videoHeight ?? 0];
  if (typeof s.displayWidth === 'number') return [s.displayWidth, s.displayHeight ?? 0];
  if (typeof s.naturalWidth === 'number') return [s.naturalWidth, s.naturalHeight ?? 0];
  if (typeof s.width === 'number' && typeof s.height === 'number') return [s.width, s.height];
  throw new CuganError('BAD_IMAGE', 'upscale() needs an image, video, canvas, VideoFrame, ImageData or GPUTexture');
}

const isTexture = (s: UpscaleSource): s is GPUTexture =>
  typeof (s as GPUTexture).createView === 'function' && typeof (s as GPUTexture).format === 'string';
const isImageData = (s: UpscaleSource): s is ImageDataLike =>
  (s as ImageDataLike).data instanceof Uint8ClampedArray || (s as ImageDataLike).data instanceof Uint8Array;

export async function createUpscaler(options: UpscalerOptions): Promise<Upscaler> {
  if (!options || typeof options !== 'object') throw new CuganError('BAD_OPTION', 'createUpscaler() needs an options object with a model');
  const { precision: precisionOpt, alpha, tileLimits } = checkStillOptions(options);
  // The model first: a wrong id or a corrupt file fails before any GPU work.
  const packed: PackedModel = await loadModel(options.model, {
    dtype: 'f32',
    baseUrl: options.modelBaseUrl,
    timeoutMs: options.modelTimeoutMs,
    onProgress: options.onProgress,
  });
  const device = options.device ?? (await requestDevice());
  const precision = resolvePrecision(precisionOpt, device);
  const runner = new ModelRunner(device, packed, alpha, tileLimits, precision);
  let destroyed = false;

  const upscaler: Upscaler = {
    device,
    model: packed.model,
    precision,
    get alpha() {
      return runner.alpha;
    },
    set alpha(value: number) {
      runner.alpha = value;
    },
    get macs() {
      return runner.current?.graph.macs ?? 0;
    },
    get bytes() {
      return runner.bytes;
    },
    get gpuBytes() {
      return runner.bytes;
    },
    get tiles() {
      return runner.current?.tiles.length ?? 0;
    },
    get kernels() {
      return runner.current?.convBlock;
    },
    get kernelsByClass() {
      return runner.current?.kernelsByClass;
    },
    async prepare(width, height) {
      if (destroyed) throw new CuganError('DESTROYED', 'this upscaler was destroyed');
      if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
        throw new CuganError('FRAME_EMPTY', `prepare(): ${width}x${height} is not a positive integer size`);
      }
      await runner.prepare(width, height);
    },
    async upscale(source, opts = {}) {
      if (destroyed) throw new CuganError('DESTROYED', 'this upscaler was destroyed');
      const [w, h] = sourceSize(source);
      if (!(w > 0 && h > 0)) throw new CuganError('FRAME_EMPTY', `the source is ${w}x${h}: nothing to upscale`);
      const ex = await runner.prepare(w, h);
      let texture = ex.input;
      if (isTexture(source)) {
        texture = source;
      } else if (isImageData(source)) {
        const expected = w * h * 4;
        if (source.data.byteLength < expected) {
          throw new CuganError('BAD_IMAGE', `image data holds ${source.data.byteLength} bytes, a ${w}x${h} RGBA image needs ${expected}`);
        }
        device.queue.writeTexture({ texture: ex.input }, source.data as Uint8Array<ArrayBuffer>, { bytesPerRow: w * 4 }, [w, h]);
      } else {
        if (isTainted(source as HTMLVideoElement)) {
          throw new CuganError('TAINTED_SOURCE', 'the source is cross-origin without CORS (no crossorigin attribute), so its pixels may not be read');
        }
        try {
          device.queue.copyExternalImageToTexture({ source: source as GPUCopyExternalImageSource }, { texture: ex.input }, [w, h]);
        } catch (e) {
          if ((e as Error)?.name === 'SecurityError') {
            throw new CuganError('TAINTED_SOURCE', 'the source is cross-origin without CORS, so its pixels cannot be read', { cause: e });
          }
          throw e;
        }
      }
      const raw = !!opts.raw;
      if (raw) await ex.enableRaw();
      const pack = ex.cachedPack(texture) ?? (await ex.packFor(texture));
      const encoder = device.createCommandEncoder({ label: 'upscale' });
      const pass = encoder.beginComputePass({ label: 'Real-CUGAN' });
      ex.encode(pass, pack, raw);
      pass.end();
      device.queue.submit([encoder.finish()]);
      return ex.output;
    },
    async readImageData(texture) {
      const t = texture ?? runner.current?.output;
      if (!t) throw new CuganError('BAD_OPTION', 'readImageData(): nothing has been upscaled yet');
      return readTexture(device, t);
    },
    async readRaw() {
      const buf = runner.current?.raw;
      if (!buf) throw new CuganError('BAD_OPTION', 'readRaw(): call upscale(source, { raw: true }) first');
      return readFloats(device, buf);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      runner.destroy();
      if (!options.device) device.destroy();
    },
  };
  return upscaler;
}
