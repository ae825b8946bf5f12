// Upscaled fps of the real player path (hls.js + attachUpscaler) in headless Chromium, on the
// test stream: `node --import tsx bench/video-fps.ts [seconds] [level] [WxH]`.
// Level 2 of master-large.m3u8 is 320x180 (node scripts/build-test-stream.mjs --large).
// Writes a screenshot of the player to test/.tmp/video-fps.png. Prints one JSON line.
import { mkdirSync } from 'node:fs';
import { launchBrowser, openPage } from '../test/helpers/browser.js';
import { startVite } from '../test/helpers/vite.js';

const seconds = Number(process.argv[2] ?? 60);
const level = Number(process.argv[3] ?? 2);
const size = process.argv[4] ?? '640x360';
const vite = await startVite();
const b = await launchBrowser({ width: 700, height: 420 });
try {
  const src = encodeURIComponent('/test/.media/hls/master-large.m3u8');
  const page = await openPage(b, `${vite.url}/test/e2e/pages/hls.html?src=${src}&level=${level}&size=${size}`, { timeout: 600_000 });
  await page.waitForFunction('window.cugan && window.cugan.ctl.stats.frames >= 1', { timeout: 600_000, polling: 500 });
  const start = (await page.evaluate('({ frames: window.cugan.ctl.stats.frames, t: performance.now(), dropped: window.cugan.ctl.stats.dropped })')) as { frames: number; t: number; dropped: number };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const end = (await page.evaluate('({ s: window.cugan.ctl.stats, t: performance.now() })')) as { s: Record<string, number | string>; t: number };
  mkdirSync('test/.tmp', { recursive: true });
  await page.screenshot({ path: 'test/.tmp/video-fps.png' });
  const frames = (end.s.frames as number) - start.frames;
  console.log(JSON.stringify({
    source: `${end.s.sourceWidth}x${end.s.sourceHeight}`, output: `${end.s.outputWidth}x${end.s.outputHeight}`, model: end.s.model,
    seconds: (end.t - start.t) / 1000, frames, fps: frames / ((end.t - start.t) / 1000), lastGpuMs: end.s.gpuMs,
    dropped: (end.s.dropped as number) - start.dropped, adapter: end.s.adapter,
  }));
} finally {
  await b.close();
  await vite.close();
}
