// The browser extension (extension/), built as users load it, in headless Chromium (WebGPU on
// SwiftShader), on an ordinary page that knows nothing of it (pages/extension.html): hls.js in
// a site's player, a video in an open shadow root (letterboxed, with padding and a border), one
// in a same-origin iframe, one with a <track> of subtitles, and a cross-origin one without CORS.
// The filter is turned on through the extension's own popup (opened as the toolbar button
// opens it, which grants activeTab), then off again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Target } from 'puppeteer-core';
import { PNG } from 'pngjs';
import type { FrameReport } from '../../extension/src/shared/messages.js';
import { launchBrowser, openPage, type TestBrowser } from '../helpers/browser.js';
import { serveStatic, type TestServer } from '../helpers/server.js';
import { ROOT, startVite, type ViteTestServer } from '../helpers/vite.js';

const EXTENSION = join(ROOT, 'extension', 'dist');
const WEIGHTS = process.env.CUGAN_WEIGHTS ?? join(ROOT, '..', 'shared', 'weights', 'realcugan');
const skip = !existsSync(join(ROOT, 'test', '.media', 'hls', 'master.m3u8'))
  ? 'no test stream (node scripts/build-test-stream.mjs)'
  : !existsSync(join(WEIGHTS, 'models-se', 'up2x-conservative.param'))
    ? `no released weights in ${WEIGHTS} (CUGAN_WEIGHTS)`
    : false;

const START_TIMEOUT = 180_000; // model, pipelines and a first 96x54 frame for four videos on SwiftShader

/** Opens the popup the way the toolbar button does (this grants the extension activeTab on `page`). */
// Waits for the extension's own pages and reports. Chromium's GPU process may be compiling the
// tuned kernels of both frames meanwhile (seconds each on SwiftShader), and on a 2-core machine
// the popup then renders late.
const UI_WAIT_MS = 60_000;

async function openPopup(b: TestBrowser, page: Page): Promise<Page> {
  const ext = [...(await b.browser.extensions()).values()].find((e) => e.name === 'Real-CUGAN video upscaler');
  assert.ok(ext, 'the extension is installed');
  const isPopup = (t: Target) => t.url().startsWith(`chrome-extension://${ext.id}/popup.html`);
  const old = new Set(b.browser.targets().filter(isPopup));
  for (const t of old) await (await t.asPage())?.close().catch(() => undefined);
  // A popup that was just closing (a click in the page takes the focus) can swallow one trigger: try twice.
  let target: Target | undefined;
  for (let attempt = 0; attempt < 2 && !target; attempt++) {
    await page.bringToFront();
    await page.triggerExtensionAction(ext);
    target = await b.browser.waitForTarget((t) => isPopup(t) && !old.has(t), { timeout: UI_WAIT_MS }).catch(() => undefined);
  }
  if (!target) throw new Error('the popup did not open (Extensions.triggerAction, twice)');
  const popup = (await target.asPage())!;
  await popup.waitForSelector('body[data-ready]', { timeout: UI_WAIT_MS }).catch((e: Error) => {
    throw new Error(`the popup did not get ready: ${e.message}`);
  });
  return popup;
}

/** The reports of the tab's frames as the popup reads them (chrome.storage.session). */
async function reports(popup: Page): Promise<FrameReport[]> {
  return popup.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    const key = `status:${tab!.id}`;
    return Object.values(((await chrome.storage.session.get(key))[key] ?? {}) as Record<string, unknown>);
  }) as Promise<FrameReport[]>;
}

async function until<T>(what: string, fn: () => Promise<T | false | undefined>, timeout: number): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${timeout} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// In the page: each test video (across the shadow root and the iframe), its canvas and caption
// layer (ours sit right after the video), and the video's content box.
const PAGE_HELPERS = `
  window.__ext = {
    videos() {
      const frameDoc = document.getElementById('frame').contentDocument;
      return {
        hls: document.getElementById('hls'),
        shadow: document.getElementById('shadow').shadowRoot.querySelector('video'),
        frame: frameDoc.getElementById('inner'),
        track: document.getElementById('track'),
        tainted: document.getElementById('tainted'),
      };
    },
    contentBox(v) {
      const r = v.getBoundingClientRect();
      const cs = getComputedStyle(v);
      const n = (x) => parseFloat(x) || 0;
      const l = n(cs.borderLeftWidth) + n(cs.paddingLeft), t = n(cs.borderTopWidth) + n(cs.paddingTop);
      return { left: r.left + l, top: r.top + t, width: r.width - l - n(cs.borderRightWidth) - n(cs.paddingRight), height: r.height - t - n(cs.borderBottomWidth) - n(cs.paddingBottom) };
    },
    describe(name) {
      const v = this.videos()[name];
      const canvas = v.nextElementSibling && v.nextElementSibling.matches('canvas.cugan-canvas') ? v.nextElementSibling : null;
      const captions = canvas && canvas.nextElementSibling && canvas.nextElementSibling.matches('.cugan-captions') ? canvas.nextElementSibling : null;
      const rect = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, top: r.top, width: r.width, height: r.height }; };
      // Rectangles in the top page's viewport (the iframe's are offset by the iframe's box).
      const off = v.ownerDocument === document ? { x: 0, y: 0 } : (() => { const r = document.getElementById('frame').getBoundingClientRect(); return { x: r.left, y: r.top }; })();
      const shift = (r) => r && { ...r, left: r.left + off.x, top: r.top + off.y };
      return {
        time: v.currentTime, paused: v.paused,
        box: shift(this.contentBox(v)),
        canvas: canvas && { rect: shift(rect(canvas)), visibility: canvas.style.visibility, zIndex: getComputedStyle(canvas).zIndex },
        captions: captions && { text: captions.textContent, rect: shift(rect(captions)), zIndex: getComputedStyle(captions).zIndex },
        trackModes: Array.from(v.textTracks).map((t) => t.mode),
        activeCues: Array.from(v.textTracks).flatMap((t) => Array.from(t.activeCues || []).map((c) => c.text)),
      };
    },
    ours() {
      const roots = [document, document.getElementById('shadow').shadowRoot, document.getElementById('frame').contentDocument];
      return roots.reduce((n, r) => n + r.querySelectorAll('canvas.cugan-canvas, .cugan-captions').length, 0);
    },
  };`;

type Described = {
  time: number;
  paused: boolean;
  box: { left: number; top: number; width: number; height: number };
  canvas: { rect: Described['box']; visibility: string; zIndex: string } | null;
  captions: { text: string; rect: Described['box']; zIndex: string } | null;
  trackModes: string[];
  activeCues: string[];
};
const NAMES = ['hls', 'shadow', 'frame', 'track', 'tainted'] as const;
const describeVideo = (page: Page, name: string) => page.evaluate((n) => (window as any).__ext.describe(n), name) as Promise<Described>;

function assertCovers(name: string, d: Described): void {
  assert.ok(d.canvas, `${name}: a canvas right after the video`);
  for (const k of ['left', 'top', 'width', 'height'] as const) {
    assert.ok(Math.abs(d.canvas.rect[k] - d.box[k]) < 0.6, `${name}: canvas ${k} ${d.canvas.rect[k]} vs the video's content box ${d.box[k]}`);
  }
  assert.equal(d.canvas.visibility, 'visible', `${name}: the canvas shows`);
}

/** The video's clock moves (every test video loops). */
async function assertPlaying(page: Page, names: readonly string[]): Promise<void> {
  const t0 = await Promise.all(names.map((n) => describeVideo(page, n)));
  await until('the videos play', async () => {
    const t1 = await Promise.all(names.map((n) => describeVideo(page, n)));
    return t1.every((d, i) => !d.paused && Math.abs(d.time - t0[i]!.time) > 0.2);
  }, 20_000);
}

/** Mean and standard deviation of the screenshot's luma inside `r` (CSS px = device px here). */
function lumaStats(png: PNG, r: Described['box']): { mean: number; sd: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let y = Math.ceil(r.top); y < Math.floor(r.top + r.height); y++) {
    for (let x = Math.ceil(r.left); x < Math.floor(r.left + r.width); x++) {
      const i = (y * png.width + x) * 4;
      const l = 0.299 * png.data[i]! + 0.587 * png.data[i + 1]! + 0.114 * png.data[i + 2]!;
      n++;
      sum += l;
      sq += l * l;
    }
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
}

describe('browser extension (extension/dist in headless Chromium)', { skip }, () => {
  let vite: ViteTestServer;
  let xorigin: TestServer;
  let b: TestBrowser;
  before(async () => {
    // What `npm run extension:build` makes (the models converted from the released weights).
    const built = spawnSync(process.execPath, [join(ROOT, 'extension', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, `extension build failed:\n${built.stdout}\n${built.stderr}`);
    vite = await startVite();
    xorigin = await serveStatic(join(ROOT, 'test', '.media', 'hls'), { cors: false });
    b = await launchBrowser({ extensions: [EXTENSION], width: 800, height: 400 });
  });
  after(async () => {
    await b?.close();
    await xorigin?.close();
    await vite?.close();
  });

  test('on through the popup: canvases over the content boxes, captions above, tainted refused; fullscreen; off frees everything', { timeout: 420_000 }, async (t) => {
    const t0 = Date.now();
    const page = await openPage(b, `${vite.url}/test/e2e/pages/extension.html?xorigin=${xorigin.url}/clip.mp4`);
    await page.evaluate(PAGE_HELPERS);
    await assertPlaying(page, NAMES);
    assert.equal(await page.evaluate(() => (window as any).__ext.ours()), 0, 'nothing of ours before the viewer turns it on');

    // On, through the popup's switch for this site.
    let popup = await openPopup(b, page);
    assert.equal(await popup.$eval('#site-name', (e) => e.textContent), new URL(vite.url).host);
    await popup.click('#site-on');
    const on = await until('four videos upscaled, the cross-origin one refused', async () => {
      const frames = await reports(popup);
      const videos = frames.flatMap((f) => f.videos);
      return videos.length === 5 && videos.filter((v) => v.state === 'on' && v.frames > 0).length === 4 && videos.some((v) => v.state === 'refused') && frames;
    }, START_TIMEOUT);
    t.diagnostic(`4 videos upscaled, 1 refused ${((Date.now() - t0) / 1000).toFixed(1)} s after the page opened`);
    const videos = on.flatMap((f) => f.videos);
    for (const v of videos.filter((x) => x.state === 'on')) {
      assert.equal(v.model, 'se/up2x-conservative', 'scale auto: 2x for these sizes; the f16 model packed in the extension');
      assert.deepEqual([v.sourceWidth, v.sourceHeight, v.outputWidth, v.outputHeight], [96, 54, 192, 108]);
      assert.ok(v.gpuBytes > 0);
    }
    assert.equal(on.length, 2, 'the top page and the same-origin iframe each report');

    // The tainted video: its reason in the popup, no canvas, the video plays unfiltered.
    const refused = videos.find((v) => v.state === 'refused')!;
    assert.equal(refused.code, 'TAINTED_SOURCE');
    const line = await popup.$eval('#videos li[data-code="TAINTED_SOURCE"]', (e) => e.textContent ?? '');
    assert.match(line, /cross-origin video without CORS.*plays unfiltered/);
    assert.equal((await describeVideo(page, 'tainted')).canvas, null, 'no canvas over the tainted video');
    assert.equal(await popup.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
      return chrome.action.getBadgeText({ tabId: tab!.id });
    }), 'ON');

    // Each filtered video: a canvas exactly over its content box, showing a picture.
    await assertPlaying(page, NAMES);
    const shot = PNG.sync.read(Buffer.from(await page.screenshot({ type: 'png' })));
    for (const name of ['hls', 'shadow', 'frame', 'track'] as const) {
      const d = await describeVideo(page, name);
      assertCovers(name, d);
      // The shadow video is letterboxed: its picture is the middle 160x90 of the 160x120 box.
      const pic = name === 'shadow' ? { ...d.box, top: d.box.top + 15, height: 90 } : d.box;
      const { mean, sd } = lumaStats(shot, { left: pic.left + 2, top: pic.top + 2, width: pic.width - 4, height: pic.height - 22 });
      t.diagnostic(`${name}: canvas ${JSON.stringify(d.canvas!.rect)}, luma mean ${mean.toFixed(1)} sd ${sd.toFixed(1)}`);
      assert.ok(mean > 20 && sd > 8, `${name}: the canvas shows a picture (luma mean ${mean.toFixed(1)}, sd ${sd.toFixed(1)}), not a black or flat one`);
    }

    // Captions: the <track> is drawn by the library's caption layer, right after the canvas at the same z-index (above it).
    const track = await until('a cue on screen', async () => {
      const d = await describeVideo(page, 'track');
      return d.captions?.text && d.activeCues.length ? d : false;
    }, 20_000);
    assert.deepEqual(track.trackModes, ['hidden'], 'the browser no longer draws the track under the canvas');
    assert.equal(track.captions!.zIndex, track.canvas!.zIndex);
    assert.ok(track.activeCues.some((c) => track.captions!.text.includes(c)), `caption "${track.captions!.text}" is the active cue (${track.activeCues.join(' / ')})`);
    assert.ok(track.captions!.rect.top >= track.box.top - 0.5 && track.captions!.rect.top + track.captions!.rect.height <= track.box.top + track.box.height + 0.5);
    // The site's own controls stay above the canvas.
    const controlsOnTop = await page.evaluate(() => {
      const c = document.getElementById('fullscreen')!.getBoundingClientRect();
      return document.elementFromPoint(c.left + 2, c.top + 2)?.id;
    });
    assert.equal(controlsOnTop, 'fullscreen');

    // Theatre layout: the player grows, the canvas follows.
    await page.evaluate(() => Object.assign(document.getElementById('player')!.style, { width: '288px', height: '162px' }));
    await until('the canvas follows the resized player', async () => {
      const d = await describeVideo(page, 'hls');
      return d.box.width === 288 && Math.abs(d.canvas!.rect.width - 288) < 0.6 && Math.abs(d.canvas!.rect.height - 162) < 0.6;
    }, 5_000);

    // Fullscreen of the site's player (a real click: a user gesture): the canvas is inside it, over the video.
    await page.click('#fullscreen');
    await until('the player is fullscreen', () => page.evaluate(() => document.fullscreenElement?.id === 'player'), 5_000);
    const fs = await until('the canvas covers the fullscreen video', async () => {
      const d = await describeVideo(page, 'hls');
      return d.box.width > 288 && Math.abs(d.canvas!.rect.width - d.box.width) < 0.6 && Math.abs(d.canvas!.rect.height - d.box.height) < 0.6 && d;
    }, 5_000);
    assertCovers('hls (fullscreen)', fs);
    assert.ok(await page.evaluate(() => document.fullscreenElement!.contains(document.querySelector('#hls + canvas.cugan-canvas'))), 'the canvas is inside the fullscreen element');
    await page.evaluate(() => document.exitFullscreen());
    await until('fullscreen ends', () => page.evaluate(() => !document.fullscreenElement), 5_000);
    await assertPlaying(page, NAMES);

    // The page's scripts see nothing of the extension: no globals, nothing in its storage.
    const leaks = await page.evaluate(async () => ({
      keys: Object.keys(window).filter((k) => /cugan/i.test(k)),
      symbols: Object.getOwnPropertySymbols(window).map(String),
      storage: Object.keys(localStorage),
      caches: await caches.keys(),
    }));
    assert.deepEqual(leaks, { keys: [], symbols: [], storage: [], caches: [] });

    // Off, through the popup (reopened: a click in the page may have closed it).
    popup = await openPopup(b, page);
    assert.equal(await popup.$eval('#site-on', (e) => (e as HTMLInputElement).checked), true, 'remembered as on for this site');
    await popup.click('#site-on');
    const off = await until('every frame reports off, nothing held', async () => {
      const frames = await reports(popup);
      return frames.length === 2 && frames.every((f) => !f.siteOn && f.videos.length === 0 && f.overlays === 0) && frames;
    }, UI_WAIT_MS);
    for (const f of off) {
      assert.equal(f.gpuBytes, 0, `${f.url}: every buffer and texture of the upscalers freed`);
      assert.equal(f.devices, 0, `${f.url}: the GPU device destroyed`);
    }
    assert.equal(await page.evaluate(() => (window as any).__ext.ours()), 0, 'no canvas or caption layer left (page, shadow root, iframe)');
    assert.deepEqual((await describeVideo(page, 'track')).trackModes, ['showing'], 'the browser draws the track again');
    await assertPlaying(page, NAMES);
    t.diagnostic(`test body ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test('refusals: no WebGPU adapter, an encrypted (EME) video: reason and badge, no canvas, the videos play', { timeout: 90_000 }, async () => {
    const nogpu = await launchBrowser({ extensions: [EXTENSION], webgpu: false });
    try {
      const page = await openPage(nogpu, `${vite.url}/test/e2e/pages/extension-frame.html?eme=1`);
      await page.waitForFunction(() => (window as any).emeReady === true);
      const popup = await openPopup(nogpu, page);
      await popup.click('#site-on');
      const videos = await until('both videos refused', async () => {
        const v = (await reports(popup)).flatMap((f) => f.videos);
        return v.length === 2 && v.every((x) => x.state === 'refused') && v;
      }, 30_000);
      assert.deepEqual(videos.map((v) => v.code).sort(), ['ENCRYPTED', 'NO_WEBGPU']);
      assert.match(await popup.$eval('#videos li[data-code="NO_WEBGPU"]', (e) => e.textContent ?? ''), /no usable WebGPU/);
      assert.match(await popup.$eval('#videos li[data-code="ENCRYPTED"]', (e) => e.textContent ?? ''), /encrypted \(EME\/DRM\)/);
      const badge = await popup.evaluate(async () => {
        const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
        return chrome.action.getBadgeText({ tabId: tab!.id });
      });
      assert.ok(['GPU', 'DRM'].includes(badge), `badge ${badge}`);
      assert.equal(await page.evaluate(() => document.querySelectorAll('canvas, .cugan-captions').length), 0, 'nothing drawn over the videos');
      const t0 = await page.evaluate(() => [...document.querySelectorAll('video')].map((v) => v.currentTime));
      await page.waitForFunction((t: number[]) => [...document.querySelectorAll('video')].every((v, i) => Math.abs(v.currentTime - t[i]!) > 0.2), { timeout: 20_000 }, t0);
    } finally {
      await nogpu.close();
    }
  });
});

