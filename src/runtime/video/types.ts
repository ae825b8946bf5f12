// The options, stats and events shared by the frame path, the video.js plugin and the hls.js
// integration.

import type { CuganError } from '../errors.js';

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
  /** Give up a model download after this many ms: `upscale:error` WEIGHTS_TIMEOUT (default 60 000). */
  modelTimeoutMs?: number;
  /** Use this device (default: one is requested, and re-requested after a device loss). */
  device?: GPUDevice;
  /**
   * Per-stage GPU times in the stats (adapters with timestamp-query; default false). Costs a
   * small asynchronous readback per frame, so it is for demos and benchmarks.
   */
  timing?: boolean;
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
  stages?: { input: number; unet1: number; unet2: number; output: number; present: number };
  sourceWidth: number;
  sourceHeight: number;
  outputWidth: number;
  outputHeight: number;
  /** The model in use, e.g. `se/up2x-conservative`. */
  model: string;
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
  disabled: CustomEvent<{ reason: 'user' | 'error' }>;
  error: CustomEvent<{ error: CuganError }>;
  stats: CustomEvent<UpscaleStats>;
}
