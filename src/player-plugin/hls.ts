// hls.js without video.js: attachUpscaler(video, hls, options). hls.js is not bundled: only its
// event names are used. For crisp subtitles above the canvas, create hls.js with
// `renderTextTracksNatively: false`; native tracks (a <track>, or hls.js's own) are adopted too.

import type { VideoUpscaleOptions } from '../runtime/options.js';
import type { EventMapOf, UpscaleEventDetails } from '../runtime/video/events.js';
import { CaptionLayer, type Cue } from './captions.js';
import { UpscaleController } from './controller.js';

/** The part of an hls.js instance we use. */
export interface HlsLike {
  on(event: string, listener: (event: string, data: any) => void): void;
  off(event: string, listener: (event: string, data: any) => void): void;
  subtitleTrack?: number;
}

// hls.js Events values (stable strings), so hls.js need not be imported.
const HLS = {
  CUES_PARSED: 'hlsCuesParsed',
  NON_NATIVE_TEXT_TRACKS_FOUND: 'hlsNonNativeTextTracksFound',
  SUBTITLE_TRACK_SWITCH: 'hlsSubtitleTrackSwitch',
  LEVEL_SWITCHED: 'hlsLevelSwitched',
  ERROR: 'hlsError',
} as const;

/** What hls.js reports with a fatal error (its ErrorData; only these fields are read here). */
export interface HlsErrorData {
  fatal?: boolean;
  type?: string;
  details?: string;
  [key: string]: unknown;
}

/** The upscale events, and `upscale:hls-error` (a fatal hls.js error). */
export interface HlsUpscaleEventDetails extends UpscaleEventDetails {
  'upscale:hls-error': HlsErrorData;
}

export type HlsUpscaleEventMap = EventMapOf<HlsUpscaleEventDetails>;

export interface AttachOptions extends VideoUpscaleOptions {
  /** Draw subtitles in our caption layer above the canvas (default true). */
  captions?: boolean;
}

export class HlsUpscaleController extends UpscaleController<HlsUpscaleEventDetails> {
  readonly captions?: CaptionLayer;
  private readonly hls?: HlsLike;
  private readonly listeners: Array<[string, (e: string, d: any) => void]> = [];

  constructor(video: HTMLVideoElement, hls: HlsLike | undefined, options: AttachOptions = {}) {
    const { captions = true, ...rest } = options;
    super(video, rest);
    this.hls = hls;
    if (captions) this.captions = new CaptionLayer(video);
    if (!hls) return;
    // hls.js names a subtitle track's cues 'default' (the default track) or 'subtitles<index>'.
    const trackIds: string[] = [];
    this.listen(HLS.NON_NATIVE_TEXT_TRACKS_FOUND, (_e, data: { tracks: Array<{ label: string; default?: boolean }> }) => {
      data.tracks.forEach((t, i) => (trackIds[i] = t.default ? 'default' : `subtitles${i}`));
      const def = data.tracks.findIndex((t) => t.default);
      this.captions?.setActiveTrack(trackIds[def >= 0 ? def : 0] ?? null);
    });
    this.listen(HLS.CUES_PARSED, (_e, data: { track: string; cues: Cue[] }) => {
      this.captions?.addCues(data.track, data.cues);
    });
    this.listen(HLS.SUBTITLE_TRACK_SWITCH, (_e, data: { id: number }) => {
      this.captions?.setActiveTrack(data.id >= 0 ? (trackIds[data.id] ?? String(data.id)) : null);
    });
    // A level switch changes videoWidth/Height; the frame path sees that on the next frame.
    this.listen(HLS.ERROR, (_e, data: HlsErrorData) => {
      if (data?.fatal) this.emit('upscale:hls-error', data);
    });
  }

  override destroy(): void {
    for (const [ev, fn] of this.listeners) this.hls?.off(ev, fn);
    this.captions?.destroy();
    super.destroy();
  }

  private listen(event: string, fn: (e: string, d: any) => void): void {
    this.hls!.on(event, fn);
    this.listeners.push([event, fn]);
  }
}

/**
 * Upscales a <video> played by hls.js (or by anything else: `hls` is optional). Starts enabled
 * unless `enabled: false`; failures never stop the video (see `upscale:error`).
 */
export function attachUpscaler(video: HTMLVideoElement, hls?: HlsLike, options: AttachOptions = {}): HlsUpscaleController {
  const c = new HlsUpscaleController(video, hls, options);
  if (options.enabled !== false) void c.enable();
  return c;
}
