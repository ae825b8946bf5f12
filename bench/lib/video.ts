// The real player path (--video): hls.js + attachUpscaler on the large test stream (level 2 =
// 320x180, `node scripts/build-test-stream.mjs --large`) in a 640x360 player, for `seconds`:
// upscaled fps and dropped frames as the player's stats count them. Writes a screenshot.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestBrowser } from '../../test/helpers/browser.js';
import { openPage } from '../../test/helpers/browser.js';
import { ROOT } from '../../test/helpers/vite.js';
import { findModel } from '../../src/runtime/model/architecture.js';
import { buildGraph } from '../../src/runtime/plan/graph.js';
import type { SpeedRecord } from './records.js';

/** The page's filter runs on the tuned kernels and has shown a frame. */
const TUNED_AND_SHOWING = "window.cugan && window.cugan.events.some((e) => e.type === 'upscale:tuned') && window.cugan.ctl.stats.frames >= 1";

export async function measurePlayer(b: TestBrowser, url: string, seconds: number, adapter: string, peak: number, screenshot: string): Promise<SpeedRecord> {
  if (!existsSync(join(ROOT, 'test', '.media', 'hls', 'master-large.m3u8'))) {
    throw new Error('no large test stream: run node scripts/build-test-stream.mjs --large');
  }
  const src = encodeURIComponent('/test/.media/hls/master-large.m3u8');
  const page = await openPage(b, `${url}/test/e2e/pages/hls.html?src=${src}&level=2&size=640x360`, { timeout: 600_000 });
  try {
    // Measured on the tuned kernels: after the quick start's switch (`upscale:tuned`).
    await page.waitForFunction(TUNED_AND_SHOWING, { timeout: 600_000, polling: 500 });
    const start = (await page.evaluate('({ frames: window.cugan.ctl.stats.frames, t: performance.now(), dropped: window.cugan.ctl.stats.dropped })')) as { frames: number; t: number; dropped: number };
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const end = (await page.evaluate('({ s: window.cugan.ctl.stats, t: performance.now() })')) as { s: Record<string, number | string>; t: number };
    await page.screenshot({ path: screenshot });
    const frames = (end.s.frames as number) - start.frames;
    const secs = (end.t - start.t) / 1000;
    const fps = frames / secs;
    const w = end.s.sourceWidth as number;
    const h = end.s.sourceHeight as number;
    const variant = findModel(String(end.s.model));
    const gmac = variant && w > 0 && h > 0 ? buildGraph(variant, w, h).macs / 1e9 : 0;
    return {
      impl: 'ours-player', model: String(end.s.model), width: w, height: h,
      ms_median: frames ? 1000 / fps : NaN, ms_p90: NaN, fps, gmac, gflops: gmac ? 2 * gmac * fps : 0,
      peak_gflops: peak, pct_peak: gmac ? (200 * gmac * fps) / peak : 0, adapter,
      frames, warmup: start.frames, dropped: (end.s.dropped as number) - start.dropped, seconds: secs,
      note: `hls.js + attachUpscaler, ${end.s.outputWidth}x${end.s.outputHeight} canvas, ${(end.s.dropped as number) - start.dropped} frames dropped in ${secs.toFixed(0)} s`,
    };
  } finally {
    await page.close();
  }
}

export interface ReuseMeasurement {
  reuse: boolean;
  frames: number;
  /** Frames run through the network (the rest re-showed the last output). */
  computed: number;
  /** Mean GPU ms per shown frame (timestamp queries, every stage). */
  gpuMsPerFrame: number;
  source: string;
}

/**
 * GPU work per shown frame on the demo clip, with and without frame reuse: the clip (96x54
 * level, drawn on twos at 24 fps) is stepped frame by frame while paused, so every frame is
 * processed exactly once even where the GPU is slow.
 */
export async function measureReuse(b: TestBrowser, url: string, frames: number, reuse: boolean): Promise<ReuseMeasurement> {
  const page = await openPage(b, `${url}/test/e2e/pages/hls.html?timing=1&reuse=${reuse ? 1 : 0}`, { timeout: 600_000 });
  try {
    await page.waitForFunction(TUNED_AND_SHOWING, { timeout: 600_000, polling: 200 });
    // Each seek presents a new frame, which the frame scheduler processes once (while paused
    // too); the loop waits for that frame's timing readback before stepping on.
    const result = await page.evaluate(`(async () => {
      const { ctl, video } = window.cugan;
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const timed = () => ctl.stats.timedFrames ?? 0;
      video.pause();
      const step = async (t) => {
        const n = timed();
        await new Promise((ok) => { video.addEventListener('seeked', ok, { once: true }); video.currentTime = t; });
        const t0 = performance.now();
        while (timed() < n + 1) {
          if (performance.now() - t0 > 120000) throw new Error('no frame processed after seeking to ' + t);
          await sleep(20);
        }
        await sleep(50);
      };
      await step(0.5 / 24);
      const s0 = ctl.stats;
      const r0 = s0.reuse ?? { frames: 0, computed: 0 };
      const ms0 = (s0.gpuMsPerFrame ?? 0) * (s0.timedFrames ?? 0);
      for (let i = 1; i <= ${frames}; i++) await step((i + 0.5) / 24);
      const s1 = ctl.stats;
      const r1 = s1.reuse ?? { frames: 0, computed: 0 };
      return {
        frames: s1.timedFrames - s0.timedFrames,
        computed: ${reuse} ? r1.computed - r0.computed : s1.timedFrames - s0.timedFrames,
        gpuMsPerFrame: (s1.gpuMsPerFrame * s1.timedFrames - ms0) / (s1.timedFrames - s0.timedFrames),
        source: s1.sourceWidth + 'x' + s1.sourceHeight,
      };
    })()`);
    return { reuse, ...(result as Omit<ReuseMeasurement, 'reuse'>) };
  } finally {
    await page.close();
  }
}
