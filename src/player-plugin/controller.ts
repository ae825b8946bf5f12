// What both integrations hand back: the upscaler over a video with its overlay canvas, the same
// options, stats and events (src/runtime/video/events.ts). Each event is dispatched once on the
// controller and once where `publish` sends it: by default as a bubbling event on the <video>
// (attachUpscaler); the video.js plugin sends it to the player instead.

import { CuganError } from '../runtime/errors.js';
import { checkVideoOptions, type VideoUpscaleOptions } from '../runtime/options.js';
import { dispatchOn, TypedEventTarget, type EventMapOf, type EventSink, type UpscaleEventDetails } from '../runtime/video/events.js';
import type { UpscaleStats } from '../runtime/video/types.js';
import { VideoUpscaler } from '../runtime/video/video-upscaler.js';
import { createOverlay, type Overlay } from './overlay.js';

export class UpscaleController<D extends UpscaleEventDetails = UpscaleEventDetails> extends TypedEventTarget<EventMapOf<D>> {
  readonly video: HTMLVideoElement;
  readonly upscaler: VideoUpscaler;
  readonly overlay: Overlay;
  /** Why upscaling is unavailable here (no WebGPU...), once known; null when it is available. */
  unsupported: CuganError | null = null;
  /** A bad option given to the constructor (reported by enable() as `upscale:error`). */
  private readonly optionError?: CuganError;
  /** Delivers an event: on this controller, then to `publish`. */
  protected readonly emit: EventSink<D>;

  /** `publish`: where events go besides this controller (default: bubbling on the <video>). */
  constructor(video: HTMLVideoElement, options: VideoUpscaleOptions = {}, publish?: EventSink<D>) {
    super();
    if (!(video instanceof HTMLVideoElement)) {
      throw new CuganError('BAD_OPTION', 'attachUpscaler() needs an HTMLVideoElement');
    }
    this.video = video;
    const here = dispatchOn<D>(this);
    const there = publish ?? dispatchOn<D>(video, true);
    this.emit = (type, detail) => {
      here(type, detail);
      there(type, detail);
    };
    let checked = options;
    try {
      checkVideoOptions(options);
    } catch (e) {
      // Options of the wrong type must not stop the page's script (and so its video): the
      // controller starts disabled on the defaults and enable() reports the error instead.
      if (!(e instanceof CuganError)) throw e;
      this.optionError = e;
      checked = {};
    }
    this.overlay = createOverlay(video);
    this.upscaler = new VideoUpscaler(video, this.overlay.canvas, checked, this.emit);
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
      await Promise.resolve(); // after the caller of attachUpscaler() has added its listeners
      this.emit('upscale:error', { error: this.optionError });
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
      checkVideoOptions({ ...this.upscaler.options, ...o });
    } catch (e) {
      if (!(e instanceof CuganError)) throw e;
      this.emit('upscale:error', { error: e });
      return;
    }
    // A model that fails to load is reported by the upscaler itself (and turns it off).
    await this.upscaler.setOptions(o).catch(() => undefined);
  }

  destroy(): void {
    this.upscaler.destroy();
    this.overlay.destroy();
  }
}
