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

export async function measurePlayer(b: TestBrowser, url: string, seconds: number, adapter: string, peak: number, screenshot: string): Promise<SpeedRecord> {
  if (!existsSync(join(ROOT, 'test', '.media', 'hls', 'master-large.m3u8'))) {
    throw new Error('no large test stream: run node scripts/build-test-stream.mjs --large');
  }
  const src = encodeURIComponent('/test/.media/hls/master-large.m3u8');
  const page = await openPage(b, `${url}/test/e2e/pages/hls.html?src=${src}&level=2&size=640x360`, { timeout: 600_000 });
  try {
    await page.waitForFunction('window.cugan && window.cugan.ctl.stats.frames >= 1', { timeout: 600_000, polling: 500 });
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
