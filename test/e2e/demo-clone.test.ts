// The demo in two commands, from a clean checkout: `git clone` of this repository (its committed
// HEAD) into a temporary folder, the README's set-up commands there (`npm install`, with
// --prefer-offline so npm's cache serves what it has, then `npm run demo`), and headless
// Chromium on the dev server's page: the player plays the test stream (which `npm run demo`
// builds with ffmpeg on its first start) with the filter on. The clone has no ../shared beside
// it, so the weights and the stills come from $CUGAN_WEIGHTS / $CUGAN_MEDIA (default: this
// checkout's ../shared). Takes a few minutes (install, stream, a first frame on SwiftShader).
// Run: bash scripts/gpu-test.sh --browser test/e2e/demo-clone.test.ts
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_PATH, openPage, withBrowser } from '../helpers/browser.js';
import { ROOT } from '../helpers/vite.js';

const WEIGHTS = resolve(process.env.CUGAN_WEIGHTS ?? join(ROOT, '..', 'shared', 'weights', 'realcugan'));
const MEDIA = resolve(process.env.CUGAN_MEDIA ?? join(ROOT, '..', 'shared', 'media'));
const has = (cmd: string) => spawnSync(cmd, ['-version'], { stdio: 'ignore' }).error === undefined;

const skip = !existsSync(CHROMIUM_PATH)
  ? `no browser at ${CHROMIUM_PATH}`
  : !existsSync(join(ROOT, '.git'))
    ? 'not a git checkout'
    : !existsSync(join(WEIGHTS, 'models-se', 'up2x-conservative.param'))
      ? `no Real-CUGAN weights at ${WEIGHTS} (CUGAN_WEIGHTS)`
      : !existsSync(join(MEDIA, 'frame-480p.png'))
        ? `no stills at ${MEDIA} (CUGAN_MEDIA)`
        : !has('ffmpeg')
          ? 'no ffmpeg'
          : false;

/** The commands of the README's "Working on this repository" block. */
function readmeSetUp(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('Working on this repository');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? '';
  return block.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
}

describe('the demo from a fresh clone, in the README\'s two commands', { skip }, () => {
  let dir = '';
  let demo: ChildProcess | undefined;
  after(() => {
    // The dev server and what it started (its own process group).
    if (demo?.pid && demo.exitCode === null) {
      try {
        process.kill(-demo.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  test('git clone, npm install, npm run demo: the player plays the test stream with the filter on', { timeout: 900_000 }, async (t) => {
    const steps: string[] = [];
    const t0 = Date.now();
    const step = (what: string, since: number) => steps.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);
    assert.deepEqual(readmeSetUp(), ['npm install', 'npm run demo'], 'the README\'s set-up commands changed: update this test');

    dir = mkdtempSync(join(tmpdir(), 'cugan-clone-'));
    const clone = join(dir, 'cugan-webgpu');
    const git = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
    assert.equal(git.status, 0, git.stderr);
    step('clone', t0);

    const env: NodeJS.ProcessEnv = { ...process.env, CUGAN_WEIGHTS: WEIGHTS, CUGAN_MEDIA: MEDIA, PUPPETEER_SKIP_DOWNLOAD: 'true' };
    delete env.CUGAN_MODELS; // the clone's own models/, converted by its install
    const t1 = Date.now();
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(install.status, 0, `npm install failed:\n${install.stdout}\n${install.stderr}`);
    assert.ok(existsSync(join(clone, 'models', 'se', 'up2x-conservative.f32.cugan')), `npm install converted no models:\n${install.stdout}`);
    assert.ok(!existsSync(join(clone, 'test', '.media')), 'a fresh clone has no test stream yet');
    step('npm install', t1);

    // npm run demo: a Vite dev server; its URL is in what it prints once ready.
    const t2 = Date.now();
    demo = spawn('npm', ['run', 'demo', '--', '--port', '0'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    demo.stdout!.on('data', (d) => (out += String(d)));
    demo.stderr!.on('data', (d) => (out += String(d)));
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`npm run demo printed no URL within 180 s:\n${out}`)), 180_000);
      const look = () => {
        const m = /Local:\s+(http:\/\/[\w.:]+\/)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
        if (m) {
          clearTimeout(timer);
          ok(m[1]!);
        }
      };
      demo!.stdout!.on('data', look);
      demo!.on('exit', (code) => fail(new Error(`npm run demo exited (${code}):\n${out}`)));
    });
    assert.match(out, /demo: test stream ready/, out);
    assert.ok(existsSync(join(clone, 'test', '.media', 'hls', 'master.m3u8')));
    step('npm run demo (stream build, server start)', t2);

    // The page as is, but kept on the 96x54 rendition (the README's advice on a software
    // adapter: a frame takes seconds here).
    const t3 = Date.now();
    await withBrowser({ name: 'demo-clone', limit: 400_000, width: 1280, height: 800 }, async (b) => {
      const page = await openPage(b, `${url}?maxWidth=96`, { timeout: 120_000 });
      // The first load of the dev server may reload the page once (dependency pre-bundling).
      await page.waitForFunction(() => !!window.demo?.plugin, { timeout: 120_000, polling: 250 });
      await page.waitForFunction(() => (window.demo.player.currentTime() ?? 0) > 0.2, { timeout: 120_000, polling: 250 });
      const src = await page.evaluate(() => (document.querySelector('.video-js video') as HTMLVideoElement).currentSrc);
      assert.match(src, /^blob:/, 'hls.js plays the test stream through MSE');
      assert.ok(b.log.every((l) => !/media\/.*404|test stream is missing/.test(l)), b.logText());
      // The filter on: upscaled frames on the canvas, the toggle pressed.
      await page.waitForFunction(() => window.demo.plugin.stats.frames > 0, { timeout: 300_000, polling: 500 });
      step('first upscaled frame', t3);
      const state = await page.evaluate(() => ({
        enabled: window.demo.plugin.enabled,
        pressed: document.querySelector('.vjs-upscale-toggle')?.getAttribute('aria-pressed'),
        canvas: getComputedStyle(document.querySelector('.video-js .cugan-canvas')!).visibility,
        model: window.demo.plugin.stats.model,
        error: (document.getElementById('error') as HTMLElement).hidden ? '' : document.getElementById('error')!.textContent,
      }));
      assert.deepEqual(state, { enabled: true, pressed: 'true', canvas: 'visible', model: 'se/up2x-conservative', error: '' });
      // And it keeps playing under the filter.
      const at = await page.evaluate(() => window.demo.player.currentTime() ?? 0);
      await page.waitForFunction((t: number) => (window.demo.player.currentTime() ?? 0) !== t, { timeout: 60_000, polling: 250 }, at);
    });
    step('total', t0);
    t.diagnostic(steps.join('; '));
  });
});
