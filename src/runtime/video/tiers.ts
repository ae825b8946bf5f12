// Adaptive quality (`adaptive: true`): a ladder of settings from the strongest the viewer's
// choices ask for down to "off", a probe that times each candidate on the first real frames at
// the real size and keeps the strongest that fits the video's frame interval, a watch that steps
// down when frames start to drop, and a per-adapter, per-size cache of the choice.
// With frame reuse the budget holds the effective cost: a setting whose whole frame misses the
// budget but still fits the frame interval (so a frame that must run does not make the next one
// drop) is timed again with reuse on, and kept when its mean cost per shown frame fits.
// Pure logic: VideoUpscaler feeds it frame times and drop counts and applies what it decides.

export interface Tier {
  model: string;
  /** The network runs on the source at this scale (0.5: a 2x2 box average first). */
  inputScale: 1 | 0.5;
}

const LIGHTEST = 'nose/up2x-no-denoise';

/** Strongest first: the requested model, then the no-SE model, then that at half the input size. */
export function tierLadder(requested: string): Tier[] {
  const ladder: Tier[] = [{ model: requested, inputScale: 1 }];
  if (requested !== LIGHTEST) ladder.push({ model: LIGHTEST, inputScale: 1 });
  ladder.push({ model: LIGHTEST, inputScale: 0.5 });
  return ladder;
}

/**
 * How many source pixels, per axis, make one network input pixel under `t` (the executor's
 * `sourceScale`): 2 at half input size, 1 otherwise (also with no tier).
 */
export const sourceScaleOf = (t: Tier | undefined): 1 | 2 => (t?.inputScale === 0.5 ? 2 : 1);

/** The network's input size for a source size under `t`. */
export function graphSize(t: Tier | undefined, width: number, height: number): [number, number] {
  return [graphSide(t, width), graphSide(t, height)];
}

/** One side of graphSize() (the frame path checks sides, so it makes no array per frame). */
export function graphSide(t: Tier | undefined, side: number): number {
  const k = sourceScaleOf(t);
  return k === 1 ? side : Math.max(1, Math.floor(side / k));
}

export const tierName = (t: Tier | undefined) => (t ? `${t.model}${t.inputScale === 1 ? '' : ' at half input size'}` : 'off');

export interface TierPolicyOptions {
  /** Whole frames timed per candidate (the first one, which includes warm-up, is not counted). */
  probeFrames?: number;
  /** Frame reuse is on: a candidate whose whole frame fits the frame interval but not the budget is timed with reuse. */
  reuse?: boolean;
  /** Frames timed with reuse on (their mean is the effective cost per shown frame). */
  reuseFrames?: number;
  /** Share of the frame interval the GPU may use (default 0.85). */
  headroom?: number;
  /** A window (about 1 s) counts as dropping when this share of its video frames was dropped. */
  dropShare?: number;
  /** Consecutive dropping windows before stepping down. */
  dropWindows?: number;
}

export type TierDecision =
  | { kind: 'keep' }
  | { kind: 'switch'; index: number; reason: string }
  | { kind: 'settled'; index: number; reason: string };

/**
 * The state machine: `index` is the ladder position in use (ladder.length = off). While
 * probing, frameTime() decides; once settled, window() watches for drops.
 */
export class TierPolicy {
  readonly ladder: Tier[];
  index: number;
  probing: boolean;
  /** Without adaptive: whether the viewer was already warned about drops. */
  warned = false;
  private samples: number[] = [];
  /** While probing: timing whole frames (reuse off), or frames with reuse on. */
  private phase: 'whole' | 'reuse' = 'whole';
  /** The median whole frame of the candidate timed with reuse. */
  private wholeMs = 0;
  private dropping = 0;
  private readonly o: Required<TierPolicyOptions>;

  constructor(ladder: Tier[], start = 0, probe = true, options: TierPolicyOptions = {}) {
    this.ladder = ladder;
    this.index = Math.min(Math.max(0, start), ladder.length);
    this.probing = probe && this.index < ladder.length;
    this.o = { probeFrames: 3, reuse: false, reuseFrames: 6, headroom: 0.85, dropShare: 0.15, dropWindows: 3, ...options };
  }

  /** The probe is timing whole frames: frame reuse must be off for the frames it times. */
  get timingWholeFrames(): boolean {
    return this.probing && this.phase === 'whole';
  }

  get tier(): Tier | undefined {
    return this.ladder[this.index];
  }

  /** The GPU ms one frame may take at this frame rate. */
  budget(videoFps: number): number {
    return (1000 / (videoFps > 0 ? videoFps : 30)) * this.o.headroom;
  }

  /** A frame of the current tier took `ms` on the GPU (submit to done). */
  frameTime(ms: number, videoFps: number): TierDecision {
    if (!this.probing) return { kind: 'keep' };
    this.samples.push(ms);
    const budget = this.budget(videoFps);
    const fps = `budget ${budget.toFixed(1)} ms at ${videoFps.toFixed(0)} fps`;
    if (this.phase === 'whole') {
      if (this.samples.length < this.o.probeFrames + 1) return { kind: 'keep' };
      const counted = this.samples.slice(1).sort((a, b) => a - b);
      const median = counted[counted.length >> 1]!;
      this.samples = [];
      const what = `${tierName(this.tier)}: ${median.toFixed(1)} ms a frame, ${fps}`;
      if (median <= budget) return this.settle(what);
      // A frame that must run still fits the frame interval: reuse may bring the mean under budget.
      if (this.o.reuse && median <= budget / this.o.headroom) {
        this.phase = 'reuse';
        this.wholeMs = median;
        return { kind: 'keep' };
      }
      return this.stepDown(what);
    }
    if (this.samples.length < this.o.reuseFrames) return { kind: 'keep' };
    const mean = this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
    this.samples = [];
    this.phase = 'whole';
    const what = `${tierName(this.tier)}: ${this.wholeMs.toFixed(1)} ms a whole frame, ${mean.toFixed(1)} ms a shown frame with frame reuse, ${fps}`;
    return mean <= budget ? this.settle(what) : this.stepDown(what);
  }

  private settle(reason: string): TierDecision {
    this.probing = false;
    return { kind: 'settled', index: this.index, reason };
  }

  private stepDown(what: string): TierDecision {
    this.index++;
    if (this.index >= this.ladder.length) {
      this.probing = false;
      return { kind: 'settled', index: this.index, reason: `${what}; no lighter setting left` };
    }
    return { kind: 'switch', index: this.index, reason: what };
  }

  /** A stats window ended: `videoFrames` were presented by the video, `dropped` of them skipped. */
  window(videoFrames: number, dropped: number): TierDecision {
    if (this.probing || this.index >= this.ladder.length || videoFrames <= 0) return { kind: 'keep' };
    this.dropping = dropped / videoFrames >= this.o.dropShare ? this.dropping + 1 : 0;
    if (this.dropping < this.o.dropWindows) return { kind: 'keep' };
    this.dropping = 0;
    const from = tierName(this.tier);
    this.index++;
    return { kind: 'settled', index: this.index, reason: `frames dropping with ${from} (${dropped} of ${videoFrames} in the last window)` };
  }

  /** Resets the drop watch and the probe's samples (after a switch, a seek, a size change). */
  reset(): void {
    this.dropping = 0;
    this.samples = [];
    this.phase = 'whole';
  }
}

/** The cache key of a choice: adapter and source size. */
export const tierCacheKey = (adapter: string, requested: string, w: number, h: number) => `cugan-webgpu:tier:${adapter}:${requested}:${w}x${h}`;

export interface TierCache {
  get(key: string): number | undefined;
  set(key: string, index: number): void;
}

/** localStorage when there is one (browsers), nothing otherwise. */
export function localTierCache(): TierCache {
  const store = (globalThis as { localStorage?: Storage }).localStorage;
  return {
    get(key) {
      try {
        const v = store?.getItem(key);
        return v === null || v === undefined ? undefined : Number.isInteger(Number(v)) ? Number(v) : undefined;
      } catch {
        return undefined;
      }
    },
    set(key, index) {
      try {
        store?.setItem(key, String(index));
      } catch {
        // private mode, quota: the choice is just not remembered
      }
    },
  };
}
