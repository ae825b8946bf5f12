// Which released model serves a set of viewer choices (scale, denoise, pro).

import { CuganError } from '../errors.js';
import { findModel, MODELS, type Scale } from '../model/architecture.js';
import type { Denoise, ScaleChoice, VideoUpscaleOptions } from './types.js';

const STRENGTH: Denoise[] = ['no-denoise', 'conservative', 'denoise1x', 'denoise2x', 'denoise3x'];

/** 'auto': the model scale closest to how much the picture is enlarged on screen. */
export function autoScale(displayPixels: { w: number; h: number }, source: { w: number; h: number }): Scale {
  if (source.w <= 0 || source.h <= 0) return 2;
  const ratio = Math.max(displayPixels.w / source.w, displayPixels.h / source.h);
  return ratio <= 2.5 ? 2 : ratio <= 3.5 ? 3 : 4;
}

/** The model id for the options (an explicit `model` wins); denoise levels a scale lacks fall back to the nearest. */
export function chooseModel(o: VideoUpscaleOptions, scale: Scale): string {
  if (o.model !== undefined) {
    if (typeof o.model !== 'string' || !findModel(o.model)) {
      throw new CuganError('MODEL_UNKNOWN', `unknown model "${String(o.model)}"; known models: ${MODELS.map((m) => m.id).join(', ')}`);
    }
    return o.model;
  }
  const denoise = o.denoise ?? 'conservative';
  if (!STRENGTH.includes(denoise)) {
    throw new CuganError('BAD_OPTION', `denoise must be one of ${STRENGTH.join(', ')}, got ${String(denoise)}`);
  }
  const family = o.pro && scale !== 4 ? 'pro' : 'se';
  const candidates = MODELS.filter((m) => m.scale === scale && m.id.startsWith(`${family}/`));
  const want = STRENGTH.indexOf(denoise);
  const best = candidates.reduce((a, b) =>
    Math.abs(STRENGTH.indexOf(b.denoise as Denoise) - want) < Math.abs(STRENGTH.indexOf(a.denoise as Denoise) - want) ? b : a,
  );
  return best.id;
}

/** The denoise levels that exist for a scale and family (for menus). */
export function denoiseLevels(scale: Scale, pro: boolean): Denoise[] {
  const family = pro && scale !== 4 ? 'pro' : 'se';
  return STRENGTH.filter((d) => MODELS.some((m) => m.scale === scale && m.id === `${family}/up${scale}x-${d}`));
}

export function checkScale(s: unknown): ScaleChoice {
  if (s === 'auto' || s === 2 || s === 3 || s === 4) return s;
  throw new CuganError('BAD_OPTION', `scale must be 'auto', 2, 3 or 4, got ${String(s)}`);
}
