// The infrastructure smoke page: plays the HLS test stream with hls.js in a muted autoplaying
// <video> and asks WebGPU for an adapter. Everything the test checks is on `window.smoke`.
import Hls from 'hls.js';

export interface SmokeState {
  /** `'gpu' in navigator`. */
  hasGpuApi: boolean;
  /** The adapter's info, or null when there is no API or requestAdapter() gave null. */
  adapter: { vendor: string; architecture: string; device: string; description: string; features: string[] } | null;
  /** Set once the adapter question is answered. */
  adapterDone: boolean;
  hlsSupported: boolean;
  /** hls.js levels after MANIFEST_PARSED. */
  levels: { width: number; height: number; bitrate: number; codecs: string }[];
  subtitleTracks: string[];
  /** Errors hls.js reported (fatal ones first in importance; all kept). */
  hlsErrors: string[];
  /** The text tracks of the video and their loaded cues. */
  textTracks(): { label: string; mode: string; cues: [number, number, string][] }[];
}

declare global {
  interface Window {
    smoke: SmokeState;
    hls?: Hls;
  }
}

const video = document.getElementById('video') as HTMLVideoElement;
const src = new URLSearchParams(location.search).get('src') ?? '/test/.media/hls/master.m3u8';

const state: SmokeState = {
  hasGpuApi: 'gpu' in navigator,
  adapter: null,
  adapterDone: false,
  hlsSupported: Hls.isSupported(),
  levels: [],
  subtitleTracks: [],
  hlsErrors: [],
  textTracks: () =>
    Array.from(video.textTracks, (t) => ({
      label: t.label,
      mode: t.mode,
      cues: Array.from(t.cues ?? [], (c): [number, number, string] => [c.startTime, c.endTime, (c as VTTCue).text]),
    })),
};
window.smoke = state;

async function probeWebGPU(): Promise<void> {
  try {
    const adapter = state.hasGpuApi ? await navigator.gpu.requestAdapter() : null;
    if (adapter) {
      const { vendor, architecture, device, description } = adapter.info;
      state.adapter = { vendor, architecture, device, description, features: [...adapter.features].map(String).sort() };
    }
  } catch (e) {
    console.error('requestAdapter failed:', e);
  } finally {
    state.adapterDone = true;
  }
}

function play(): void {
  if (!Hls.isSupported()) {
    console.error('hls.js: MediaSource is not supported here');
    return;
  }
  const hls = new Hls({ debug: false });
  window.hls = hls;
  hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
    state.levels = data.levels.map((l) => ({ width: l.width, height: l.height, bitrate: l.bitrate, codecs: l.videoCodec ?? '' }));
    video.play().catch((e: unknown) => console.error('video.play() failed:', e));
  });
  // hls.js lists the subtitle tracks of the current level's group once that level is loaded.
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_event, data) => {
    state.subtitleTracks = data.subtitleTracks.map((t) => t.name);
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    const text = `${data.fatal ? 'fatal ' : ''}${data.type}/${data.details}${data.error ? `: ${data.error.message}` : ''}`;
    state.hlsErrors.push(text);
    console.warn('hls.js error:', text);
  });
  hls.loadSource(src);
  hls.attachMedia(video);
}

void probeWebGPU();
play();
