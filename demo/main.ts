// The demo page: a video.js player with hls.js on the local multi-rendition HLS test stream (WebVTT
// subtitles drawn by video.js above the upscaled canvas), the upscale plugin's toggle and menu,
// page-level settings, a split view (left: the <video> as the browser scales it; right: the
// Real-CUGAN canvas, clipped), a 2x zoom and live stats with a sparkline.
// Query parameters: src=URL (another source), upscale=0 (start with the filter off),
// maxWidth=N (keep hls.js on renditions at most N pixels wide, e.g. 96 on a software adapter).
// On a fallback (software) WebGPU adapter the page starts at 2x, the cheapest Real-CUGAN scale,
// instead of scale 'auto' (unless the viewer chose a scale before), and the picture says how far
// the upscaled frame is behind the video (lag-label.ts).
import Hls from 'hls.js';
import videojsModule from 'video.js';
import 'video.js/dist/video-js.css';
import './style.css';
import { registerUpscalePlugin, type UpscalePlayer } from '../src/player-plugin/videojs/plugin.js';
import { loadChoices } from '../src/player-plugin/videojs/storage.js';
import { videojsFunction } from '../src/player-plugin/videojs/vjs-types.js';
import type { Denoise, ScaleChoice, UpscaleStats } from '../src/runtime/video/types.js';
import type { CuganError } from '../src/runtime/errors.js';
import { LagLabel } from './lag-label.js';

const videojs = videojsFunction(videojsModule);
const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const TEST_STREAM = new URL('./media/master.m3u8', location.href).href;
const MODEL_BASE_URL = new URL('./models/', location.href).href;

// ------------------------------------------------------------------ WebGPU check

const errorLine = $<HTMLParagraphElement>('error');
function showError(message: string): void {
  errorLine.textContent = message;
  errorLine.hidden = !message;
}

const banner = $<HTMLDivElement>('webgpu-status');
const HOW_TO =
  'Use a browser with WebGPU (Chrome or Edge 113+, Safari 26, Firefox 141+ on Windows) and turn on ' +
  'hardware acceleration in its settings. The plain video below still plays.';
/**
 * Whether WebGPU works here, and whether its adapter is a fallback one: a CPU implementation
 * such as SwiftShader, llvmpipe or WARP (`GPUAdapterInfo.isFallbackAdapter`, which Dawn sets for
 * every CPU adapter), where one 2x frame of a 96x54 source takes a second or more.
 */
async function checkWebGPU(): Promise<{ ok: boolean; fallback: boolean }> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  let problem = '';
  let fallback = false;
  if (!gpu) problem = 'This browser has no WebGPU.';
  else {
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) problem = 'WebGPU is present, but no GPU adapter is available.';
      else fallback = !!((adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
    } catch (e) {
      problem = `WebGPU failed: ${e instanceof Error ? e.message : String(e)}.`;
    }
  }
  if (problem) {
    banner.textContent = `${problem} ${HOW_TO}`;
    banner.classList.add('warn');
    banner.hidden = false;
    document.body.classList.add('no-webgpu');
  }
  return { ok: !problem, fallback };
}
const webgpu = checkWebGPU();

// ------------------------------------------------------------------ player

registerUpscalePlugin(videojs);
const player = videojs('player', {
  fluid: true,
  aspectRatio: '16:9',
  inactivityTimeout: 0, // keep the control bar (HD↑ toggle, settings) visible
  html5: { nativeTextTracks: false },
}) as UpscalePlayer;

const maxWidth = Number(params.get('maxWidth') ?? 0);

// HLS plays through hls.js attached to video.js's own <video> (video.js keeps the UI and reads
// the media events). Its subtitles reach video.js as cues of remote text tracks, which video.js
// draws in its text-track display above the upscaled canvas (nativeTextTracks: false).
let hls: Hls | undefined;
function loadHls(src: string): void {
  const video = player.tech({ IWillNotUseThisInPlugins: true }).el() as HTMLVideoElement;
  const h = new Hls({ renderTextTracksNatively: false, capLevelToPlayerSize: true });
  hls = h;
  const tracks = new Map<string, TextTrack>();
  h.on(Hls.Events.NON_NATIVE_TEXT_TRACKS_FOUND, (_e, data) => {
    data.tracks.forEach((t, i) => {
      // hls.js names the default track's cues 'default', the others 'subtitles<index>'.
      const id = t.default ? 'default' : `subtitles${i}`;
      if (tracks.has(id)) return;
      const el = player.addRemoteTextTrack({ kind: 'subtitles', label: t.label, default: !!t.default }, false) as unknown as { track: TextTrack };
      el.track.mode = t.default ? 'showing' : 'disabled';
      tracks.set(id, el.track);
    });
  });
  h.on(Hls.Events.CUES_PARSED, (_e, data) => {
    const track = tracks.get(data.track);
    for (const c of data.cues) track?.addCue(new VTTCue(c.startTime, c.endTime, c.text));
  });
  if (maxWidth > 0) {
    // On a software adapter: stay on renditions at most maxWidth wide (manual level, no ABR).
    h.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      const fitting = data.levels.map((l, i) => ({ w: l.width, i })).filter((l) => l.w <= maxWidth);
      h.loadLevel = fitting.sort((a, b) => b.w - a.w)[0]?.i ?? 0;
    });
  }
  h.on(Hls.Events.ERROR, (_e, data) => {
    // The test stream is built by `npm run demo` with ffmpeg; say so when it is not there.
    if (data.fatal && src === TEST_STREAM && data.response?.code === 404) {
      showError('The test stream is missing: `npm run demo` builds it with ffmpeg (install ffmpeg, then start the demo again), or load another URL below.');
    }
  });
  h.loadSource(src);
  h.attachMedia(video);
}

function load(src: string): void {
  hls?.destroy();
  hls = undefined;
  for (const t of Array.from(player.remoteTextTracks() as unknown as ArrayLike<TextTrack>)) player.removeRemoteTextTrack(t as never);
  if (/\.m3u8(\?|#|$)/i.test(src) && Hls.isSupported()) loadHls(src);
  else player.src({ src, type: /\.m3u8(\?|#|$)/i.test(src) ? 'application/x-mpegURL' : 'video/mp4' });
  void player.play()?.catch(() => undefined);
}
load(params.get('src') ?? TEST_STREAM);

// On a fallback adapter: 2x (the cheapest scale), not 'auto' (which picks 3x or 4x to fill a
// large player, several times the work), unless the viewer has chosen a scale before.
const { fallback } = await webgpu;
const startAt2x = fallback && loadChoices('cugan-webgpu').scale === undefined;
const plugin = player.upscale({
  modelBaseUrl: MODEL_BASE_URL,
  timing: true, // per-stage GPU times from timestamp queries, where the adapter has them
  ...(startAt2x ? { scale: 2 } : {}),
  ...(params.get('upscale') === '0' ? { enabled: false } : {}),
});
if (fallback) {
  const note = $<HTMLParagraphElement>('adapter-note');
  note.textContent =
    `A software WebGPU adapter (no GPU): every frame takes seconds${startAt2x ? ', so this page starts at 2x, the cheapest scale' : ''}. ` +
    'Add ?maxWidth=96 to the URL to keep to the smallest rendition.';
  note.hidden = false;
}

// ------------------------------------------------------------------ source field

const urlInput = $<HTMLInputElement>('source-url');
$<HTMLFormElement>('source-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (urlInput.value.trim()) load(urlInput.value.trim());
});
$<HTMLButtonElement>('source-reset').addEventListener('click', () => {
  urlInput.value = '';
  load(TEST_STREAM);
});

// ------------------------------------------------------------------ settings

player.on('upscale:error', (_e: unknown, d: { error: CuganError }) => showError(`${d.error.code}: ${d.error.message}`));
player.on('upscale:enabled', () => showError(''));

const scaleSel = $<HTMLSelectElement>('opt-scale');
const denoiseSel = $<HTMLSelectElement>('opt-denoise');
const proBox = $<HTMLInputElement>('opt-pro');
const alphaRange = $<HTMLInputElement>('opt-alpha');
const alphaOut = $<HTMLOutputElement>('opt-alpha-value');

/** Shows the plugin's current choices (they may come from localStorage or the player's menu). */
function syncSettings(): void {
  const c = plugin.choices;
  if (document.activeElement !== scaleSel) scaleSel.value = String(c.scale);
  if (document.activeElement !== denoiseSel) denoiseSel.value = c.denoise;
  proBox.checked = c.pro;
  if (document.activeElement !== alphaRange) alphaRange.value = String(c.alpha);
  alphaOut.textContent = c.alpha.toFixed(2);
}
syncSettings();

async function apply(options: Parameters<typeof plugin.setOptions>[0]): Promise<void> {
  try {
    await plugin.setOptions(options);
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
  }
  syncSettings();
}
scaleSel.addEventListener('change', () => {
  const v = scaleSel.value;
  void apply({ scale: (v === 'auto' ? 'auto' : Number(v)) as ScaleChoice });
});
denoiseSel.addEventListener('change', () => void apply({ denoise: denoiseSel.value as Denoise }));
proBox.addEventListener('change', () => void apply({ pro: proBox.checked }));
alphaRange.addEventListener('input', () => (alphaOut.textContent = Number(alphaRange.value).toFixed(2)));
alphaRange.addEventListener('change', () => void apply({ alpha: Number(alphaRange.value) }));
player.on(['upscale:enabled', 'upscale:disabled'], syncSettings);

// ------------------------------------------------------------------ split view

const stage = $<HTMLDivElement>('stage');
const handle = $<HTMLDivElement>('divider-handle');
let split = 50;
function setSplit(percent: number): void {
  split = Math.min(100, Math.max(0, percent));
  stage.style.setProperty('--split', `${split}%`);
  handle.setAttribute('aria-valuenow', String(Math.round(split)));
  handle.setAttribute('aria-valuetext', `${Math.round(split)}% browser scaling, ${Math.round(100 - split)}% Real-CUGAN`);
}
setSplit(50);
function splitAt(clientX: number): void {
  const box = stage.getBoundingClientRect(); // includes the zoom transform
  setSplit(((clientX - box.left) / box.width) * 100);
}
handle.addEventListener('pointerdown', (e) => {
  e.preventDefault();
  handle.setPointerCapture(e.pointerId);
  handle.focus();
  const move = (ev: PointerEvent) => splitAt(ev.clientX);
  const up = () => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', up);
    handle.removeEventListener('pointercancel', up);
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', up);
  handle.addEventListener('pointercancel', up);
});
handle.addEventListener('keydown', (e) => {
  const step = e.shiftKey ? 10 : 2;
  const next: Record<string, number> = { ArrowLeft: split - step, ArrowDown: split - step, ArrowRight: split + step, ArrowUp: split + step, Home: 0, End: 100 };
  if (e.key in next) {
    e.preventDefault();
    e.stopPropagation(); // not the player's seek keys
    setSplit(next[e.key]!);
  }
});

// ------------------------------------------------------------------ zoom

const zoomBox = $<HTMLInputElement>('opt-zoom');
zoomBox.addEventListener('change', () => {
  $<HTMLDivElement>('viewport').classList.toggle('zoomed', zoomBox.checked);
});

// ------------------------------------------------------------------ loupe

// A 3x magnifier of the Real-CUGAN picture under the mouse, drawn by the upscaler itself (a
// WebGPU canvas cannot be read back and re-drawn later, so the loupe is a second view of it).
const LOUPE_ZOOM = 3;
const loupeBox = $<HTMLInputElement>('opt-loupe');
const loupeCanvas = $<HTMLCanvasElement>('loupe');
let loupe: { setRegion(r: { x: number; y: number; w: number; h: number }): void; remove(): void } | undefined;
async function setLoupe(on: boolean): Promise<void> {
  loupe?.remove();
  loupe = undefined;
  loupeCanvas.hidden = true;
  const upscaler = plugin.controller?.upscaler;
  if (!on || !upscaler?.active) return;
  loupe = await upscaler.addLoupe(loupeCanvas);
  placeLoupe();
}
loupeBox.addEventListener('change', () => void setLoupe(loupeBox.checked));
player.on('upscale:enabled', () => void setLoupe(loupeBox.checked));
// The loupe is made asynchronously: remember where the pointer is so it appears there at once.
let pointer: { x: number; y: number } | undefined;
function placeLoupe(): void {
  const video = plugin.controller?.video;
  if (!loupe || !video || !pointer) return;
  const r = video.getBoundingClientRect();
  const fx = (pointer.x - r.left) / r.width;
  const fy = (pointer.y - r.top) / r.height;
  if (fx < 0 || fx > 1 || fy < 0 || fy > 1) {
    loupeCanvas.hidden = true;
    return;
  }
  loupeCanvas.hidden = false;
  loupeCanvas.style.left = `${pointer.x - 90}px`;
  loupeCanvas.style.top = `${pointer.y - 90}px`;
  // 180 CSS px of loupe show 180 / LOUPE_ZOOM CSS px of the player (object-fit fill assumed:
  // the player box has the video's aspect).
  const w = 180 / LOUPE_ZOOM / r.width;
  const h = 180 / LOUPE_ZOOM / r.height;
  loupe.setRegion({ x: fx - w / 2, y: fy - h / 2, w, h });
}
stage.addEventListener('pointermove', (e) => {
  pointer = { x: e.clientX, y: e.clientY };
  placeLoupe();
});
stage.addEventListener('pointerleave', () => {
  pointer = undefined;
  loupeCanvas.hidden = true;
});

// ------------------------------------------------------------------ stats

const history: number[] = [];
const spark = $<HTMLCanvasElement>('sparkline');
function drawSparkline(): void {
  const ctx = spark.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = spark;
  ctx.clearRect(0, 0, w, h);
  if (history.length === 0) return;
  const max = Math.max(...history, 1) * 1.2; // headroom: a steady line sits below the top
  ctx.strokeStyle = '#4fc3f7';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  history.forEach((v, i) => {
    const x = history.length === 1 ? w / 2 : (i / (history.length - 1)) * (w - 4) + 2;
    const y = h - 4 - (v / max) * (h - 16);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
  ctx.fillStyle = '#aaa';
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillText(`last ${history.at(-1)!.toFixed(0)} ms, top ${max.toFixed(0)} ms`, 4, 10);
}
drawSparkline();

const set = (id: string, text: string) => ($<HTMLElement>(id).textContent = text);
player.on('upscale:stats', (_e: unknown, s: UpscaleStats) => {
  set('stat-video-fps', s.videoFps.toFixed(1));
  set('stat-fps', s.fps.toFixed(s.fps < 10 ? 2 : 1));
  set('stat-frames', String(s.frames));
  set('stat-dropped', String(s.dropped));
  set('stat-gpu', s.gpuMs.toFixed(1));
  // A re-shown frame times its skipped passes at ~0: show the last frame that ran the network.
  const st = s.wholeStages;
  set('stat-stages', st
    ? `input ${st.input.toFixed(1)} · UNet1 ${st.unet1.toFixed(0)} · UNet2 ${st.unet2.toFixed(0)} · output ${st.output.toFixed(1)} · present ${st.present.toFixed(1)}`
    : s.stages ? 'waiting for a frame that runs the network' : 'no timestamp-query here');
  const r = s.reuse;
  set('stat-reuse', r
    ? `${r.computed} of ${r.frames} frames ran the whole network${r.regionFrames ? `, ${r.regionFrames} only changed tiles` : ''}, ${r.frames - r.computed - r.regionFrames} re-shown`
    : 'off');
  set('stat-source', `${s.sourceWidth}×${s.sourceHeight}`);
  set('stat-output', `${s.outputWidth}×${s.outputHeight}`);
  set('stat-model', s.model);
  set('stat-adapter', s.adapter);
  if (s.gpuMs > 0) {
    history.push(s.gpuMs);
    if (history.length > 60) history.shift();
  }
  drawSparkline();
  syncSettings();
});

// ------------------------------------------------------------------ lag label

const lag = new LagLabel(
  player.tech({ IWillNotUseThisInPlugins: true }).el() as HTMLVideoElement,
  () => (plugin.controller?.upscaler?.active ? plugin.stats : undefined),
  $<HTMLSpanElement>('lag'),
);
lag.start();

declare global {
  interface Window {
    demo: { player: UpscalePlayer; plugin: typeof plugin; lag: LagLabel };
  }
}
window.demo = { player, plugin, lag };
