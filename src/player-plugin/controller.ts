// What both integrations hand back: the upscaler over a video with its overlay canvas, the same
// options, stats and events (`upscale:enabled`, `upscale:disabled`, `upscale:error`, `upscale:tuned`,
// `upscale:stats`, `upscale:progress` (a model download), dispatched on the controller and,
// bubbling, on the video element).

import { CuganError } from '../runtime/errors.js';
import type { UpscaleStats, VideoUpscaleOptions } from '../runtime/video/types.js';
import { VideoUpscaler } from '../runtime/video/video-upscaler.js';
import { createOverlay, type Overlay } from './overlay.js';

export const UPSCALE_EVENTS = ['enabled', 'disabled', 'error', 'stats', 'progress', 'tier', 'warning', 'tuned'] as const;

export class UpscaleController extends EventTarget {
  readonly video: HTMLVideoElement;
  readonly upscaler: VideoUpscaler;
  readonly overlay: Overlay;
  /** Why upscaling is unavailable here (no WebGPU...), once known; null when it is available. */
  unsupported: CuganError | null = null;
  /** A bad option given to the constructor (reported by enable() as `upscale:error`). */
  private optionError?: CuganError;
  private readonly forward: Array<[string, EventListener]> = [];

  constructor(video: HTMLVideoElement, options: VideoUpscaleOptions = {}) {
    super();
    if (!(video instanceof HTMLVideoElement)) {
      throw new CuganError('BAD_OPTION', 'attachUpscaler() needs an HTMLVideoElement');
    }
    this.video = video;
    this.overlay = createOverlay(video);
    let upscaler: VideoUpscaler;
    try {
      upscaler = new VideoUpscaler(video, this.overlay.canvas, options);
    } catch (e) {
      // Options of the wrong type must not stop the page's script (and so its video): the
      // controller starts disabled on the defaults and enable() reports the error instead.
      if (!(e instanceof CuganError)) throw e;
      this.optionError = e;
      upscaler = new VideoUpscaler(video, this.overlay.canvas, {});
    }
    this.upscaler = upscaler;
    for (const name of UPSCALE_EVENTS) {
      const fn: EventListener = (e) => {
        const detail = (e as CustomEvent).detail;
        this.dispatchEvent(new CustomEvent(`upscale:${name}`, { detail }));
        video.dispatchEvent(new CustomEvent(`upscale:${name}`, { detail, bubbles: true }));
      };
      this.upscaler.addEventListener(name, fn);
      this.forward.push([name, fn]);
    }
  }

  get enabled(): boolean {
    return this.upscaler.enabled;
  }

  get stats(): UpscaleStats {
    return this.upscaler.stats;
  }

  get options(): Readonly<VideoUpscaleOptions> {
    return this.upscaler.options;
  }

  /** Starts upscaling. Never throws: failures arrive as `upscale:error` and the video plays on. */
  async enable(): Promise<boolean> {
    if (this.optionError) {
      const error = this.optionError;
      await Promise.resolve(); // after the caller of attachUpscaler() has added its listeners
      this.dispatchEvent(new CustomEvent('upscale:error', { detail: { error } }));
      this.video.dispatchEvent(new CustomEvent('upscale:error', { detail: { error }, bubbles: true }));
      return false;
    }
    try {
      await this.upscaler.enable();
      return true;
    } catch (e) {
      if (e instanceof CuganError && e.code === 'NO_WEBGPU') this.unsupported = e;
      return false;
    }
  }

  disable(): void {
    this.upscaler.disable();
  }

  async toggle(): Promise<boolean> {
    if (this.enabled) {
      this.disable();
      return false;
    }
    return this.enable();
  }

  /** Changes options (model, scale, denoise, pro, alpha); errors arrive as `upscale:error`. */
  async setOptions(o: Partial<VideoUpscaleOptions>): Promise<void> {
    try {
      await this.upscaler.setOptions(o);
    } catch (e) {
      if (!(e instanceof CuganError)) throw e;
      this.dispatchEvent(new CustomEvent('upscale:error', { detail: { error: e } }));
    }
  }

  destroy(): void {
    for (const [name, fn] of this.forward) this.upscaler.removeEventListener(name, fn);
    this.upscaler.destroy();
    this.overlay.destroy();
  }
}
