// What must never stop a video, in real headless Chromium with hls.js (the test page of
// hls.test.ts): a weights URL that 404s or never answers, an option of the wrong type, a video
// whose decoder fails, and an HLS stream with a missing segment. Each gives a typed
// `upscale:error` (or none, where playback can route around it) and the video plays on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchBrowser, openPage, type TestBrowser } from '../helpers/browser.js';
import { serveStatic, type TestServer } from '../helpers/server.js';
import { MODELS_DIR, ROOT, startVite, type ViteTestServer } from '../helpers/vite.js';
import { rng } from '../helpers/reference.js';

const streamDir = join(ROOT, 'test', '.media', 'hls');
const skip = !existsSync(join(streamDir, 'master.m3u8'))
  ? 'no test stream (node scripts/build-test-stream.mjs)'
  : !existsSync(join(MODELS_DIR, 'se', 'up2x-conservative.f32.cugan'))
    ? 'no converted models (npm run weights)'
    : false;

const FRAME_TIMEOUT = 120_000;
type Win = { cugan: any };
const win = () => (window as unknown as Win).cugan;

async function firstError(page: Page, timeout = 30_000): Promise<{ code: string; message: string }> {
  const h = await page.waitForFunction(() => (window as unknown as Win).cugan.events.find((e: any) => e.type === 'upscale:error') ?? false, { timeout, polling: 100 });
  return (await h.jsonValue()) as { code: string; message: string };
}

/** The video's clock moves on (the page loops the clip). */
async function playing(page: Page): Promise<void> {
  const t0 = await page.evaluate(() => (window as unknown as Win).cugan.video.currentTime as number);
  await page.waitForFunction((t: number) => Math.abs((window as unknown as Win).cugan.video.currentTime - t) > 0.3, { timeout: 30_000 }, t0);
}

describe('bad input never stops the video (hls.js page)', { skip }, () => {
  let vite: ViteTestServer;
  let b: TestBrowser;
  let tmp: string;
  before(async () => {
    vite = await startVite();
    b = await launchBrowser();
    tmp = mkdtempSync(join(tmpdir(), 'cugan-e2e-'));
  });
  after(async () => {
    await b?.close();
    await vite?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const open = async (query: string) => {
    const page = await openPage(b, `${vite.url}/test/e2e/pages/hls.html${query}`);
    await page.waitForFunction(() => !!(window as unknown as Win).cugan, { timeout: 30_000 });
    return page;
  };

  test('weights URL 404: upscale:error WEIGHTS_NOT_FOUND naming the URL; the video plays', async () => {
    const page = await open(`?models=${encodeURIComponent(`${vite.url}/no-such-models/`)}`);
    try {
      const err = await firstError(page);
      assert.equal(err.code, 'WEIGHTS_NOT_FOUND');
      assert.match(err.message, /no-such-models\/se\/up2x-conservative\.f32\.cugan answered HTTP 404/);
      await playing(page);
      assert.equal(await page.evaluate(() => getComputedStyle((window as unknown as Win).cugan.ctl.overlay.canvas).visibility), 'hidden');
    } finally {
      await page.close();
    }
  });

  test('weights URL that never answers: upscale:error WEIGHTS_TIMEOUT after modelTimeoutMs; the video plays', async () => {
    const sockets: import('node:net').Socket[] = [];
    const hang: Server = createServer((req, res) => {
      // Answer CORS preflights; never answer the download itself.
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' });
        res.end();
      }
    });
    hang.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/models/`;
    const page = await open(`?models=${encodeURIComponent(url)}&timeoutMs=1500`);
    try {
      const t0 = Date.now();
      const err = await firstError(page);
      assert.equal(err.code, 'WEIGHTS_TIMEOUT');
      assert.match(err.message, /nothing received from .* for 1500 ms/);
      assert.ok(Date.now() - t0 < 15_000);
      await playing(page);
    } finally {
      await page.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => hang.close(r));
    }
  });

  test("an option of the wrong type (scale: '2x'): upscale:error BAD_OPTION, attachUpscaler did not throw; the video plays", async () => {
    const page = await open('?scale=2x');
    try {
      const err = await firstError(page);
      assert.equal(err.code, 'BAD_OPTION');
      assert.match(err.message, /scale must be 'auto', 2, 3 or 4, got 2x/);
      await playing(page);
      assert.equal(await page.evaluate(() => (window as unknown as Win).cugan.ctl.enabled), false);
    } finally {
      await page.close();
    }
  });

  test('a video whose decoder errors mid-file: upscale:error MEDIA_ERROR, the canvas hides, nothing throws', async (t) => {
    // The clip with its second half overwritten by noise: it plays, then the decoder fails.
    const clip = readFileSync(join(streamDir, 'clip.mp4'));
    const r = rng(7);
    for (let i = Math.floor(clip.length * 0.45); i < clip.length - 64; i++) clip[i] = Math.floor(r() * 256);
    const dir = join(tmp, 'corrupt');
    cpSync(join(streamDir, 'subs'), join(dir, 'subs'), { recursive: true });
    writeFileSync(join(dir, 'corrupt.mp4'), clip);
    const media: TestServer = await serveStatic(dir, { cors: true });
    const page = await open(`?src=${encodeURIComponent(`${media.url}/corrupt.mp4`)}`);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    try {
      const err = await firstError(page, FRAME_TIMEOUT);
      const state = await page.evaluate(() => ({
        mediaError: (window as unknown as Win).cugan.video.error?.code ?? null,
        canvas: getComputedStyle((window as unknown as Win).cugan.ctl.overlay.canvas).visibility,
      }));
      t.diagnostic(`video.error.code ${state.mediaError}: ${err.message}`);
      assert.equal(err.code, 'MEDIA_ERROR', `${err.code}: ${err.message}`);
      assert.match(err.message, /the video failed \((decode error|source not supported)/);
      assert.ok(state.mediaError === 3 || state.mediaError === 4, `video.error ${state.mediaError}`);
      assert.equal(state.canvas, 'hidden');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      await media.close();
    }
  });

  test('an HLS stream with a missing segment: playback goes on past it and the filter keeps upscaling', async () => {
    const dir = join(tmp, 'gap');
    cpSync(streamDir, dir, { recursive: true });
    rmSync(join(dir, '96x54', 'seg002.ts')); // 2-3 s of the level the page plays
    const media: TestServer = await serveStatic(dir, { cors: true });
    const page = await open(`?src=${encodeURIComponent(`${media.url}/master.m3u8`)}`);
    try {
      await page.waitForFunction(() => (window as unknown as Win).cugan.ctl.stats.frames >= 1, { timeout: FRAME_TIMEOUT, polling: 200 });
      // Past the gap (the clip loops: any time after 3.2 s, or a wrap back to the start).
      await page.waitForFunction(() => {
        const c = (window as unknown as Win).cugan;
        c.maxTime = Math.max(c.maxTime ?? 0, c.video.currentTime);
        return c.maxTime > 3.2;
      }, { timeout: FRAME_TIMEOUT, polling: 100 });
      assert.ok(media.requests.some((p) => p.endsWith('96x54/seg002.ts')), 'the missing segment was never asked for');
      const frames = await page.evaluate(() => (window as unknown as Win).cugan.ctl.stats.frames as number);
      await page.waitForFunction((n: number) => (window as unknown as Win).cugan.ctl.stats.frames > n, { timeout: FRAME_TIMEOUT, polling: 200 }, frames);
      await playing(page);
      const errors = await page.evaluate(() => (window as unknown as Win).cugan.events.filter((e: any) => e.type === 'upscale:error'));
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await media.close();
    }
  });
});
