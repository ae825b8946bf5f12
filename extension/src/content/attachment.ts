// One <video> under the filter: the library's VideoUpscaler drawing into our overlay canvas, the
// library's caption layer drawing its text tracks above that canvas, and a state the popup shows.
//
//   waiting ─(metadata)─► starting ─(enabled)─► on ◄─(fullscreen ends)─ paused
//      │                     │                   │                       ▲
//      └──────────┬──────────┴───────────────────┴─(bare video fullscreen)┘
//                 ▼
//         refused / error: everything of ours removed, the video plays as the site made it
//
// Where it cannot work (no WebGPU, encrypted media, a cross-origin video without CORS, a frame
// too large) it refuses before or at the first frame and leaves the video alone: no canvas, so
// never a black picture. A new source (loadstart with another URL) starts over.

import { CaptionLayer, CuganError, VideoUpscaler, type UpscaleStats, type VideoUpscaleOptions } from '../lib.js';
import type { VideoReport, VideoState } from '../shared/messages.js';
import { describe } from '../shared/reasons.js';
import type { FilterSettings } from '../shared/settings.js';
import type { DevicePool } from './device-pool.js';
import { Overlay } from './overlay.js';

export interface AttachmentContext {
  pool: DevicePool;
  modelBaseUrl: string;
  settings(): FilterSettings;
  /** Whether this browser has WebGPU with an adapter (asked once per frame). */
  support: Promise<{ ok: true } | { ok: false; error: CuganError }>;
  /** Something the popup shows changed. */
  changed(): void;
}

/** Codes that mean "this video cannot be filtered here"; anything else is an error. */
const REFUSALS = new Set(['NO_WEBGPU', 'TAINTED_SOURCE', 'FRAME_TOO_LARGE', 'ENCRYPTED']);
/** A shared device that is lost is replaced; this many times per source at most. */
const MAX_RESTARTS = 3;

export function upscaleOptions(s: FilterSettings): Partial<VideoUpscaleOptions> {
  return { scale: s.scale, denoise: s.denoise, pro: s.pro, alpha: s.alpha, adaptive: s.adaptive };
}

let nextId = 1;

export class Attachment {
  readonly id = nextId++;
  private state: VideoState = 'starting';
  private code?: string;
  private reason?: string;
  private upscaler?: VideoUpscaler;
  private overlay?: Overlay;
  private captions?: CaptionLayer;
  private holdsDevice = false;
  private lastStats?: UpscaleStats;
  private generation = 0;
  private restarts = 0;
  private source = '';
  /** GPU bytes still counted by upscalers this attachment destroyed (0 unless something leaked). */
  leakedBytes = 0;

  constructor(
    readonly video: HTMLVideoElement,
    private readonly ctx: AttachmentContext,
  ) {
    video.addEventListener('encrypted', this.onEncrypted);
    video.addEventListener('loadstart', this.onLoadStart);
    video.addEventListener('loadedmetadata', this.onMetadata);
    void this.start();
  }

  /** Canvases and caption layers of ours in the DOM now (for the report). */
  get overlays(): number {
    return (this.overlay?.canvas.isConnected ? 1 : 0) + (this.captions?.element.isConnected ? 1 : 0);
  }

  get gpuBytes(): number {
    return (this.upscaler?.stats.gpuBytes ?? 0) + this.leakedBytes;
  }

  /** Re-checks the canvas's place now (after DOM changes seen by the page's observer). */
  follow(): void {
    this.overlay?.follow();
  }

  async applySettings(s: FilterSettings, adaptiveChanged: boolean): Promise<void> {
    if (!this.upscaler) return;
    if (adaptiveChanged) return this.restart();
    await this.upscaler.setOptions(upscaleOptions(s)).catch(() => undefined); // failures arrive as 'error'
  }

  report(): VideoReport {
    const s = this.upscaler ? (this.lastStats ?? this.upscaler.stats) : undefined;
    const v = this.video;
    return {
      id: this.id,
      state: this.state,
      ...(this.code ? { code: this.code } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
      sourceWidth: s?.sourceWidth || v.videoWidth,
      sourceHeight: s?.sourceHeight || v.videoHeight,
      outputWidth: s?.outputWidth ?? 0,
      outputHeight: s?.outputHeight ?? 0,
      fps: s?.fps ?? 0,
      videoFps: s?.videoFps ?? 0,
      gpuMs: s?.gpuMs ?? 0,
      model: s?.model ?? '',
      adapter: s?.adapter ?? '',
      gpuBytes: this.gpuBytes,
      frames: s?.frames ?? 0,
      playing: !v.paused && !v.ended,
    };
  }

  destroy(): void {
    this.generation++;
    this.video.removeEventListener('encrypted', this.onEncrypted);
    this.video.removeEventListener('loadstart', this.onLoadStart);
    this.video.removeEventListener('loadedmetadata', this.onMetadata);
    this.dispose();
  }

  // ---------------------------------------------------------------- lifecycle

  private async start(): Promise<void> {
    const gen = ++this.generation;
    const v = this.video;
    this.source = v.currentSrc;
    if (v.mediaKeys) return this.refuse('ENCRYPTED');
    if (v.readyState < HTMLMediaElement.HAVE_METADATA || !v.videoWidth) return this.set('starting'); // onMetadata goes on
    const support = await this.ctx.support;
    if (gen !== this.generation) return;
    if (!support.ok) return this.refuse('NO_WEBGPU', support.error.message);
    let device: GPUDevice;
    this.holdsDevice = true;
    try {
      device = await this.ctx.pool.acquire();
    } catch (e) {
      this.dispose();
      return this.refuse('NO_WEBGPU', (e as Error).message);
    }
    if (gen !== this.generation) return;
    this.overlay = new Overlay(v, this.onBareFullscreen);
    // The caption layer places itself right after a `.cugan-canvas`: above our picture. It draws
    // the <track>s the browser would draw inside the video (switched to 'hidden' meanwhile).
    this.captions = new CaptionLayer(v);
    this.overlay.adopt(this.captions.element);
    const upscaler = new VideoUpscaler(v, this.overlay.canvas, {
      ...upscaleOptions(this.ctx.settings()),
      device,
      modelBaseUrl: this.ctx.modelBaseUrl,
      modelDType: 'f16',
    });
    this.upscaler = upscaler;
    upscaler.addEventListener('upscale:enabled', () => this.set('on'));
    upscaler.addEventListener('upscale:stats', (e) => {
      this.lastStats = e.detail;
      this.ctx.changed();
    });
    upscaler.addEventListener('upscale:error', (e) => this.onError(e.detail.error));
    upscaler.addEventListener('upscale:disabled', (e) => {
      if (e.detail.reason === 'adaptive') this.set('paused', 'ADAPTIVE_OFF', 'adaptive quality: no setting keeps up on this GPU, so the plain video shows');
    });
    this.set('starting');
    await upscaler.enable().catch(() => undefined); // failures arrive as 'error' events
  }

  private async restart(): Promise<void> {
    this.dispose();
    await this.start();
  }

  private onError(error: CuganError): void {
    if (error.code === 'DEVICE_LOST') {
      // Our shared device: the library does not replace a device it was given. We do.
      if (this.restarts++ < MAX_RESTARTS) void this.restart();
      else this.fail(error.code, error.message);
      return;
    }
    if (error.code === 'MEDIA_ERROR') return this.set('error', error.code, error.message); // resumes with the next frame
    if (REFUSALS.has(error.code)) this.refuse(error.code, error.message);
    else this.fail(error.code, error.message);
  }

  /** Frees everything of ours: the upscaler's GPU objects, the canvas, the caption layer, the device share. */
  private dispose(): void {
    if (this.upscaler) {
      this.upscaler.destroy();
      this.leakedBytes += this.upscaler.stats.gpuBytes; // 0 unless destroy() missed something
      this.upscaler = undefined;
    }
    this.lastStats = undefined;
    this.captions?.destroy();
    this.captions = undefined;
    this.overlay?.destroy();
    this.overlay = undefined;
    if (this.holdsDevice) this.ctx.pool.release();
    this.holdsDevice = false;
  }

  private refuse(code: string, message?: string): void {
    this.dispose();
    this.set('refused', code, describe(code, message).line);
  }

  private fail(code: string, message: string): void {
    this.dispose();
    this.set('error', code, describe(code, message).line);
  }

  private set(state: VideoState, code?: string, reason?: string): void {
    this.state = state;
    this.code = code;
    this.reason = reason;
    this.ctx.changed();
  }

  // ---------------------------------------------------------------- video events

  private readonly onEncrypted = (): void => {
    this.generation++;
    this.refuse('ENCRYPTED');
  };

  private readonly onMetadata = (): void => {
    if (this.state === 'starting' && !this.upscaler) void this.start();
  };

  private readonly onLoadStart = (): void => {
    if (this.video.currentSrc === this.source) return;
    this.restarts = 0;
    void this.restart();
  };

  private readonly onBareFullscreen = (on: boolean): void => {
    if (!this.upscaler) return;
    if (on) {
      this.upscaler.disable();
      this.set('paused', 'FULLSCREEN_VIDEO', describe('FULLSCREEN_VIDEO').line);
    } else {
      this.set('starting');
      void this.upscaler.enable().catch(() => undefined);
    }
  };
}
