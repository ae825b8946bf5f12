// The events of the video path, as one typed map: VideoUpscaler, the controllers of
// attachUpscaler, the video.js player and the README's events table all speak it. Each event is
// made once per target it goes to (a sink decides which targets), never re-dispatched.

import type { CuganError } from '../errors.js';
import type { ConvBlock } from '../gpu/autotune.js';
import type { UpscaleProgress, UpscaleStats } from './types.js';

/** Why upscaling stopped: the viewer, a failure, or `adaptive` finding no setting that keeps up. */
export type DisableReason = 'user' | 'error' | 'adaptive';

/** What `adaptive` changed to (`tier: 'off'`: the plain video). */
export interface TierChange {
  tier: string;
  model?: string;
  inputScale?: number;
  reason: string;
}

/** Each event's detail. */
export interface UpscaleEventDetails {
  /** Upscaled frames are on screen (after a start, a model switch or a device recovery). */
  'upscale:enabled': { model: string };
  /** Upscaling stopped; the plain video shows. */
  'upscale:disabled': { reason: DisableReason };
  /** Something failed; the video keeps playing. */
  'upscale:error': { error: CuganError };
  /** Once a second while upscaling. */
  'upscale:stats': UpscaleStats;
  /** A model download: at its start, per chunk, and once done (or read from the cache). */
  'upscale:progress': UpscaleProgress;
  /** `adaptive` changed the setting. */
  'upscale:tier': TierChange;
  /**
   * Frames now run on the kernels tuned for this adapter: after each start, model switch or
   * recovery, once they are compiled and swapped in between two frames.
   */
  'upscale:tuned': { model: string; kernels: ConvBlock; kernelsByClass: Record<string, string> };
  /** Frames keep dropping with the viewer's explicit choice (not lowered without `adaptive`). */
  'upscale:warning': { message: string };
}

export type UpscaleEventType = keyof UpscaleEventDetails;

/** The DOM events of a map of details: `addEventListener('upscale:enabled', (e) => e.detail.model)`. */
export type EventMapOf<D> = { [K in keyof D]: CustomEvent<D[K]> };

export type UpscaleEventMap = EventMapOf<UpscaleEventDetails>;

// Keyed by the map, so the compiler refuses a list that misses or invents an event.
const EVENT_TYPES: { [K in UpscaleEventType]: true } = {
  'upscale:enabled': true, 'upscale:disabled': true, 'upscale:tier': true, 'upscale:warning': true,
  'upscale:tuned': true, 'upscale:error': true, 'upscale:progress': true, 'upscale:stats': true,
};

/** Every event type, in the order of the README's table. */
export const UPSCALE_EVENTS = Object.keys(EVENT_TYPES) as readonly UpscaleEventType[];

/** Where events go: called once per event, with its typed detail. */
export type EventSink<D> = <K extends keyof D & string>(type: K, detail: D[K]) => void;

export type UpscaleEventSink = EventSink<UpscaleEventDetails>;

/** A sink that dispatches each event once on `target` (with `bubbles`, up the DOM from there). */
export function dispatchOn<D>(target: EventTarget, bubbles = false): EventSink<D> {
  return (type, detail) => void target.dispatchEvent(new CustomEvent(type, { detail, bubbles }));
}

/** An EventTarget whose listeners of M's events get their event type (others stay plain). */
export interface TypedEventTarget<M> extends EventTarget {
  addEventListener<K extends keyof M & string>(type: K, listener: (this: this, ev: M[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof M & string>(type: K, listener: (this: this, ev: M[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** The platform's EventTarget, typed: `class X extends TypedEventTarget<M>`. */
export const TypedEventTarget = EventTarget as unknown as new <M>() => TypedEventTarget<M>;
