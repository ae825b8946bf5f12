// What both integrations hand back: the upscaler over a video with its overlay canvas, the same
// options, stats and events (`upscale:enabled`, `upscale:disabled`, `upscale:error`,
// `upscale:stats`, `upscale:progress` (a model download), dispatched on the controller and,
// bubbling, on the video element).

import { CuganError } from '../runtime/errors.js';
import type { UpscaleStats, VideoUpscaleOptions } from '../runtime/video/types.js';
import { VideoUpscaler } from '../runtime/video/video-upscaler.js';
import { createOverlay, type Overlay } from './overlay.js';

export const UPSCALE_EVENTS = ['enabled', 'disabled', 'error', 'stats', 'progress', 'tier', 'warning'] as const;

export class UpscaleController extends EventTarget {
  readonly video: HTMLVideoElement;
  readonly upscaler: VideoUpscaler;
  readonly overlay: Overlay;
  /** Why upscaling is unavailable here (no WebGPU...), once known; null when it is available. */
  unsupported: CuganError | null = null;
  private readonly forward: Array<[string, EventListener]> = [];

  constructor(video: HTMLVideoElement, options: VideoUpscaleOptions = {}) {
    super();
    if (!(video instanceof HTMLVideoElement)) {
      throw new CuganError('BAD_OPTION', 'attachUpscaler() needs an HTMLVideoElement');
    }
    this.video = video;
    this.overlay = createOverlay(video);
    this.upscaler = new VideoUpscaler(video, this.overlay.canvas, options);
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
