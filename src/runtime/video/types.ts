// The stats shared by the frame path, the video.js plugin and the hls.js integration (their
// options live in ../options.ts, their events in events.ts).

import type { ConvBlock } from '../gpu/autotune.js';
import type { TensorPrecision } from '../gpu/tensor-format.js';
import type { LoadProgress } from '../model/load.js';
import type { ReuseStats } from './reuse-counters.js';
import type { FrameRun, StageTimes } from './stage-timer.js';

export type { Denoise, ScaleChoice, VideoUpscaleOptions } from '../options.js';

/** A model download's progress (`upscale:progress`). */
export type UpscaleProgress = LoadProgress;

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
  /**
   * Mean of `gpuMs` over the frames shown in the last second: the effective GPU cost of a shown
   * frame, frames re-shown by frame reuse counting at their small cost (what `adaptive` budgets).
   */
  effectiveGpuMs: number;
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
   * With `reuseFrames`, at the current model and size: frames seen, frames run whole through the
   * network, frames run as changed regions only (no-SE model) and the region tiles those ran (of
   * `tiles` per frame); the share of frames that re-showed the last output (`reused`) and the
   * network work run per frame against a full run (`work`, multiply-adds). Read once a second
   * (with `timing`: with each timed frame).
   */
  reuse?: ReuseStats;
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
  /** The kernel of each conv layer class, by WGSL program name (the per-class autotune may pick another set's than `kernels`'). */
  kernelsByClass: Record<string, string>;
  /** With `adaptive`: the setting in use (model, and whether at half input size). */
  tier?: string;
  /** GPU memory the upscaler holds now, bytes: every buffer and texture it created (weights, feature maps, textures, present and timing buffers). */
  gpuBytes: number;
  /** Tiles a frame runs as (1 when it fits one pass; large frames run as tiles with the same pixels). */
  tiles: number;
  adapter: string;
}
