// The options, stats and events shared by the frame path, the video.js plugin and the hls.js
// integration.

import type { CuganError } from '../errors.js';
import type { ConvBlock } from '../gpu/autotune.js';
import type { Precision, TensorPrecision } from '../gpu/tensor-format.js';
import type { LoadProgress } from '../model/load.js';
import type { FrameRun, StageTimes } from './stage-timer.js';

/** A model download's progress (`upscale:progress`). */
export type UpscaleProgress = LoadProgress;

export type ScaleChoice = 'auto' | 2 | 3 | 4;
export type Denoise = 'no-denoise' | 'conservative' | 'denoise1x' | 'denoise2x' | 'denoise3x';

export interface VideoUpscaleOptions {
  /** Start upscaling at once (default true). */
  enabled?: boolean;
  /** 'auto' (default): 2x, 3x or 4x from the ratio of the displayed size to the source size. */
  scale?: ScaleChoice;
  /** Denoise level (default 'conservative'); levels a scale lacks fall back to the nearest. */
  denoise?: Denoise;
  /** The "pro" models (2x and 3x only; default false). */
  pro?: boolean;
  /** Enhancement strength, official range 0.75-1.3 (default 1). */
  alpha?: number;
  /** An explicit model id; overrides scale, denoise and pro. */
  model?: string;
  /** Where the packed models are fetched from (default: models/ next to the package). */
  modelBaseUrl?: string;
  /** A model download that receives nothing for this long fails with WEIGHTS_TIMEOUT (ms, default 30000). */
  modelTimeoutMs?: number;
  /**
   * Which packed files to load from `modelBaseUrl`: 'f32' (default) or 'f16' (half the
   * download; widened to f32 on load, the same values: the released weights are float16).
   */
  modelDType?: 'f32' | 'f16';
  /**
   * How feature maps are stored: 'auto' (default) f16 where the adapter has shader-f16, else
   * f32; 'f16' half floats on any adapter (>= 62.5 dB PSNR from the exact output on the golden
   * set); 'f32' exact.
   */
  precision?: Precision;
  /** Use this device (default: one is requested, and re-requested after a device loss). */
  device?: GPUDevice;
  /**
   * Per-stage GPU times in the stats (adapters with timestamp-query; default false). Costs a
   * small asynchronous readback per frame, so it is for demos and benchmarks.
   */
  timing?: boolean;
  /**
   * Exact frame reuse (default true): a frame equal to the last one (compared on the GPU) is
   * not run through the network; the last output is shown again. Anime holds most drawings
   * for 2-3 frames. The no-SE model also reruns only the changed regions (tiles with their
   * receptive-field margins) when that costs less than the whole frame, with the same pixels.
   */
  reuseFrames?: boolean;
  /**
   * Adaptive quality (default false): times the chosen model on the first frames at the real
   * size and steps down (chosen model -> the no-SE model -> that at half the input size -> off)
   * until a frame fits the video's frame interval, remembers the choice per adapter and size,
   * and steps down again when frames keep dropping. Off, the chosen model is never lowered;
   * sustained drops only give a `warning` event.
   */
  adaptive?: boolean;
}

export interface UpscaleStats {
  /** Frames upscaled and shown per second (last second). */
  fps: number;
  /** Video frames per second the element presented (last second). */
  videoFps: number;
  /** Video frames skipped because the GPU was still busy with an earlier one (total). */
  dropped: number;
  /** Frames upscaled (total). */
  frames: number;
  /** Wall time of the last upscaled frame from submit to GPU done, ms. */
  gpuMs: number;
  /** With `timing` on a timestamp-query adapter: GPU ms per stage of a recent frame. */
  stages?: StageTimes;
  /**
   * With `timing`: how that frame ran: `whole` (the network ran on the whole frame), `tiles`
   * (only changed tiles, no-SE model) or `reused` (frame reuse re-showed the last output; its
   * skipped passes time at ~0).
   */
  stagesRun?: FrameRun;
  /** With `timing`: `stages` of the last timed frame that ran the whole network. */
  wholeStages?: StageTimes;
  /** With `timing`: mean GPU ms per shown frame (all stages) over the frames timed so far. */
  gpuMsPerFrame?: number;
  /** With `timing`: how many frames were timed so far. */
  timedFrames?: number;
  /**
   * With `timing` and `reuseFrames`, at the current model and size: frames seen, frames run
   * whole through the network, frames run as changed regions only (no-SE model), and the
   * region tiles those ran (of `tiles` per frame). The rest re-showed the last output.
   */
  reuse?: { frames: number; computed: number; regionFrames: number; regionTiles: number; tiles: number };
  sourceWidth: number;
  sourceHeight: number;
  outputWidth: number;
  outputHeight: number;
  /** The model in use, e.g. `se/up2x-conservative`. */
  model: string;
  /** How its feature maps are stored ('auto' resolved). */
  precision: TensorPrecision;
  /**
   * The conv kernels frames run on: 'compact' ones first (they compile fastest), then the ones
   * the autotune picked for this adapter ('wide' on a software adapter) once compiled (`tuned`).
   */
  kernels: ConvBlock;
  /** With `adaptive`: the setting in use (model, and whether at half input size). */
  tier?: string;
  /** GPU memory the upscaler holds now, bytes: every buffer and texture it created (weights, feature maps, textures, present and timing buffers). */
  gpuBytes: number;
  /** Tiles a frame runs as (1 when it fits one pass; large frames run as tiles with the same pixels). */
  tiles: number;
  adapter: string;
}

/** Events of VideoUpscaler (as DOM CustomEvents, detail below); the video.js plugin re-emits
 * them on the player as `upscale:<name>`. */
export interface UpscaleEventMap {
  enabled: CustomEvent<{ model: string }>;
  disabled: CustomEvent<{ reason: 'user' | 'error' | 'adaptive' }>;
  error: CustomEvent<{ error: CuganError }>;
  stats: CustomEvent<UpscaleStats>;
  /** `adaptive` changed the setting (`tier` 'off': the plain video is shown). */
  tier: CustomEvent<{ tier: string; model?: string; inputScale?: number; reason: string }>;
  /**
   * Frames now run on the kernels tuned for this adapter: after each start or model switch,
   * once they are compiled (seconds on a software adapter; until then the compact kernels run,
   * with the same pixels to float rounding) and swapped in between two frames.
   */
  tuned: CustomEvent<{ model: string; kernels: ConvBlock }>;
  /** Frames keep dropping with the viewer's explicit choice (not lowered without `adaptive`). */
  warning: CustomEvent<{ message: string }>;
  /** A model is being downloaded (or read from the cache): per chunk, and once done. */
  progress: CustomEvent<UpscaleProgress>;
}
