// Which released model serves a set of viewer choices (scale, denoise, pro).

import { MODELS, type Scale } from '../model/architecture.js';
import { checkDenoise, checkModelId, DENOISE_LEVELS, type Denoise, type VideoUpscaleOptions } from '../options.js';

/** 'auto': the model scale closest to how much the picture is enlarged on screen. */
export function autoScale(displayPixels: { w: number; h: number }, source: { w: number; h: number }): Scale {
  if (source.w <= 0 || source.h <= 0) return 2;
  const ratio = Math.max(displayPixels.w / source.w, displayPixels.h / source.h);
  return ratio <= 2.5 ? 2 : ratio <= 3.5 ? 3 : 4;
}

/** The model id for the options (an explicit `model` wins); denoise levels a scale lacks fall back to the nearest. */
export function chooseModel(o: VideoUpscaleOptions, scale: Scale): string {
  if (o.model !== undefined) return checkModelId(o.model);
  const want = DENOISE_LEVELS.indexOf(checkDenoise(o.denoise ?? 'conservative'));
  const family = o.pro && scale !== 4 ? 'pro' : 'se';
  const candidates = MODELS.filter((m) => m.scale === scale && m.id.startsWith(`${family}/`));
  const distance = (d: string) => Math.abs(DENOISE_LEVELS.indexOf(d as Denoise) - want);
  return candidates.reduce((a, b) => (distance(b.denoise) < distance(a.denoise) ? b : a)).id;
}

/** The denoise levels that exist for a scale and family (for menus). */
export function denoiseLevels(scale: Scale, pro: boolean): Denoise[] {
  const family = pro && scale !== 4 ? 'pro' : 'se';
  return DENOISE_LEVELS.filter((d) => MODELS.some((m) => m.scale === scale && m.id === `${family}/up${scale}x-${d}`));
}

/** The model scale for the options: the chosen one, or for 'auto' the one that fits how large the picture is shown. */
export function scaleFor(o: VideoUpscaleOptions, video: HTMLVideoElement, canvas: HTMLCanvasElement): Scale {
  const s = o.scale ?? 'auto';
  if (s !== 'auto') return s;
  const dpr = globalThis.devicePixelRatio || 1;
  return autoScale(
    { w: canvas.clientWidth * dpr || video.clientWidth * dpr, h: canvas.clientHeight * dpr || video.clientHeight * dpr },
    { w: video.videoWidth, h: video.videoHeight },
  );
}
