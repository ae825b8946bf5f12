// The viewer's choices (on/off, scale, denoise, pro, strength), kept in localStorage so they
// survive a reload. Storage can be missing or throw (private mode, blocked cookies, quota):
// then nothing is remembered and nothing fails. Stored values are validated on the way in.

import { checkAlpha } from '../../runtime/model-runner.js';
import { checkScale } from '../../runtime/video/model-choice.js';
import type { Denoise, ScaleChoice } from '../../runtime/video/types.js';

export interface UpscaleChoices {
  enabled: boolean;
  scale: ScaleChoice;
  denoise: Denoise;
  pro: boolean;
  alpha: number;
}

export const DENOISE_LEVELS: readonly Denoise[] = ['no-denoise', 'conservative', 'denoise1x', 'denoise2x', 'denoise3x'];

const valid: { [K in keyof UpscaleChoices]: (v: unknown) => boolean } = {
  enabled: (v) => typeof v === 'boolean',
  scale: (v) => ok(() => checkScale(v)),
  denoise: (v) => DENOISE_LEVELS.includes(v as Denoise),
  pro: (v) => typeof v === 'boolean',
  alpha: (v) => ok(() => checkAlpha(v)),
};

function ok(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** The valid choices among `o`'s own properties (anything else is dropped). */
export function pickChoices(o: unknown): Partial<UpscaleChoices> {
  const out: Record<string, unknown> = {};
  if (!o || typeof o !== 'object') return out;
  for (const k of Object.keys(valid) as Array<keyof UpscaleChoices>) {
    const v = (o as Record<string, unknown>)[k];
    if (Object.prototype.hasOwnProperty.call(o, k) && v !== undefined && valid[k](v)) out[k] = v;
  }
  return out as Partial<UpscaleChoices>;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // a SecurityError on access where storage is blocked
  }
}

/** The stored choices under `key` (valid ones only; {} when there are none or storage fails). */
export function loadChoices(key: string | false): Partial<UpscaleChoices> {
  if (key === false) return {};
  try {
    const text = storage()?.getItem(key);
    return text ? pickChoices(JSON.parse(text)) : {};
  } catch {
    return {};
  }
}

/** Merges `choices` into what is stored under `key`; false when they could not be stored. */
export function saveChoices(key: string | false, choices: Partial<UpscaleChoices>): boolean {
  if (key === false) return false;
  try {
    const s = storage();
    if (!s) return false;
    s.setItem(key, JSON.stringify({ ...loadChoices(key), ...pickChoices(choices) }));
    return true;
  } catch {
    return false;
  }
}
