// What the plugin adds to video.js, as types: the options of `player.upscale(options)`, the
// plugin instance it returns, and the `upscale:*` events on the player with their details.
// Importing `cugan-webgpu/videojs` adds them to video.js's own `Player` type, so a strict
// TypeScript app can call `player.upscale(...)` and gets typed `player.on('upscale:…')` listeners.

import type { CuganError } from '../../runtime/errors.js';
import type { PluginOnlyOptions, VideoUpscaleOptions } from '../../runtime/options.js';
import type { UpscaleEventDetails, UpscaleEventType } from '../../runtime/video/events.js';
import type { UpscaleProgress, UpscaleStats } from '../../runtime/video/types.js';
import type { UpscaleController } from '../controller.js';
import type { UpscaleChoices } from './storage.js';
import type { Player } from './vjs-types.js';

export interface UpscalePluginOptions extends VideoUpscaleOptions, PluginOnlyOptions {
  /** localStorage key of the viewer's choices (default 'cugan-webgpu'); false: remember nothing. */
  storageKey?: string | false;
  /** Key that toggles upscaling while the player has focus (default 'u'); false: none. */
  hotkey?: string | false;
}

/** What `player.upscale()` returns. */
export interface UpscalePlugin {
  readonly player: Player;
  /** The viewer's wish: true from enable() until disable() or a failure turns it off. */
  readonly enabled: boolean;
  /** True while upscaled frames are on screen. */
  readonly active: boolean;
  readonly stats: UpscaleStats;
  /** The model last reported in use ('' before the first frame). */
  readonly model: string;
  /** Scale, denoise, pro and strength as chosen (stored ones, then explicit options, then menu picks). */
  readonly choices: Readonly<UpscaleChoices>;
  readonly options: Readonly<VideoUpscaleOptions>;
  /** Why upscaling cannot run in this browser (no WebGPU or no adapter); null while it can. */
  readonly unavailable: CuganError | null;
  /** The model download under way (the toggle spins); null when none. */
  readonly loading: UpscaleProgress | null;
  /** The last failure since upscaling was last turned on; null when none. */
  readonly lastError: CuganError | null;
  /** The controller on the current tech's <video> (null before the player is ready). */
  readonly controller: UpscaleController | null;
  /** Turns upscaling on (and remembers it). Never throws; failures arrive as `upscale:error`. */
  enable(): Promise<boolean>;
  /** Turns upscaling off (and remembers it); the plain video shows. */
  disable(): void;
  toggle(): Promise<boolean>;
  /** Changes scale, denoise, pro, alpha, model... (scale/denoise/pro/alpha/enabled are remembered).
   * Rejects with BAD_OPTION for invalid values; loading failures arrive as `upscale:error`. */
  setOptions(options: Partial<VideoUpscaleOptions>): Promise<void>;
  dispose(): void;
}

/** A listener of an `upscale:*` event on the player: video.js passes the detail second. */
export type UpscaleListener<K extends UpscaleEventType> = (event: Event, detail: UpscaleEventDetails[K]) => void;

// video.js declares `Player` as the default export of this module: the augmentation merges there.
declare module 'video.js/dist/types/player.js' {
  export default interface Player {
    /** Starts the upscale plugin (registerUpscalePlugin), or returns the running instance. */
    upscale(options?: UpscalePluginOptions): UpscalePlugin;
    on<K extends UpscaleEventType>(type: K, listener: UpscaleListener<K>): void;
    on(type: string | string[], fn: Function): void;
    one<K extends UpscaleEventType>(type: K, listener: UpscaleListener<K>): void;
    one(type: string | string[], fn: Function): void;
    off<K extends UpscaleEventType>(type: K, listener: UpscaleListener<K>): void;
    off(type: string | string[], fn?: Function): void;
  }
}
