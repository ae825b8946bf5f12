// The states a VideoUpscaler goes through, and the one function that moves it between them.
// Pure: VideoUpscaler feeds it what happened and performs what the new state needs (start the
// frames, hide the canvas, recover the device, say `disabled`).
//
//          enable                ready
// off ──────────────► starting ──────────► running
//  ▲                     │                 │   ▲
//  │                     │ device lost     │   │
//  │                     ▼    device lost  │   │ ready
//  │                 recovering ◄──────────┘   │
//  │                     │                     │
//  │                     └─────────────────────┘
//  │
//  └── disable / fail / adaptive-off (from starting, running or recovering)
// destroy: from any state to destroyed (final)
//
// `starting` and `recovering` carry the attempt they wait for, so a start that finishes after
// the viewer turned the filter off and on again (a newer attempt) is ignored.

import type { DisableReason } from './events.js';

export type VideoState =
  /** Plain video. A device and a model may be kept for a quick restart. */
  | { readonly kind: 'off' }
  /** The viewer turned it on: device, presenter and model are being prepared. */
  | { readonly kind: 'starting'; readonly attempt: number }
  /** Frames are upscaled (the frame gate decides which). */
  | { readonly kind: 'running' }
  /** The device was lost: a new one and the model are being prepared, retrying. */
  | { readonly kind: 'recovering'; readonly attempt: number }
  /** Final: every GPU object is released. */
  | { readonly kind: 'destroyed' };

export type VideoStateKind = VideoState['kind'];

export type VideoEvent =
  | { readonly type: 'enable'; readonly attempt: number }
  /** The device, presenter and model of `attempt` are ready. */
  | { readonly type: 'ready'; readonly attempt: number }
  | { readonly type: 'disable' }
  /** Something failed that turns upscaling off (reported as an error by the caller). */
  | { readonly type: 'fail' }
  /** `adaptive` found no setting that keeps up. */
  | { readonly type: 'adaptive-off' }
  /** The device in use was lost; `recoverable` when it is ours to re-create (a recovery `attempt`). */
  | { readonly type: 'device-lost'; readonly recoverable: boolean; readonly attempt: number }
  | { readonly type: 'destroy' };

export interface Transition {
  readonly to: VideoState;
  /** Upscaling stopped: the `disabled` event's reason. */
  readonly disabled?: DisableReason;
}

const OFF: VideoState = { kind: 'off' };

/** Whether the viewer wants upscaling in this state (VideoUpscaler.enabled). */
export const isOn = (s: VideoState): boolean => s.kind === 'starting' || s.kind === 'running' || s.kind === 'recovering';

/** Where `event` leads from `from`; undefined when it does not apply there (it is ignored). */
export function transition(from: VideoState, event: VideoEvent): Transition | undefined {
  if (from.kind === 'destroyed') return undefined;
  switch (event.type) {
    case 'destroy':
      return { to: { kind: 'destroyed' } };
    case 'enable':
      return from.kind === 'off' ? { to: { kind: 'starting', attempt: event.attempt } } : undefined;
    case 'ready':
      return (from.kind === 'starting' || from.kind === 'recovering') && from.attempt === event.attempt ? { to: { kind: 'running' } } : undefined;
    case 'disable':
      return isOn(from) ? { to: OFF, disabled: 'user' } : undefined;
    case 'fail':
      return isOn(from) ? { to: OFF, disabled: 'error' } : undefined;
    case 'adaptive-off':
      return isOn(from) ? { to: OFF, disabled: 'adaptive' } : undefined;
    case 'device-lost':
      if (!isOn(from)) return { to: OFF }; // nothing to resume: the next enable() starts afresh
      return event.recoverable ? { to: { kind: 'recovering', attempt: event.attempt } } : { to: OFF, disabled: 'error' };
  }
}
