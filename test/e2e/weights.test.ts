// Model loading in a real browser: a first visit downloads and verifies the model and stores it
// in the Cache API, the next visit reads it from there (timed; figures in the README); a hash
// mismatch leaves the video playing with WEIGHTS_HASH; the video.js toggle spins while a model
// downloads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchBrowser, openPage, type TestBrowser } from '../helpers/browser.js';
import { serveStatic, type TestServer } from '../helpers/server.js';
import { MODELS_DIR, ROOT, startVite, type ViteTestServer } from '../helpers/vite.js';

const ID = 'se/up2x-conservative';
const FILE = join(MODELS_DIR, 'se', 'up2x-conservative.f32.cugan');
const skip = !existsSync(join(MODELS_DIR, 'manifest.json')) || !existsSync(FILE)
  ? 'no converted models with a manifest (npm run weights)'
  : !existsSync(join(ROOT, 'test', '.media', 'hls', 'master.m3u8'))
    ? 'no test stream (node scripts/build-test-stream.mjs)'
    : false;

type Win = { cugan: any; vjsTest: any };
type LoadResult = { ms: number; cached: boolean; events: number; code?: string };

describe('model loading in Chromium', { skip }, () => {
  let vite: ViteTestServer;
  let b: TestBrowser;
  let bad: TestServer;
  let dir = '';
  before(async () => {
    vite = await startVite();
    b = await launchBrowser();
    // Another origin (with CORS) whose manifest has a wrong hash for the model.
    dir = mkdtempSync(join(tmpdir(), 'cugan-bad-models-'));
    mkdirSync(join(dir, 'se'));
    copyFileSync(FILE, join(dir, 'se', 'up2x-conservative.f32.cugan'));
    const m = JSON.parse(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8'));
    m.models = m.models.filter((e: { id: string; dtype: string }) => e.id === ID && e.dtype === 'f32');
    m.models[0].sha256 = m.models[0].sha256.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    bad = await serveStatic(dir, { cors: true });
  });
  after(async () => {
    await b?.close();
    await vite?.close();
    await bad?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One visit: a fresh page load, then one model load. */
  async function visit(page: Page): Promise<LoadResult> {
    await page.goto(`${vite.url}/test/e2e/pages/weights.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => !!(window as unknown as Win).cugan);
    return page.evaluate((id: string) => (window as unknown as Win).cugan.load('/models/', id), ID);
  }

  test('first visit downloads and caches, the next visit loads from the Cache API', async (t) => {
    const page = await openPage(b, `${vite.url}/test/e2e/pages/weights.html`);
    try {
      assert.deepEqual(await page.evaluate(() => [(window as unknown as Win).cugan.secure, (window as unknown as Win).cugan.hasCaches]), [true, true]);
      const bytes = readFileSync(FILE).byteLength;
      const figures: string[] = [];
      // Local server as is, then a 50 Mbit/s, 40 ms link (CDP throttling) as a viewer might have.
      for (const net of [null, { download: 50e6 / 8, upload: 10e6 / 8, latency: 40 }] as const) {
        await page.evaluate(() => (window as unknown as Win).cugan.clearCache());
        await page.emulateNetworkConditions(net);
        const requestsBefore = vite.mediaRequests.filter((r) => r.endsWith('.cugan')).length;
        const first = await visit(page);
        const second = await visit(page);
        const third = await visit(page);
        const downloads = vite.mediaRequests.filter((r) => r.endsWith('.cugan')).length - requestsBefore;
        assert.equal(first.code, undefined, `first visit failed: ${first.code}`);
        assert.equal(first.cached, false);
        assert.ok(first.events >= 3, `progress events on the first visit: ${first.events}`);
        assert.equal(second.cached, true, 'the second visit did not use the cache');
        assert.equal(third.cached, true);
        assert.equal(downloads, 1, 'the model was downloaded more than once');
        const label = net ? '50 Mbit/s + 40 ms' : 'localhost';
        figures.push(`${label}: first visit ${first.ms.toFixed(0)} ms, cached visits ${second.ms.toFixed(0)} / ${third.ms.toFixed(0)} ms`);
        if (net) assert.ok(second.ms < first.ms, `cached (${second.ms} ms) not faster than downloading (${first.ms} ms)`);
      }
      await page.emulateNetworkConditions(null);
      t.diagnostic(`${ID} f32 (${(bytes / 1e6).toFixed(2)} MB) via loadModel: ${figures.join('; ')}`);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${b.logText()}`);
    } finally {
      await page.close();
    }
  });

  test('a hash mismatch is WEIGHTS_HASH and the video keeps playing', async () => {
    const options = JSON.stringify({ scale: 2, modelBaseUrl: `${bad.url}/` });
    const page = await openPage(b, `${vite.url}/test/e2e/pages/videojs.html?options=${encodeURIComponent(options)}`);
    try {
      await page.waitForFunction(() => (window as unknown as Win).vjsTest?.events.some((e: any) => e.type === 'upscale:error'), { timeout: 60_000 });
      const errors = await page.evaluate(() => (window as unknown as Win).vjsTest.events.filter((e: any) => e.type === 'upscale:error').map((e: any) => e.code));
      assert.deepEqual(errors, ['WEIGHTS_HASH']);
      const t0 = await page.evaluate(() => (document.querySelector('video') as HTMLVideoElement).currentTime);
      await page.waitForFunction((t: number) => Math.abs((document.querySelector('video') as HTMLVideoElement).currentTime - t) > 0.3, { timeout: 30_000 }, t0);
      const toggle = await page.evaluate(() => {
        const el = document.querySelector('.vjs-upscale-toggle')!;
        return { loading: el.classList.contains('vjs-upscale-loading'), text: el.querySelector('.vjs-control-text')?.textContent ?? '' };
      });
      assert.equal(toggle.loading, false, 'the spinner stayed after the failure');
      assert.match(toggle.text, /SHA-256/);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${b.logText()}`);
    } finally {
      await page.close();
    }
  });

  test('the video.js toggle spins while the model downloads, with the share in its text', async () => {
    const page = await b.browser.newPage();
    try {
      // Slow enough to see the download: ~5 MB at 8 Mbit/s is ~5 s.
      await page.emulateNetworkConditions({ download: 8e6 / 8, upload: 8e6 / 8, latency: 20 });
      await page.evaluateOnNewDocument((name: string) => void caches.delete(name), 'cugan-webgpu-models');
      await page.goto(`${vite.url}/test/e2e/pages/videojs.html`, { waitUntil: 'load' });
      const h = await page.waitForFunction(() => {
        const el = document.querySelector('.vjs-upscale-toggle.vjs-upscale-loading');
        const text = el?.querySelector('.vjs-control-text')?.textContent ?? '';
        return /\d+%/.test(text) ? text : false;
      }, { timeout: 60_000, polling: 50 });
      assert.match(String(await h.jsonValue()), /Loading the upscaling model: \d+%/);
      await page.emulateNetworkConditions(null);
      await page.waitForFunction(() => (window as unknown as Win).vjsTest?.events.some((e: any) => e.type === 'upscale:enabled'), { timeout: 120_000 });
      await page.waitForFunction(() => !document.querySelector('.vjs-upscale-toggle.vjs-upscale-loading'), { timeout: 10_000 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${b.logText()}`);
    } finally {
      await page.close();
    }
  });
});
