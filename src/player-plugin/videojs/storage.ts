// The viewer's choices (on/off, scale, denoise, pro, strength), kept in localStorage so they
// survive a reload. Storage can be missing or throw (private mode, blocked cookies, quota):
// then nothing is remembered and nothing fails. Stored values are validated on the way in.

import { checkAlpha, checkBoolean, checkDenoise, checkScale, passes, type Denoise, type ScaleChoice } from '../../runtime/options.js';

export interface UpscaleChoices {
  enabled: boolean;
  scale: ScaleChoice;
  denoise: Denoise;
  pro: boolean;
  alpha: number;
}

// The same checks as the options (options.ts): a stored value is kept only if it would be accepted.
const checks: { [K in keyof UpscaleChoices]: (v: unknown) => unknown } = {
  enabled: (v) => checkBoolean('enabled', v),
  scale: checkScale,
  denoise: checkDenoise,
  pro: (v) => checkBoolean('pro', v),
  alpha: checkAlpha,
};

/** The valid choices among `o`'s own properties (anything else is dropped). */
export function pickChoices(o: unknown): Partial<UpscaleChoices> {
  const out: Record<string, unknown> = {};
  if (!o || typeof o !== 'object') return out;
  for (const k of Object.keys(checks) as Array<keyof UpscaleChoices>) {
    const v = (o as Record<string, unknown>)[k];
    if (Object.prototype.hasOwnProperty.call(o, k) && v !== undefined && passes(checks[k], v)) out[k] = v;
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
