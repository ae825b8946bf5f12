// Test page: plain hls.js (no video.js) with attachUpscaler. Query parameters:
//   src=URL      an HLS playlist (default: the test stream) or a plain video file
//   enabled=0    attach without starting the filter
//   cors=0       load the video without the crossorigin attribute (a tainted source)
//   size=WxH     the player's CSS size (default 192x108)
//   level=N      the hls.js level to play (default 0)
//   timing=1     per-stage GPU times (timestamp queries) in the stats
//   reuse=0      no frame reuse (every frame runs the network); reuse=exact: only bit-identical frames
//   adaptive=1   adaptive quality (steps down, and off, when frames do not keep up)
//   rate=R       playback rate (the benchmark slows the clip so that every frame is processed)
//   models=URL, timeoutMs=N, scale=S   options passed as given (see below)
import Hls from 'hls.js';
import { attachUpscaler } from '../../../src/player-plugin/hls.js';
import { createUpscaler } from '../../../src/runtime/upscaler.js';

const params = new URLSearchParams(location.search);
// Counts every attempt to read a frame's pixels into WebGPU (tests of origin-clean rules).
const frameReads = { importExternalTexture: 0, copyExternalImageToTexture: 0 };
const gpuClasses = typeof GPUDevice === 'undefined' ? [] : ([[GPUDevice.prototype, 'importExternalTexture'], [GPUQueue.prototype, 'copyExternalImageToTexture']] as const);
for (const [proto, name] of gpuClasses) {
  const original = (proto as any)[name] as (...a: unknown[]) => unknown;
  (proto as any)[name] = function (this: unknown, ...args: unknown[]) {
    frameReads[name]++;
    return original.apply(this, args);
  };
}
const src = params.get('src') ?? '/test/.media/hls/master.m3u8';
const video = document.getElementById('video') as HTMLVideoElement;
if (params.get('cors') === '0') video.removeAttribute('crossorigin');
video.loop = true; // the clip is short; frames take seconds on SwiftShader
const size = /^(\d+)x(\d+)$/.exec(params.get('size') ?? '');
if (size) {
  for (const el of [video, document.getElementById('wrap')!]) Object.assign(el.style, { width: `${size[1]}px`, height: `${size[2]}px` });
}

let hls: Hls | undefined;
if (src.endsWith('.m3u8')) {
  hls = new Hls({ renderTextTracksNatively: false, startLevel: 0, capLevelToPlayerSize: false, abrEwmaDefaultEstimate: 1 });
  hls.loadSource(src);
  hls.attachMedia(video);
  // Stay on the 96x54 level until a test switches (manual level: no ABR switch of its own).
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    hls!.loadLevel = Number(params.get('level') ?? 0);
  });
} else {
  video.src = src;
}

// Each event with when it came (performance.now()), whether the canvas was showing then, and the
// conv kernels frames ran on then (`tuned` says which it switched to).
const events: Array<{ type: string; code?: string; model?: string; kernels?: string; kernelsByClass?: Record<string, string>; sourceWidth?: number; message?: string; tier?: string; reason?: string; t: number; canvas: string }> = [];
// models=URL: modelBaseUrl; timeoutMs=N: modelTimeoutMs; scale=S: the scale option as given
// (a string: a wrong type, for the bad-option test).
const ctl = attachUpscaler(video, hls, {
  scale: (params.get('scale') ?? 2) as 2,
  enabled: params.get('enabled') !== '0',
  timing: params.get('timing') === '1',
  reuseFrames: params.get('reuse') === '0' ? false : params.get('reuse') === 'exact' ? 'exact' : true,
  adaptive: params.get('adaptive') === '1',
  ...(params.get('models') ? { modelBaseUrl: params.get('models')! } : {}),
  ...(params.get('timeoutMs') ? { modelTimeoutMs: Number(params.get('timeoutMs')) } : {}),
});
if (params.get('rate')) video.playbackRate = Number(params.get('rate'));
for (const type of ['upscale:enabled', 'upscale:disabled', 'upscale:error', 'upscale:stats', 'upscale:tier', 'upscale:warning', 'upscale:tuned']) {
  ctl.addEventListener(type, (e) => {
    const d = (e as CustomEvent).detail ?? {};
    const canvas = getComputedStyle(ctl.overlay.canvas).visibility;
    events.push({ type, code: d.error?.code, message: d.error?.message ?? d.message, model: d.model, kernels: d.kernels ?? ctl.stats.kernels, kernelsByClass: d.kernelsByClass, sourceWidth: d.sourceWidth, tier: d.tier, reason: d.reason, t: performance.now(), canvas });
  });
}
void video.play();

/**
 * Pauses, redraws the current frame, hides the captions, and returns what the still-image
 * runtime computes for the same frame, plus where the canvas is (the test screenshots it: the
 * composited page is what a viewer sees).
 */
async function stillOfCurrentFrame(): Promise<{ width: number; height: number; data: number[]; rect: { x: number; y: number; width: number; height: number } }> {
  video.pause();
  await ctl.upscaler.renderCurrentFrame();
  if (ctl.captions) ctl.captions.element.style.visibility = 'hidden';
  const still = await createUpscaler({ model: ctl.stats.model, device: (ctl.upscaler as unknown as { device: GPUDevice }).device });
  await still.upscale(video);
  const ref = await still.readImageData();
  still.destroy();
  const r = ctl.overlay.canvas.getBoundingClientRect();
  return { width: ref.width, height: ref.height, data: Array.from(ref.data), rect: { x: r.x, y: r.y, width: r.width, height: r.height } };
}

Object.assign(window, { cugan: { ctl, video, hls, events, stillOfCurrentFrame, Hls, frameReads } });
