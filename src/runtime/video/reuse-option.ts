// The gate threshold the `reuseFrames` and `reuseThreshold` options give (gpu/reuse.ts): a
// 16x16 block's mean squared difference, in 8-bit levels, from the input the shown output was
// computed from. The options are checked in ../options.ts.

import type { GraphExecutor } from '../gpu/executor.js';
import { DEFAULT_REUSE_THRESHOLD_DB, type ReuseFrames } from '../options.js';

/** The gate threshold the options ask for (0: exact); undefined when reuse is off. */
export function reuseGateThreshold(o: { reuseFrames?: ReuseFrames; reuseThreshold?: number }): number | undefined {
  const mode = o.reuseFrames ?? true;
  if (mode === false) return undefined;
  if (mode === 'exact') return 0;
  return (255 * 255) / 10 ** ((o.reuseThreshold ?? DEFAULT_REUSE_THRESHOLD_DB) / 10);
}

/** Frame reuse on `ex` as the options ask: on or off, and the gate's threshold. */
export function applyReuse(ex: GraphExecutor | undefined, o: { reuseFrames?: ReuseFrames; reuseThreshold?: number }): void {
  const threshold = reuseGateThreshold(o);
  if (!ex) return;
  ex.reuseEnabled = threshold !== undefined;
  if (threshold !== undefined) ex.setReuseThreshold(threshold);
}
