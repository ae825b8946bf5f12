// Adaptive quality as the video path sees it: which tier policy runs (per requested model,
// source size and `adaptive` flag; a remembered choice for this adapter and size when there is
// one), and what each of its decisions asks the upscaler to do. Without `adaptive` the same
// policy is a drop watch over the one requested setting, which only warns.
// Pure logic (tiers.ts decides; this says what follows); VideoUpscaler performs the actions.

import type { TierChange } from './events.js';
import { localTierCache, TierPolicy, tierCacheKey, tierLadder, tierName, type Tier, type TierCache, type TierDecision } from './tiers.js';

/** What a policy was made for. */
export interface PolicyKey {
  readonly adaptive: boolean;
  readonly requested: string;
  readonly width: number;
  readonly height: number;
}

const sized = (k: PolicyKey): boolean => k.width > 0 && k.height > 0;
const sameRequest = (a: PolicyKey, b: PolicyKey): boolean => a.adaptive === b.adaptive && a.requested === b.requested;

export type TierAction =
  | { readonly kind: 'none' }
  /** Without `adaptive`: say once that frames drop with the viewer's choice. */
  | { readonly kind: 'warn'; readonly message: string }
  /**
   * `adaptive` changed the setting: announce `change`, then run `tier` (turn off without one).
   * `force`: switch even if the model and input size in use already match.
   */
  | { readonly kind: 'change'; readonly change: TierChange; readonly tier: Tier | undefined; readonly force: boolean };

const NONE: TierAction = { kind: 'none' };
const REMEMBERED_OFF = 'remembered: no setting kept up on this adapter at this size';

export class AdaptiveQuality {
  private policy?: TierPolicy;
  private key?: PolicyKey;
  private readonly cache: TierCache;

  constructor(cache: TierCache = localTierCache()) {
    this.cache = cache;
  }

  /** The setting frames run with (undefined: off, or no policy yet). */
  get tier(): Tier | undefined {
    return this.policy?.tier;
  }

  /** The adaptive probe is timing the first frames of a candidate. */
  get probing(): boolean {
    return !!this.policy?.probing;
  }

  /** `adaptive` is on and no setting keeps up (remembered, or found out). */
  get off(): boolean {
    return !!this.key?.adaptive && !!this.policy && !this.policy.tier;
  }

  /** The adaptive policy was made before the video had a size: a remembered choice may apply now. */
  get awaitingSize(): boolean {
    return !!this.key?.adaptive && !sized(this.key);
  }

  /** The policy for a request at a source size: kept while the request and size stay the same. */
  select(key: PolicyKey, adapter: string): TierPolicy {
    const { policy, key: was } = this;
    if (policy && was && sameRequest(was, key) && was.width === key.width && was.height === key.height) return policy;
    const ladder = key.adaptive ? tierLadder(key.requested) : [{ model: key.requested, inputScale: 1 as const }];
    const cached = key.adaptive && sized(key) ? this.cache.get(tierCacheKey(adapter, key.requested, key.width, key.height)) : undefined;
    this.key = key;
    if (policy && was && sameRequest(was, key) && (!sized(was) || !sized(key))) {
      // The size became known (or is unknown for now): the same policy, unless a choice is remembered.
      if (cached !== undefined && policy.probing) this.policy = new TierPolicy(ladder, cached, false);
      return this.policy!;
    }
    this.policy = new TierPolicy(ladder, cached ?? 0, key.adaptive && cached === undefined);
    return this.policy;
  }

  /** Now that the video has a size (`awaitingSize`): what a remembered choice for it changes. */
  sizeKnown(width: number, height: number, adapter: string): TierAction {
    const was = this.key;
    if (!was || !this.awaitingSize) return NONE;
    const before = this.policy;
    const index = before?.index;
    const policy = this.select({ ...was, width, height }, adapter);
    if (policy === before && policy.index === index) return NONE;
    if (!policy.tier) return this.decide({ kind: 'settled', index: policy.index, reason: REMEMBERED_OFF }, width, height, adapter);
    return { kind: 'change', change: this.changeTo(policy.tier, 'remembered for this adapter and size'), tier: policy.tier, force: true };
  }

  /** A frame of the probed setting took `ms` on the GPU. */
  frameTime(ms: number, videoFps: number, width: number, height: number, adapter: string): TierAction {
    return this.policy ? this.decide(this.policy.frameTime(ms, videoFps), width, height, adapter) : NONE;
  }

  /** A stats window ended with `dropped` of `videoFrames` skipped. */
  window(videoFrames: number, dropped: number, width: number, height: number, adapter: string): TierAction {
    return this.policy ? this.decide(this.policy.window(videoFrames, dropped), width, height, adapter) : NONE;
  }

  /** A start found `adaptive` remembered off: what to announce. */
  rememberedOff(): TierChange {
    return { tier: 'off', reason: REMEMBERED_OFF };
  }

  private decide(d: TierDecision, width: number, height: number, adapter: string): TierAction {
    const policy = this.policy;
    if (d.kind === 'keep' || !policy) return NONE;
    if (!this.key?.adaptive) {
      // The viewer's explicit choice is never lowered: say once what would help.
      policy.index = 0;
      policy.reset();
      if (policy.warned) return NONE;
      policy.warned = true;
      return { kind: 'warn', message: `${d.reason}; a lighter model, or adaptive: true, would keep up` };
    }
    const tier = policy.tier;
    if (d.kind === 'settled') this.cache.set(tierCacheKey(adapter, policy.ladder[0]!.model, width, height), policy.index);
    policy.reset();
    return { kind: 'change', change: this.changeTo(tier, d.reason), tier, force: d.kind === 'switch' };
  }

  private changeTo(tier: Tier | undefined, reason: string): TierChange {
    return { tier: tierName(tier), ...(tier ? { model: tier.model, inputScale: tier.inputScale } : {}), reason };
  }
}
