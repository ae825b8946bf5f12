// The `reuseFrames` and `reuseThreshold` player options, and the gate threshold they give
// (gpu/reuse.ts): a 16x16 block's mean squared difference, in 8-bit levels, from the input the
// shown output was computed from.

import { CuganError } from '../errors.js';

/** 'near' (and true): near-duplicate frames reuse the last output; 'exact': only equal ones; false: off. */
export type ReuseFrames = boolean | 'near' | 'exact';

/**
 * The default `reuseThreshold`, dB. Measured on real encodes (bench/results/reuse-*.md): every
 * reused frame stays within 40 dB PSNR of a fresh run of it.
 */
export const DEFAULT_REUSE_THRESHOLD_DB = 40;

export function checkReuseOptions(o: { reuseFrames?: unknown; reuseThreshold?: unknown }): void {
  const r = o.reuseFrames;
  if (r !== undefined && typeof r !== 'boolean' && r !== 'near' && r !== 'exact') {
    throw new CuganError('BAD_OPTION', `reuseFrames must be true, false, 'near' or 'exact', got ${String(r)}`);
  }
  const t = o.reuseThreshold;
  if (t !== undefined && !(typeof t === 'number' && t >= 20 && t <= 100)) {
    throw new CuganError('BAD_OPTION', `reuseThreshold must be a PSNR in dB from 20 to 100, got ${String(t)}`);
  }
}

/** The gate threshold the options ask for (0: exact); undefined when reuse is off. */
export function reuseGateThreshold(o: { reuseFrames?: ReuseFrames; reuseThreshold?: number }): number | undefined {
  const mode = o.reuseFrames ?? true;
  if (mode === false) return undefined;
  if (mode === 'exact') return 0;
  return (255 * 255) / 10 ** ((o.reuseThreshold ?? DEFAULT_REUSE_THRESHOLD_DB) / 10);
}
