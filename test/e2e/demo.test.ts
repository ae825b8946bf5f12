// The demo page (demo/) built as a static site and served from demo/dist, in headless Chromium
// (WebGPU on SwiftShader) at a 1280x800 viewport: on this fallback adapter it starts at 2x and
// says why, the plugin's toggle turns the filter on, the readout fills from `upscale:stats`
// (frames, fps, adapter) with every value readable (no one-character column), the picture says
// how far the upscaled frame is behind the video, the split divider moves with the mouse and
// the arrow keys and clips the canvas; without WebGPU the page says what to do and the video plays.
// Takes a screenshot with the filter on: test/.tmp/demo.png.
// Run: bash scripts/gpu-test.sh --browser test/e2e/demo.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import type { Page } from 'puppeteer-core';
import { PNG } from 'pngjs';
import { CHROMIUM_PATH, openPage, withBrowser } from '../helpers/browser.js';
import { serveStatic, type TestServer } from '../helpers/server.js';
import { MODELS_DIR, ROOT } from '../helpers/vite.js';

const DIST = join(ROOT, 'demo', 'dist');
const skip = !existsSync(CHROMIUM_PATH)
  ? `no browser at ${CHROMIUM_PATH} (set PUPPETEER_EXECUTABLE_PATH)`
  : !existsSync(join(ROOT, 'test', '.media', 'hls', 'master.m3u8'))
    ? 'no test stream (node scripts/build-test-stream.mjs)'
    : !existsSync(join(MODELS_DIR, 'se', 'up2x-conservative.f32.cugan'))
      ? 'no converted models (npm run weights)'
      : false;

let site: TestServer;
let buildMs = 0;
before(async () => {
  if (skip) return;
  const t0 = Date.now();
  await build({ configFile: join(ROOT, 'demo', 'vite.config.ts'), logLevel: 'error' });
  buildMs = Date.now() - t0;
  site = await serveStatic(DIST);
});
after(async () => {
  await site?.close();
});

const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? '');
const clipPath = (page: Page) =>
  page.evaluate(() => {
    const c = document.querySelector('.video-js .cugan-canvas');
    return c ? getComputedStyle(c).clipPath : 'no canvas';
  });

async function plays(page: Page): Promise<void> {
  const t = await page.evaluate(() => window.demo.player.currentTime() ?? 0);
  await page.waitForFunction((t0) => (window.demo.player.currentTime() ?? 0) !== t0, { timeout: 20_000, polling: 100 }, t);
}

describe('demo page', { skip }, () => {
  test('built site: toggle, readout, split divider, screenshot', { timeout: 180_000 }, async () => {
    assert.ok(existsSync(join(DIST, 'index.html')) && existsSync(join(DIST, 'models', 'se', 'up2x-conservative.f32.cugan')));
    assert.ok(existsSync(join(DIST, 'media', 'master.m3u8')));
    console.log(`# demo build: ${buildMs} ms`);
    await withBrowser({ name: 'demo', limit: 170_000, width: 1280, height: 800 }, async (b) => {
      // Start off and stay on the 96x54 rendition: one frame takes seconds on SwiftShader.
      const page = await openPage(b, `${site.url}/?upscale=0&maxWidth=96`);
      await page.waitForSelector('.vjs-control-bar .vjs-upscale-toggle');
      await plays(page);
      assert.equal(await page.$eval('#webgpu-status', (e) => (e as HTMLElement).hidden), true, 'no WebGPU warning');
      // SwiftShader is a fallback adapter: the page starts at 2x (not 'auto') and says why.
      assert.equal(await page.evaluate(() => window.demo.plugin.choices.scale), 2);
      assert.equal(await page.$eval('#opt-scale', (e) => (e as HTMLSelectElement).value), '2');
      assert.match(await text(page, '#adapter-note'), /software WebGPU adapter.*starts at 2x.*maxWidth=96/);
      await page.select('#opt-scale', '3'); // the page-level selector, through the plugin
      await page.waitForFunction(() => window.demo.plugin.choices.scale === 3);
      await page.select('#opt-scale', '2');
      await page.waitForFunction(() => window.demo.plugin.choices.scale === 2);
      assert.equal(await page.evaluate(() => window.demo.plugin.enabled), false);

      const t0 = Date.now();
      await page.click('.vjs-control-bar .vjs-upscale-toggle');
      await page.waitForFunction(() => Number(document.getElementById('stat-frames')?.textContent) > 0, { timeout: 90_000, polling: 250 });
      const firstS = (Date.now() - t0) / 1000;
      const readout = await page.$$eval('#stats dt', (dts) => dts.map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`));
      console.log(`# first stats after ${firstS.toFixed(1)} s: ${readout.join(' | ')}`);
      assert.match(await text(page, '#stat-adapter'), /swiftshader/i);
      assert.equal(await text(page, '#stat-model'), 'se/up2x-conservative');
      assert.equal(await text(page, '#stat-source'), '96×54');
      assert.equal(await text(page, '#stat-output'), '192×108');
      assert.ok(Number(await text(page, '#stat-gpu')) > 0, 'GPU ms');
      // fps is per second and a frame takes seconds here: wait for a report with fps > 0.
      await page.waitForFunction(() => Number(document.getElementById('stat-fps')?.textContent) > 0, { timeout: 60_000, polling: 250 });
      // Subtitles from hls.js reach video.js's own caption display (above the canvas).
      await page.waitForFunction(() => /cue|Hello/.test(document.querySelector('.vjs-text-track-display')?.textContent ?? ''), { timeout: 30_000, polling: 250 });
      // Per-stage GPU times (timestamp queries; SwiftShader has them), a report or two later.
      await page.waitForFunction(() => /UNet2 [1-9]/.test(document.getElementById('stat-stages')?.textContent ?? ''), { timeout: 60_000, polling: 250 });
      console.log(`# stages: ${await text(page, '#stat-stages')}`);
      // Frame reuse is on by default: the counters come with the timed frames.
      const reuse = await text(page, '#stat-reuse');
      console.log(`# reuse: ${reuse}`);
      const m = /^(\d+) of (\d+) frames ran the whole network, (\d+) re-shown$/.exec(reuse);
      assert.ok(m, `reuse readout: ${reuse}`);
      assert.ok(Number(m[2]) >= 1 && Number(m[1]) >= 1 && Number(m[1]) + Number(m[3]) === Number(m[2]), reuse);
      assert.equal(await page.$eval('.vjs-upscale-toggle', (e) => e.getAttribute('aria-pressed')), 'true');
      assert.equal(await page.$eval('.video-js .cugan-canvas', (c) => getComputedStyle(c).visibility), 'visible');

      // Live stats at 1280x800: each value wraps between words, never a character per line.
      const cells = await page.$$eval('#stats dd', (dds) => dds.map((dd) => {
        const r = dd.getBoundingClientRect();
        const text = dd.textContent ?? '';
        // Lines of the text itself (the box stretches to its row, whose label may wrap).
        const range = document.createRange();
        range.selectNodeContents(dd);
        const lines = new Set([...range.getClientRects()].map((q) => Math.round(q.top))).size;
        return { id: dd.id, text, width: r.width, lines, words: text.split(/\s+/).filter(Boolean).length };
      }));
      const panel = await page.$eval('#stats', (dl) => dl.getBoundingClientRect().width);
      for (const c of cells) {
        assert.ok(c.width >= panel * 0.45, `${c.id} is ${c.width.toFixed(0)} of ${panel.toFixed(0)} px wide: ${JSON.stringify(cells)}`);
        assert.ok(c.lines <= Math.max(1, c.words), `${c.id} "${c.text}" takes ${c.lines} lines for ${c.words} words`);
      }

      // The upscaled frame (a second or more per frame here) is behind the video: said on the picture.
      await page.waitForFunction(() => !(document.getElementById('lag') as HTMLElement).hidden, { timeout: 30_000, polling: 100 });
      const lagText = await text(page, '#lag');
      const behind = Number(/^upscaled frame: (\d+\.\d) s behind$/.exec(lagText)?.[1]);
      const gpuS = Number(await text(page, '#stat-gpu')) / 1000;
      console.log(`# lag label: "${lagText}" (a frame takes ${gpuS.toFixed(2)} s of GPU time here)`);
      assert.ok(behind >= 0.1 && behind < 30, lagText);

      // The divider: drag it left with the mouse, then nudge it with the arrow keys.
      assert.equal(await clipPath(page), 'inset(0px 0px 0px 50%)');
      const h = (await page.$('#divider-handle'))!;
      const box = (await h.boundingBox())!;
      const stage = (await (await page.$('#stage'))!.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(stage.x + stage.width * 0.25, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      const dragged = await clipPath(page);
      const pct = Number(/inset\(0px 0px 0px ([\d.]+)%\)/.exec(dragged)?.[1]);
      assert.ok(Math.abs(pct - 25) < 2, `clip-path after the drag: ${dragged}`);
      const before = Number(await page.$eval('#divider-handle', (e) => e.getAttribute('aria-valuenow')));
      await page.focus('#divider-handle');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const after = Number(await page.$eval('#divider-handle', (e) => e.getAttribute('aria-valuenow')));
      assert.equal(after, before + 4);
      // Back to the middle for the picture.
      await page.keyboard.press('End');
      assert.equal(await clipPath(page), 'inset(0px 0px 0px 100%)');
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft', {});
      await page.evaluate(() => (document.activeElement as HTMLElement).blur());
      await page.keyboard.down('Shift');
      await page.focus('#divider-handle');
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
      await page.keyboard.up('Shift');
      assert.equal(await clipPath(page), 'inset(0px 0px 0px 50%)');

      // The loupe: a second view of the upscaled frame, magnified around the mouse. Paused on a
      // detailed frame (1 s into the pan), so the magnified picture cannot be flat.
      const framesBefore = await page.evaluate(() => window.demo.plugin.stats.frames);
      await page.evaluate(async () => {
        const p = window.demo.player;
        p.pause();
        p.currentTime(1);
        await new Promise((r) => p.one('seeked', r));
      });
      // The seeked frame is upscaled once the GPU is free: one more frame, or two when one was in
      // flight at the pause (waiting for two hung when none was: playback here runs at ~2 fps).
      // Then no new frame for 3 s (one takes ~1.5 s here), so the last one drawn is the seeked one.
      await page.waitForFunction((n: number) => window.demo.plugin.stats.frames > n, { timeout: 60_000, polling: 250 }, framesBefore);
      for (let last = -1, since = Date.now(); Date.now() - since < 3000; await new Promise((r) => setTimeout(r, 250))) {
        const f = await page.evaluate(() => window.demo.plugin.stats.frames);
        if (f !== last) [last, since] = [f, Date.now()];
      }
      // Paused on the frame the GPU has shown: nothing is behind.
      assert.equal(await page.$eval('#lag', (e) => (e as HTMLElement).hidden), true, 'the lag label stays while paused');
      await page.click('#opt-loupe');
      const at = await page.$eval('.video-js video', (v) => {
        const r = v.getBoundingClientRect();
        return { x: r.x + r.width * 0.55, y: r.y + r.height * 0.5 };
      });
      await page.mouse.move(at.x, at.y);
      await page.mouse.move(at.x + 3, at.y + 2);
      await page.waitForFunction(() => !(document.getElementById('loupe') as HTMLCanvasElement).hidden, { timeout: 60_000 });
      await new Promise((r) => setTimeout(r, 1000));
      const lr = await page.$eval('#loupe', (c) => {
        const r = c.getBoundingClientRect();
        return { x: r.x + 40, y: r.y + 40, width: r.width - 80, height: r.height - 80 };
      });
      const lens = PNG.sync.read(Buffer.from(await page.screenshot({ clip: lr, type: 'png' })));
      const colours = new Set<number>();
      for (let i = 0; i < lens.data.length; i += 4) colours.add((lens.data[i]! << 16) | (lens.data[i + 1]! << 8) | lens.data[i + 2]!);
      assert.ok(colours.size > 20, `the loupe shows a picture (${colours.size} colours)`);
      await page.evaluate(() => void window.demo.player.play());

      await plays(page); // the video plays on under the filter
      mkdirSync(join(ROOT, 'test', '.tmp'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test', '.tmp', 'demo.png'), fullPage: true });
    });
  });

  test('without WebGPU: the page says what to do, the video plays', { timeout: 60_000 }, async () => {
    await withBrowser({ name: 'demo-no-webgpu', limit: 50_000, width: 1280, height: 800 }, async (b) => {
      const page = await openPage(b, `${site.url}/?maxWidth=96`, { hideWebGPU: true });
      await page.waitForSelector('#webgpu-status:not([hidden])');
      const msg = await text(page, '#webgpu-status');
      assert.match(msg, /no WebGPU/);
      assert.match(msg, /Chrome or Edge 113\+/);
      assert.match(msg, /hardware acceleration/);
      await plays(page);
      await page.waitForFunction(() => !!document.querySelector('.vjs-upscale-toggle[disabled], .vjs-upscale-toggle.vjs-disabled'), { timeout: 10_000 });
    });
  });
});
