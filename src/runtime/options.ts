// Every option check, in one place: the still-image API (createUpscaler), the video path
// (VideoUpscaler, attachUpscaler), the video.js plugin and its stored choices, and the CLI use
// these, so a value is accepted or refused with the same words wherever it is given. Nothing here
// touches the GPU.

import { CuganError } from './errors.js';
import { findModel, MODELS } from './model/architecture.js';
import type { TileLimits } from './plan/tiling.js';

/** How feature maps are stored: 'auto' is f16 where the adapter has shader-f16, else f32. */
export type Precision = 'f32' | 'f16' | 'auto';

export type ScaleChoice = 'auto' | 2 | 3 | 4;
/** Which packed model files the players download (both load as f32). */
export type ModelDType = 'f32' | 'f16';
export type Denoise = 'no-denoise' | 'conservative' | 'denoise1x' | 'denoise2x' | 'denoise3x';

/** The video path's options: VideoUpscaler, attachUpscaler and the video.js plugin. */
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
  modelDType?: ModelDType;
  /**
   * How feature maps are stored: 'auto' (default for video) f16 where the adapter has
   * shader-f16, else f32; 'f16' half floats on any adapter; 'f32' exact.
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

/**
 * The enhancement strength `alpha`: above `min`, at most `max`; the official tools offer
 * `officialMin`–`officialMax`. Wider values are allowed (they only scale one SE vector).
 */
export const ALPHA_RANGE = { min: 0, max: 4, officialMin: 0.75, officialMax: 1.3 } as const;

/** The alpha range in words, as every message about it says it. */
export const ALPHA_RANGE_TEXT = `a number in (${ALPHA_RANGE.min}, ${ALPHA_RANGE.max}] (official range ${ALPHA_RANGE.officialMin}-${ALPHA_RANGE.officialMax})`;

export const DENOISE_LEVELS: readonly Denoise[] = ['no-denoise', 'conservative', 'denoise1x', 'denoise2x', 'denoise3x'];

const bad = (message: string): CuganError => new CuganError('BAD_OPTION', message);

export function isValidAlpha(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > ALPHA_RANGE.min && value <= ALPHA_RANGE.max;
}

export function checkAlpha(value: unknown): number {
  if (!isValidAlpha(value)) throw bad(`alpha must be ${ALPHA_RANGE_TEXT}, got ${String(value)}`);
  return value;
}

export function checkPrecision(value: unknown): Precision {
  if (value === 'f32' || value === 'f16' || value === 'auto') return value;
  throw bad(`precision must be 'f32', 'f16' or 'auto', got ${String(value)}`);
}

export function checkScale(value: unknown): ScaleChoice {
  if (value === 'auto' || value === 2 || value === 3 || value === 4) return value;
  throw bad(`scale must be 'auto', 2, 3 or 4, got ${String(value)}`);
}

export function checkDenoise(value: unknown): Denoise {
  if (DENOISE_LEVELS.includes(value as Denoise)) return value as Denoise;
  throw bad(`denoise must be one of ${DENOISE_LEVELS.join(', ')}, got ${String(value)}`);
}

/** A released model id (MODEL_UNKNOWN otherwise: the message lists the known ones). */
export function checkModelId(value: unknown): string {
  if (typeof value === 'string' && findModel(value)) return value;
  throw new CuganError('MODEL_UNKNOWN', `unknown model "${String(value)}"; known models: ${MODELS.map((m) => m.id).join(', ')}`);
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw bad(`${name} must be a boolean, got ${String(value)}`);
  return value;
}

export function checkNonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value) throw bad(`${name} must be a non-empty string, got ${String(value)}`);
  return value;
}

export function checkTimeoutMs(value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) throw bad(`modelTimeoutMs must be a positive number of milliseconds, got ${String(value)}`);
  return value;
}

export function checkModelDType(value: unknown): ModelDType {
  if (value === 'f32' || value === 'f16') return value;
  throw bad(`modelDType must be 'f32' or 'f16', got ${String(value)}`);
}

export function checkDevice(value: unknown): GPUDevice {
  if (typeof value !== 'object' || typeof (value as GPUDevice | null)?.createBuffer !== 'function') {
    throw bad(`device must be a GPUDevice, got ${String(value)}`);
  }
  return value as GPUDevice;
}

/** Limits tiles are planned under; unset fields come from the device (and the default budget). */
export type TileLimitOptions = Partial<TileLimits>;

export function checkTileLimits(value: unknown): TileLimitOptions {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object') throw bad(`tileLimits must be an object, got ${String(value)}`);
  const out: TileLimitOptions = {};
  for (const key of ['maxBufferBytes', 'maxTotalBytes'] as const) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(`tileLimits.${key} must be a positive number of bytes, got ${String(v)}`);
    out[key] = v;
  }
  return out;
}

/** Runs `check` on the properties of `o` that are set. */
function checkSet<T extends object>(o: T, checks: { [K in keyof T]?: (value: unknown) => unknown }): void {
  for (const key of Object.keys(checks) as Array<keyof T>) {
    if (o[key] !== undefined) checks[key]!(o[key]);
  }
}

const boolean = (name: string) => (v: unknown) => checkBoolean(name, v);

/** The video path's options (VideoUpscaler, attachUpscaler, the video.js plugin): throws on the first bad one. */
export function checkVideoOptions<T extends VideoUpscaleOptions>(o: T): T {
  if (!o || typeof o !== 'object') throw bad(`options must be an object, got ${String(o)}`);
  checkSet<VideoUpscaleOptions>(o, {
    scale: checkScale,
    alpha: checkAlpha,
    precision: checkPrecision,
    pro: boolean('pro'),
    timing: boolean('timing'),
    enabled: boolean('enabled'),
    reuseFrames: boolean('reuseFrames'),
    adaptive: boolean('adaptive'),
    model: (v) => checkModelId(checkNonEmptyString('model', v)),
    modelBaseUrl: (v) => checkNonEmptyString('modelBaseUrl', v),
    modelTimeoutMs: checkTimeoutMs,
    modelDType: checkModelDType,
    device: checkDevice,
    denoise: checkDenoise,
  });
  return o;
}

/** The video.js plugin's own options, besides the video options. */
export interface PluginOnlyOptions {
  storageKey?: string | false;
  hotkey?: string | false;
}

/** The video.js plugin's options: the video options and its own. */
export function checkPluginOptions<T extends VideoUpscaleOptions & PluginOnlyOptions>(o: T): T {
  checkVideoOptions(o);
  checkSet<PluginOnlyOptions>(o, {
    storageKey: (v) => {
      if (v !== false && (typeof v !== 'string' || !v)) throw bad(`storageKey must be a non-empty string or false, got ${String(v)}`);
    },
    hotkey: (v) => {
      if (v !== false && (typeof v !== 'string' || !v)) throw bad(`hotkey must be a key name such as 'u', or false, got ${String(v)}`);
    },
  });
  return o;
}

/** The still-image options createUpscaler() checks before loading anything. */
export interface StillOptionValues {
  alpha: number;
  precision: Precision;
  tileLimits: TileLimitOptions;
}

export function checkStillOptions(o: { alpha?: unknown; precision?: unknown; tileLimits?: unknown; modelBaseUrl?: unknown; modelTimeoutMs?: unknown; device?: unknown }): StillOptionValues {
  checkSet(o, {
    modelBaseUrl: (v) => {
      if (typeof v !== 'string') throw bad(`modelBaseUrl must be a string, got ${String(v)}`);
    },
    modelTimeoutMs: checkTimeoutMs,
    device: checkDevice,
  });
  // Stills give the official pixels unless asked otherwise: f32 by default (f16 is opt-in).
  return { alpha: checkAlpha(o.alpha ?? 1), precision: checkPrecision(o.precision ?? 'f32'), tileLimits: checkTileLimits(o.tileLimits) };
}

/** Whether `check` accepts `value` (for values read back from storage, which are dropped when bad). */
export function passes(check: (value: unknown) => unknown, value: unknown): boolean {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
}
