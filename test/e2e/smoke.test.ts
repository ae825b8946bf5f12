// Proves the end-to-end infrastructure: the test stream builds, Vite serves a page that imports
// TypeScript and hls.js plus the raw media, headless Chromium plays the stream and has a
// WebGPU adapter (SwiftShader here), and the no-WebGPU launch really has none.
// Run: bash scripts/gpu-test.sh --browser test/e2e   (see test/e2e/README.md)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { CHROMIUM_PATH, closeAllBrowsers, openPage, withBrowser } from '../helpers/browser.js';
import { startVite, type ViteTestServer } from '../helpers/vite.js';
import type { SmokeState } from './pages/smoke.js';

const skip = existsSync(CHROMIUM_PATH) ? false : `no browser at ${CHROMIUM_PATH} (set PUPPETEER_EXECUTABLE_PATH)`;
if (skip) console.log(`# skipping the e2e smoke tests: ${skip}`);

let vite: ViteTestServer | undefined;

before(async () => {
  if (skip) return;
  const script = fileURLToPath(new URL('../../scripts/build-test-stream.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, `build-test-stream failed:\n${r.stdout}\n${r.stderr}`);
  vite = await startVite();
});

after(async () => {
  await closeAllBrowsers();
  await vite?.close();
});

/** A snapshot of window.smoke (functions evaluated in the page). */
function smoke(page: Page) {
  return page.evaluate(() => ({ ...window.smoke, textTracks: window.smoke.textTracks() }));
}

test('hls.js plays the two-level test stream with subtitles; WebGPU has an adapter', { skip, timeout: 60_000 }, async () => {
  await withBrowser({ name: 'smoke-webgpu', limit: 50_000 }, async (b) => {
    const page = await openPage(b, `${vite!.url}/test/e2e/pages/smoke.html`);
    await page.waitForFunction(() => window.smoke?.adapterDone, { timeout: 20_000 });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, { timeout: 20_000 });
    const s: Omit<SmokeState, 'textTracks'> & { textTracks: ReturnType<SmokeState['textTracks']> } = await smoke(page);
    const video = await page.$eval('video', (v) => ({ w: v.videoWidth, h: v.videoHeight, t: v.currentTime, paused: v.paused }));

    assert.ok(s.adapter, 'navigator.gpu.requestAdapter() gave no adapter');
    if (!process.env.CUGAN_REAL_GPU) assert.equal(s.adapter.architecture, 'swiftshader');
    assert.deepEqual(
      s.levels.map((l) => `${l.width}x${l.height}`).sort(),
      ['128x72', '96x54'],
    );
    assert.ok(s.levels.every((l) => /^avc1\./.test(l.codecs) && l.bitrate > 0), JSON.stringify(s.levels));
    assert.ok([96, 128].includes(video.w), `videoWidth ${video.w}`);
    assert.equal(video.h, (video.w * 9) / 16);
    assert.ok(video.t > 1 && !video.paused, `currentTime ${video.t}, paused ${video.paused}`);
    assert.deepEqual(s.subtitleTracks, ['English']);
    assert.deepEqual(s.hlsErrors.filter((e) => e.startsWith('fatal')), []);

    // The subtitle cues line up with the video (X-TIMESTAMP-MAP): cue 1 is "Hello from cugan" at 0-2 s.
    await page.waitForFunction(() => window.smoke.textTracks().some((t) => t.cues.length > 0), { timeout: 10_000 });
    const cues = (await smoke(page)).textTracks.flatMap((t) => t.cues);
    const first = cues.find((c) => c[2] === 'Hello from cugan');
    assert.ok(first, JSON.stringify(cues));
    assert.ok(Math.abs(first[0]) < 0.1 && Math.abs(first[1] - 2) < 0.1, `cue at ${first[0]}-${first[1]} s`);
    console.log(`# adapter ${s.adapter.vendor}/${s.adapter.architecture}; video ${video.w}x${video.h} at ${video.t.toFixed(2)} s; browser peak RSS ${b.peakRssMB().toFixed(0)} MB`);
  });
});

test('without WebGPU: requestAdapter() gives null, or navigator.gpu is missing; video still plays', { skip, timeout: 40_000 }, async () => {
  await withBrowser({ name: 'smoke-no-webgpu', webgpu: false, limit: 30_000 }, async (b) => {
    assert.ok(!b.args.includes('--enable-unsafe-webgpu'));
    // No adapter (the flag) ...
    const page = await openPage(b, `${vite!.url}/test/e2e/pages/smoke.html`);
    await page.waitForFunction(() => window.smoke?.adapterDone, { timeout: 20_000 });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, { timeout: 20_000 });
    const s = await smoke(page);
    assert.equal(s.adapter, null, `unexpected adapter ${JSON.stringify(s.adapter)}`);
    assert.equal(s.hasGpuApi, true, 'Chromium defines navigator.gpu even without an adapter');
    // ... and no API at all (openPage's hideWebGPU).
    const page2 = await openPage(b, `${vite!.url}/test/e2e/pages/smoke.html`, { hideWebGPU: true });
    await page2.waitForFunction(() => window.smoke?.adapterDone, { timeout: 20_000 });
    const s2 = await smoke(page2);
    assert.equal(s2.hasGpuApi, false);
    assert.equal(s2.adapter, null);
  });
});
