// The video.js plugin in real headless Chromium (WebGPU on SwiftShader) on the 96x54 HLS test
// stream with its WebVTT subtitle group: the control-bar toggle and the hotkey turn the filter on
// and off, the canvas sits between the <video> and video.js's caption display (captions drawn
// above the upscaled picture), the settings menu switches the model and the choice survives a
// reload; without WebGPU the button is disabled with an explanation and the video plays on.
// One frame takes seconds on SwiftShader: waits on frames are long.
// Run: bash scripts/gpu-test.sh --browser test/e2e/videojs.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { CHROMIUM_PATH, openPage, withBrowser, type TestBrowser } from '../helpers/browser.js';
import { serveStatic } from '../helpers/server.js';
import { MODELS_DIR, ROOT, startVite, type ViteTestServer } from '../helpers/vite.js';
import type { LoggedEvent } from './pages/videojs-page.js';

const streamDir = join(ROOT, 'test', '.media', 'hls');
const skip = !existsSync(CHROMIUM_PATH)
  ? `no browser at ${CHROMIUM_PATH} (set PUPPETEER_EXECUTABLE_PATH)`
  : !existsSync(join(streamDir, 'master.m3u8'))
    ? 'no test stream (node scripts/build-test-stream.mjs)'
    : !existsSync(join(MODELS_DIR, 'se', 'up2x-denoise3x.f32.cugan'))
      ? 'no converted models (npm run weights)'
      : false;

/** One 96x54 frame is ~10 GFLOP: seconds on SwiftShader, more with the first shader compiles. */
const FRAME_TIMEOUT = 60_000;

let vite: ViteTestServer;
before(async () => {
  if (!skip) vite = await startVite();
});
after(async () => {
  await vite?.close();
});

async function open(b: TestBrowser, options: object, query = '', hideWebGPU = false): Promise<Page> {
  const q = `?options=${encodeURIComponent(JSON.stringify(options))}${query}`;
  const page = await openPage(b, `${vite.url}/test/e2e/pages/videojs.html${q}`, { hideWebGPU });
  await page.waitForFunction(() => !!window.vjsTest?.plugin, { timeout: 30_000 });
  return page;
}

function events(page: Page, type: string): Promise<LoggedEvent[]> {
  return page.evaluate((t) => window.vjsTest.events.filter((e) => e.type === t), type);
}

/** Waits until `count` events of `type` were triggered on the player. */
async function waitEvents(page: Page, type: string, count = 1, timeout = FRAME_TIMEOUT): Promise<LoggedEvent[]> {
  await page.waitForFunction((t, n) => window.vjsTest.events.filter((e) => e.type === t).length >= n, { timeout, polling: 100 }, type, count);
  return events(page, type);
}

async function waitFrames(page: Page, frames: number): Promise<void> {
  await page.waitForFunction((n) => window.vjsTest.plugin.stats.frames >= n, { timeout: FRAME_TIMEOUT, polling: 200 }, frames);
}

/** Resolves once currentTime moved by `by` seconds (a looping clip: any change counts). */
async function plays(page: Page, by = 1): Promise<void> {
  let last = await page.evaluate(() => window.vjsTest.player.currentTime() ?? 0);
  let moved = 0;
  const end = Date.now() + 20_000;
  while (moved < by) {
    assert.ok(Date.now() < end, `the video did not play on (moved ${moved.toFixed(2)} s)`);
    await new Promise((r) => setTimeout(r, 100));
    const t = await page.evaluate(() => window.vjsTest.player.currentTime() ?? 0);
    moved += t >= last ? t - last : t; // looped
    last = t;
  }
}

function toggleState(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector('.vjs-control-bar .vjs-upscale-toggle') as HTMLButtonElement | null;
    const canvas = document.querySelector('.video-js .cugan-canvas') as HTMLCanvasElement | null;
    return el && {
      className: el.className,
      on: el.classList.contains('vjs-upscale-on'),
      pressed: el.getAttribute('aria-pressed'),
      disabled: el.disabled,
      ariaDisabled: el.getAttribute('aria-disabled'),
      title: el.title,
      controlText: el.querySelector('.vjs-control-text')?.textContent ?? '',
      canvas: canvas ? getComputedStyle(canvas).visibility : 'none',
      enabled: window.vjsTest.plugin.enabled,
    };
  });
}

/** The menu's lines as "label" or "label*" (selected), headings in capitals as shown. */
function menuLines(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.vjs-upscale-menu .vjs-menu-item')).map((li) => {
      const label = li.querySelector('.vjs-menu-item-text')?.textContent ?? '';
      if (li.classList.contains('vjs-upscale-menu-heading')) return `# ${label}`;
      const selected = li.classList.contains('vjs-selected') && li.getAttribute('aria-checked') === 'true';
      return selected ? `${label}*` : label;
    }),
  );
}

async function clickMenuItem(page: Page, label: string): Promise<void> {
  // Open the menu the way a viewer does, then click the item.
  const open = await page.$eval('.vjs-upscale-menu .vjs-menu', (m) => m.classList.contains('vjs-lock-showing'));
  if (!open) await page.click('.vjs-upscale-menu .vjs-menu-button');
  const items = await page.$$('.vjs-upscale-menu .vjs-menu-item');
  for (const item of items) {
    if ((await item.evaluate((li) => li.querySelector('.vjs-menu-item-text')?.textContent)) === label) {
      await item.click();
      return;
    }
  }
  assert.fail(`no menu item "${label}" in ${JSON.stringify(await menuLines(page))}`);
}

describe('video.js plugin with WebGPU', { skip }, () => {
  test('the control-bar button and the hotkey toggle the filter', { timeout: 180_000 }, async () => {
    await withBrowser({ name: 'videojs-toggle', limit: 170_000 }, async (b) => {
      const page = await open(b, { enabled: false, storageKey: 'toggle-test' });
      await page.waitForSelector('.vjs-control-bar .vjs-upscale-toggle');
      // Placed before the fullscreen toggle, followed by the settings menu.
      const order = await page.evaluate(() => {
        const t = document.querySelector('.vjs-control-bar .vjs-upscale-toggle')!;
        return [t, t.nextElementSibling, t.nextElementSibling?.nextElementSibling].map((e) => e?.className.split(' ')[0]);
      });
      assert.deepEqual(order, ['vjs-upscale-toggle', 'vjs-upscale-menu', 'vjs-fullscreen-control']);
      const off = await toggleState(page);
      assert.match(off!.className, /\bvjs-upscale-toggle vjs-control vjs-button\b/);
      assert.deepEqual([off!.on, off!.pressed, off!.disabled, off!.title, off!.canvas], [false, 'false', false, 'Upscale: off', 'hidden']);
      await plays(page, 0.5);

      const t0 = Date.now();
      await page.click('.vjs-control-bar .vjs-upscale-toggle');
      const [enabled] = await waitEvents(page, 'upscale:enabled');
      assert.equal(enabled.model, 'se/up2x-conservative', 'the detail is the second listener argument');
      await waitFrames(page, 1);
      const firstFrameS = (Date.now() - t0) / 1000;
      const on = await toggleState(page);
      assert.deepEqual([on!.on, on!.pressed, on!.title, on!.canvas, on!.enabled], [true, 'true', 'Upscale: on', 'visible', true]);
      assert.equal((await events(page, 'upscale:enabled')).length, 1, 'each event reaches player listeners once');
      const stored = await page.evaluate(() => localStorage.getItem('toggle-test'));
      assert.equal(JSON.parse(stored!).enabled, true);

      // The hotkey, with focus in the player: off again.
      await page.evaluate(() => (window.vjsTest.player.el() as HTMLElement).focus());
      await page.keyboard.press('u');
      const [disabled] = await waitEvents(page, 'upscale:disabled');
      assert.equal(disabled.reason, 'user');
      const off2 = await toggleState(page);
      assert.deepEqual([off2!.on, off2!.pressed, off2!.canvas, off2!.enabled], [false, 'false', 'hidden', false]);
      assert.equal((await events(page, 'upscale:disabled')).length, 1);
      assert.equal(JSON.parse((await page.evaluate(() => localStorage.getItem('toggle-test')))!).enabled, false);
      // Not while typing in a text field.
      await page.evaluate(() => {
        const input = document.createElement('input');
        input.id = 'typing';
        window.vjsTest.player.el().appendChild(input);
        input.focus();
      });
      await page.keyboard.press('u');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await events(page, 'upscale:enabled')).length, 1);
      assert.equal((await toggleState(page))!.enabled, false);
      await plays(page, 0.5);
      console.log(`# toggle: first upscaled frame ${firstFrameS.toFixed(1)} s after the click`);
    });
  });

  test('the canvas lies between the <video> and the caption display; captions are drawn above it', { timeout: 180_000 }, async () => {
    await withBrowser({ name: 'videojs-captions', limit: 170_000 }, async (b) => {
      const page = await open(b, { storageKey: 'captions-test' });
      await waitEvents(page, 'upscale:enabled');
      await waitFrames(page, 1);
      const dom = await page.evaluate(() => {
        const player = window.vjsTest.player;
        const video = player.tech({ IWillNotUseThisInPlugins: true }).el();
        const canvas = video.nextElementSibling;
        const display = player.el().querySelector('.vjs-text-track-display')!;
        return {
          videoIsTech: video.tagName === 'VIDEO' && video.classList.contains('vjs-tech'),
          next: canvas?.className,
          canvases: document.querySelectorAll('canvas.cugan-canvas').length,
          canvasBeforeDisplay: !!(canvas && canvas.compareDocumentPosition(display) & Node.DOCUMENT_POSITION_FOLLOWING),
          sameParent: canvas?.parentElement === player.el() && display.parentElement === player.el(),
        };
      });
      assert.deepEqual(dom, { videoIsTech: true, next: 'cugan-canvas', canvases: 1, canvasBeforeDisplay: true, sameParent: true });

      // Paused on the first cue ("Hello from cugan", 0-2 s).
      await page.evaluate(async () => {
        const p = window.vjsTest.player;
        p.pause();
        await new Promise<void>((ok) => {
          p.one('seeked', () => ok());
          p.currentTime(0.5);
        });
      });
      const hit = await page.waitForFunction(
        () => {
          const cueEl = document.querySelector('.vjs-text-track-display .vjs-text-track-cue') as HTMLElement | null;
          const text = cueEl?.textContent ?? '';
          const track = Array.from(window.vjsTest.player.textTracks() as unknown as ArrayLike<TextTrack>).find((t) => t.kind === 'subtitles' && t.mode === 'showing');
          const active = Array.from(track?.activeCues ?? []).map((c) => (c as VTTCue).text);
          if (!cueEl || text !== active[0]) return null;
          // elementsFromPoint skips pointer-events: none (the canvas and the caption display have it).
          const style = document.createElement('style');
          style.textContent = '.cugan-canvas, .vjs-text-track-display, .vjs-text-track-display * { pointer-events: auto !important; }';
          document.head.appendChild(style);
          const r = cueEl.getBoundingClientRect();
          const stack = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          style.remove();
          const canvas = document.querySelector('.cugan-canvas') as HTMLCanvasElement;
          return {
            text,
            active,
            cueIndex: stack.findIndex((e) => cueEl.contains(e) || e === cueEl),
            canvasIndex: stack.indexOf(canvas),
            videoIndex: stack.findIndex((e) => e.tagName === 'VIDEO'),
            top: stack[0]?.className,
            canvasVisible: getComputedStyle(canvas).visibility,
          };
        },
        { timeout: 20_000, polling: 100 },
      );
      const s = (await hit.jsonValue())!;
      const vtt = readFileSync(join(streamDir, 'subs', 'en.vtt'), 'utf8');
      assert.match(vtt, /00:00:00\.000 --> 00:00:02\.000\nHello from cugan\n/);
      assert.equal(s.text, 'Hello from cugan');
      assert.deepEqual(s.active, ['Hello from cugan']);
      assert.ok(s.cueIndex >= 0 && s.canvasIndex > s.cueIndex, `caption above the canvas: ${JSON.stringify(s)}`);
      assert.ok(s.videoIndex > s.canvasIndex, `canvas above the video: ${JSON.stringify(s)}`);
      assert.equal(s.canvasVisible, 'visible');
    });
  });

  test('the settings menu switches the model; the choice survives a reload', { timeout: 300_000 }, async () => {
    await withBrowser({ name: 'videojs-menu', limit: 290_000 }, async (b) => {
      const page = await open(b, { storageKey: 'menu-test' });
      await waitEvents(page, 'upscale:enabled');
      await waitFrames(page, 1);
      assert.equal(await page.evaluate(() => window.vjsTest.plugin.stats.model), 'se/up2x-conservative');
      assert.deepEqual(await menuLines(page), [
        '# Scale', 'Auto', '2x*', '3x', '4x',
        '# Denoise', 'No denoise', 'Conservative*', 'Denoise 1x', 'Denoise 2x', 'Denoise 3x',
        '# Pro', 'Off*', 'On',
        '# Strength', '0.75', '1.0*', '1.15', '1.3',
      ]);

      // Paused while the model switches: on SwiftShader every GPU round trip of the switch waits
      // behind a frame of seconds, so a switch during playback takes tens of seconds here.
      await page.evaluate(() => window.vjsTest.player.pause());
      const t0 = Date.now();
      await clickMenuItem(page, 'Denoise 3x');
      await page.waitForFunction(() => window.vjsTest.plugin.stats.model === 'se/up2x-denoise3x', { timeout: FRAME_TIMEOUT, polling: 200 });
      const switchS = (Date.now() - t0) / 1000;
      const lines = await menuLines(page);
      assert.ok(lines.includes('Denoise 3x*') && !lines.includes('Conservative*'), JSON.stringify(lines));
      assert.deepEqual(JSON.parse((await page.evaluate(() => localStorage.getItem('menu-test')))!), { denoise: 'denoise3x' });
      const frames = await page.evaluate(() => window.vjsTest.plugin.stats.frames);
      await page.evaluate(() => window.vjsTest.player.play());
      await waitFrames(page, frames + 1); // a frame through the new model
      assert.equal(await page.evaluate(() => window.vjsTest.plugin.stats.model), 'se/up2x-denoise3x');
      await page.evaluate(() => window.vjsTest.player.pause());

      // Pro: the denoise levels shrink to the three released for pro 2x.
      await clickMenuItem(page, 'On');
      await page.waitForFunction(() => Array.from(document.querySelectorAll('.vjs-upscale-menu .vjs-menu-item')).length === 17);
      assert.deepEqual(await menuLines(page), [
        '# Scale', 'Auto', '2x*', '3x', '4x',
        '# Denoise', 'No denoise', 'Conservative', 'Denoise 3x*',
        '# Pro', 'Off', 'On*',
        '# Strength', '0.75', '1.0*', '1.15', '1.3',
      ]);
      await clickMenuItem(page, 'Off');
      await page.waitForFunction(() => document.querySelectorAll('.vjs-upscale-menu .vjs-menu-item').length === 19);

      // Reload: the stored denoise level (the page passes only scale explicitly) is back.
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => !!window.vjsTest?.plugin, { timeout: 30_000 });
      assert.deepEqual(await page.evaluate(() => window.vjsTest.plugin.choices), {
        enabled: true, scale: 2, denoise: 'denoise3x', pro: false, alpha: 1,
      });
      const [enabled] = await waitEvents(page, 'upscale:enabled');
      assert.equal(enabled.model, 'se/up2x-denoise3x');
      await page.waitForFunction(() => document.querySelectorAll('.vjs-upscale-menu .vjs-menu-item').length === 19);
      assert.ok((await menuLines(page)).includes('Denoise 3x*'));

      // Turned off with the button, reloaded: it stays off (nothing is upscaled).
      await page.click('.vjs-control-bar .vjs-upscale-toggle');
      await waitEvents(page, 'upscale:disabled');
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => !!window.vjsTest?.plugin, { timeout: 30_000 });
      await plays(page, 1);
      assert.equal((await toggleState(page))!.enabled, false);
      assert.deepEqual(await events(page, 'upscale:enabled'), []);
      // Explicit options win over stored ones (stored: enabled false, denoise3x).
      const page2 = await open(b, { storageKey: 'menu-test', denoise: 'no-denoise', alpha: 1.3 });
      const choices = await page2.evaluate(() => window.vjsTest.plugin.choices);
      assert.deepEqual(choices, { enabled: false, scale: 2, denoise: 'no-denoise', pro: false, alpha: 1.3 });
      console.log(`# menu: model switch to se/up2x-denoise3x (paused) in ${switchS.toFixed(1)} s`);
    });
  });

  test('a failure turns the button off with the error as its title; the video plays on', { timeout: 150_000 }, async () => {
    const media = await serveStatic(streamDir); // another origin, no CORS headers
    try {
      await withBrowser({ name: 'videojs-failures', limit: 140_000 }, async (b) => {
        const cases = [
          { code: 'WEIGHTS_NOT_FOUND', options: { modelBaseUrl: '/no-models-here' }, query: '', title: /^Upscaling stopped: .*no-models-here.*404/ },
          { code: 'TAINTED_SOURCE', options: {}, query: `&cors=0&src=${encodeURIComponent(`${media.url}/clip.mp4`)}`, title: /^Upscaling stopped: .*cross-origin/ },
          // An option of the wrong type: reported, the plugin stays off, player.upscale() did not throw.
          { code: 'BAD_OPTION', options: { scale: '2x', alpha: 1 }, query: '', title: null, message: /scale must be 'auto', 2, 3 or 4, got 2x/ },
        ];
        for (const c of cases) {
          const page = await open(b, { ...c.options, storageKey: 'failure-test' }, c.query);
          const [error] = await waitEvents(page, 'upscale:error');
          assert.equal(error.code, c.code, error.message ?? '');
          if (c.message) assert.match(error.message ?? '', c.message);
          if (c.title) assert.deepEqual((await waitEvents(page, 'upscale:disabled')).map((e) => e.reason), ['error']);
          const s = (await toggleState(page))!;
          assert.deepEqual([s.on, s.pressed, s.disabled, s.canvas, s.enabled], [false, 'false', false, 'hidden', false], c.code);
          if (c.title) assert.match(s.title, c.title);
          await plays(page, 1);
          assert.equal(await page.evaluate(() => localStorage.getItem('failure-test')), null, 'a failure is not a viewer choice');
          await page.close();
        }
      });
    } finally {
      await media.close();
    }
  });
});

describe('video.js plugin without WebGPU', { skip }, () => {
  test('the button is disabled with the reason as its tooltip; the video plays on', { timeout: 90_000 }, async () => {
    await withBrowser({ name: 'videojs-no-webgpu', webgpu: false, limit: 80_000 }, async (b) => {
      for (const hideWebGPU of [false, true]) {
        const page = await open(b, { storageKey: 'no-webgpu-test' }, '', hideWebGPU);
        await page.waitForSelector('.vjs-control-bar .vjs-upscale-toggle.vjs-disabled', { timeout: 20_000 });
        const [error] = await waitEvents(page, 'upscale:error', 1, 20_000);
        assert.equal(error.code, 'NO_WEBGPU');
        const s = (await toggleState(page))!;
        assert.equal(s.disabled, true);
        assert.equal(s.ariaDisabled, 'true');
        assert.match(s.title, hideWebGPU ? /^Upscaling is not available: .*navigator\.gpu is missing/ : /^Upscaling is not available: .*no GPU adapter/);
        assert.equal(s.controlText, s.title);
        assert.equal(s.canvas, 'hidden');
        assert.equal(s.enabled, false);
        assert.deepEqual((await events(page, 'upscale:disabled')).map((e) => e.reason), ['error']);
        const menu = await page.$eval('.vjs-upscale-menu', (m) => ({ cls: m.className, disabled: (m.querySelector('.vjs-menu-button') as HTMLButtonElement).disabled }));
        assert.ok(menu.cls.includes('vjs-disabled') && menu.disabled, JSON.stringify(menu));
        await plays(page, 1);
        // Neither a click nor the hotkey does anything but keep playing.
        await page.$eval('.vjs-upscale-toggle', (el) => (el as HTMLButtonElement).click());
        await page.evaluate(() => (window.vjsTest.player.el() as HTMLElement).focus());
        await page.keyboard.press('u');
        await plays(page, 0.5);
        assert.deepEqual(await events(page, 'upscale:enabled'), []);
        assert.equal((await page.evaluate(() => window.vjsTest.player.error())), null);
        // The viewer's stored choice is not overwritten by the failure.
        assert.equal(await page.evaluate(() => localStorage.getItem('no-webgpu-test')), null);
        await page.close();
      }
    });
  });

  test('a new tech element gets the canvas; dispose removes everything; native text tracks warn', { timeout: 90_000 }, async () => {
    await withBrowser({ name: 'videojs-lifecycle', webgpu: false, limit: 80_000 }, async (b) => {
      const page = await open(b, { enabled: false, storageKey: 'lifecycle-test' });
      await plays(page, 0.5);
      const afterReset = await page.evaluate(async () => {
        const p = window.vjsTest.player;
        const before = p.tech({ IWillNotUseThisInPlugins: true }).el();
        p.reset();
        p.src({ src: '/test/.media/hls/master.m3u8', type: 'application/x-mpegURL' });
        await new Promise<void>((ok) => p.one('loadedmetadata', () => ok()));
        const video = p.tech({ IWillNotUseThisInPlugins: true }).el();
        return {
          newElement: video !== before,
          next: video.nextElementSibling?.className,
          canvases: p.el().querySelectorAll('canvas.cugan-canvas').length,
          controller: window.vjsTest.plugin.controller?.video === video,
          toggles: document.querySelectorAll('.vjs-upscale-toggle').length,
        };
      });
      const { newElement, ...placed } = afterReset;
      assert.deepEqual(placed, { next: 'cugan-canvas', canvases: 1, controller: true, toggles: 1 });
      console.log(`# player.reset(): ${newElement ? 'a new' : 'the same'} <video> element`);
      await plays(page, 0.5);

      const afterDispose = await page.evaluate(() => {
        window.vjsTest.player.dispose();
        return {
          canvases: document.querySelectorAll('canvas.cugan-canvas').length,
          toggles: document.querySelectorAll('.vjs-upscale-toggle, .vjs-upscale-menu').length,
          players: Object.keys(window.vjsTest.videojs.getPlayers()).filter((k) => window.vjsTest.videojs.getPlayers()[k]).length,
        };
      });
      assert.deepEqual(afterDispose, { canvases: 0, toggles: 0, players: 0 });

      const warnings = async (query: string) => {
        const p = await open(b, { enabled: false, storageKey: 'lifecycle-test' }, query);
        await p.waitForFunction(() => !!window.vjsTest.plugin.controller, { timeout: 20_000 });
        const w = await p.evaluate(() =>
          window.vjsTest.videojs.log.history().map((h: unknown[]) => h.join(' ')).filter((s: string) => s.includes('upscale')),
        );
        await p.close();
        return w;
      };
      // Started through videojs(el, { plugins }) (before the player has children), in French.
      const viaOptions = await open(b, { enabled: false, storageKey: 'lifecycle-test' }, '&via=options&lang=fr');
      await viaOptions.waitForSelector('.vjs-upscale-toggle.vjs-disabled', { timeout: 20_000 });
      const fr = await viaOptions.evaluate(() => {
        const video = window.vjsTest.player.tech({ IWillNotUseThisInPlugins: true }).el();
        return {
          next: video.nextElementSibling?.className,
          title: (document.querySelector('.vjs-upscale-toggle') as HTMLElement).title,
          items: Array.from(document.querySelectorAll('.vjs-upscale-menu .vjs-menu-item-text')).map((e) => e.textContent),
        };
      });
      assert.equal(fr.next, 'cugan-canvas');
      assert.match(fr.title, /^Amélioration indisponible : /);
      assert.ok(fr.items.includes('Débruitage 3x') && fr.items.includes('Conservative'), JSON.stringify(fr.items));
      await viaOptions.close();

      const native = await warnings('&native=1');
      assert.equal(native.length, 1, JSON.stringify(native));
      assert.match(native[0], /WARN.*captions would be drawn under the upscaling canvas.*nativeTextTracks: false/);
      assert.deepEqual(await warnings(''), []);
      assert.ok(!b.log.some((l) => l.includes('pageerror')), b.logText());
    });
  });
});
