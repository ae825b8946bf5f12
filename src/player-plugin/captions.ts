// Subtitles drawn by us, above the upscaling canvas and at display resolution (they never pass
// through the filter). Cues come from the video's text tracks (a <track>, or tracks hls.js
// created natively: switched to 'hidden' so the browser does not draw them under the canvas)
// and from hls.js's non-native cue events (renderTextTracksNatively: false).

import { coverVideo } from './overlay.js';

export interface Cue {
  startTime: number;
  endTime: number;
  text: string;
}

export class CaptionLayer {
  readonly element: HTMLDivElement;
  private readonly video: HTMLVideoElement;
  private readonly tracks = new Map<string, Cue[]>();
  private activeTrack: string | null = null;
  private readonly nativeTracks = new Set<TextTrack>();
  private shown = '';
  private readonly ro?: ResizeObserver;

  constructor(video: HTMLVideoElement, className = 'cugan-captions') {
    this.video = video;
    const el = document.createElement('div');
    el.className = className;
    el.setAttribute('aria-live', 'off');
    Object.assign(el.style, {
      position: 'absolute', pointerEvents: 'none', display: 'flex', flexDirection: 'column',
      justifyContent: 'flex-end', alignItems: 'center', boxSizing: 'border-box', paddingBottom: '5%',
      font: 'bold clamp(12px, 4.5cqh, 36px) sans-serif', containerType: 'size', textAlign: 'center',
    } as Partial<CSSStyleDeclaration>);
    this.element = el;
    // Above the canvas: after it in DOM order (the canvas sits right after the video).
    const canvas = video.nextElementSibling;
    (canvas?.classList.contains('cugan-canvas') ? canvas : video).insertAdjacentElement('afterend', el);
    const place = () => coverVideo(video, el);
    place();
    if (typeof ResizeObserver !== 'undefined') {
      this.ro = new ResizeObserver(place);
      this.ro.observe(video);
    }
    for (const ev of ['timeupdate', 'seeked', 'loadeddata'] as const) video.addEventListener(ev, this.render);
    video.textTracks.addEventListener('addtrack', this.adoptNativeTracks);
    video.textTracks.addEventListener('change', this.adoptNativeTracks);
    this.adoptNativeTracks();
  }

  /** Adds cues of a (non-native) track; the first track given becomes the active one. */
  addCues(trackId: string, cues: Cue[]): void {
    const list = this.tracks.get(trackId) ?? [];
    for (const c of cues) {
      if (!list.some((d) => d.startTime === c.startTime && d.text === c.text)) list.push({ startTime: c.startTime, endTime: c.endTime, text: c.text });
    }
    this.tracks.set(trackId, list);
    if (this.activeTrack === null) this.activeTrack = trackId;
    this.render();
  }

  /** Which non-native track to show (null: none). */
  setActiveTrack(trackId: string | null): void {
    this.activeTrack = trackId;
    this.render();
  }

  /** The text on screen now (for tests and stats). */
  get text(): string {
    return this.shown;
  }

  destroy(): void {
    this.ro?.disconnect();
    for (const ev of ['timeupdate', 'seeked', 'loadeddata'] as const) this.video.removeEventListener(ev, this.render);
    this.video.textTracks.removeEventListener('addtrack', this.adoptNativeTracks);
    this.video.textTracks.removeEventListener('change', this.adoptNativeTracks);
    for (const t of this.nativeTracks) {
      t.removeEventListener('cuechange', this.render);
      if (t.mode === 'hidden') t.mode = 'showing';
    }
    this.element.remove();
  }

  // Tracks the browser would draw itself are drawn by us instead (hidden keeps cue events).
  private readonly adoptNativeTracks = (): void => {
    for (const t of Array.from(this.video.textTracks)) {
      if ((t.kind === 'subtitles' || t.kind === 'captions') && t.mode === 'showing') {
        t.mode = 'hidden';
        if (!this.nativeTracks.has(t)) {
          this.nativeTracks.add(t);
          t.addEventListener('cuechange', this.render);
        }
      }
    }
    this.render();
  };

  private readonly render = (): void => {
    const now = this.video.currentTime;
    const lines: string[] = [];
    for (const t of this.nativeTracks) {
      if (t.mode !== 'hidden' || !t.activeCues) continue;
      for (const c of Array.from(t.activeCues)) lines.push((c as VTTCue).text);
    }
    if (this.activeTrack !== null) {
      for (const c of this.tracks.get(this.activeTrack) ?? []) if (c.startTime <= now && now < c.endTime) lines.push(c.text);
    }
    const text = lines.join('\n');
    if (text === this.shown) return;
    this.shown = text;
    this.element.replaceChildren(
      ...lines.flatMap((l) => l.split('\n')).map((line) => {
        const span = document.createElement('span');
        span.className = 'cugan-cue';
        span.textContent = line.replace(/<[^>]*>/g, '');
        Object.assign(span.style, { background: 'rgba(0,0,0,0.75)', color: '#fff', padding: '0.1em 0.4em', whiteSpace: 'pre-wrap' });
        return span;
      }),
    );
  };
}
