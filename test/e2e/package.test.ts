// The package as a site developer gets it: `npm pack` (which builds), then a clean consumer
// project (test/.tmp/consumer) installs the tarball with video.js and hls.js, and
//   - imports each entry point in Node (`cugan-webgpu`, `/hls`, `/videojs`) and type-checks them,
//     and a strict app (TypeScript 5.9 with @webgpu/types, and TypeScript 7) that uses
//     `player.upscale()` and the typed `upscale:*` events;
//   - runs the packed `cugan` and `cugan-weights` commands (the latter writes the models folder a
//     site deploys, with its manifest);
//   - builds the README's example pages (examples/*.html, which the README must contain
//     verbatim) with Vite and loads each in headless Chromium on the local HLS test stream: the
//     upscaler must get enabled and its canvas show;
//   - runs no install script of its own (npm 11 lists packages with install scripts for review,
//     a later npm skips unreviewed ones);
//   - measures what a site pays: a page importing all three entries whole, built with Vite
//     (scripts/bundle-size.mjs), ≤ 40 KB min+gzip up front, and the README quotes that figure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { launchBrowser, openPage, type TestBrowser } from '../helpers/browser.js';
import { serveStatic, type TestServer } from '../helpers/server.js';
import { ROOT } from '../helpers/vite.js';
// @ts-expect-error a plain .mjs script without types
import { siteCost } from '../../scripts/bundle-size.mjs';

const BUDGET_BYTES = 40_000; // the three entries, min+gzip, loaded up front (the lazy wide-kernel chunk aside)
/** How far the README's size figures may be from the measured ones (they are rounded to 0.1 KB). */
const README_SLACK_BYTES = 500;
const TMP = join(ROOT, 'test', '.tmp', 'package');
const CONSUMER = join(TMP, 'consumer');
const STREAM = join(ROOT, 'test', '.media', 'hls');
const WEIGHTS = process.env.CUGAN_WEIGHTS ? resolve(process.env.CUGAN_WEIGHTS) : resolve(ROOT, '..', 'shared', 'weights', 'realcugan');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.html')).sort();
// The models the examples can pick for the 96x54 test stream in a 640x360 player (scale 'auto').
const DEPLOYED = ['up2x-conservative', 'up3x-conservative', 'up4x-conservative'];

const skip = !existsSync(join(STREAM, 'master.m3u8'))
  ? 'no test stream (node scripts/build-test-stream.mjs)'
  : !existsSync(join(WEIGHTS, 'models-se', 'up2x-conservative.param'))
    ? `no Real-CUGAN weights at ${WEIGHTS} (CUGAN_WEIGHTS)`
    : false;

/** Runs a command, throws when it fails; its stdout (and stderr after it with `withStderr`). */
function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}, withStderr = false): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return withStderr ? `${r.stdout}\n${r.stderr}` : String(r.stdout);
}

const version = (pkg: string): string => JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;

describe('the built package in a clean consumer project', { skip }, () => {
  let site: TestServer | undefined;
  let b: TestBrowser | undefined;
  let installLog = '';

  before(async () => {
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(CONSUMER, { recursive: true });
    // `npm pack` builds first (prepack: scripts/build.mjs), as `npm publish` does.
    const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', TMP]))[0];
    // The consumer: the tarball and the players' exact versions of this repository, from npm's
    // cache where it has them (npm ci filled it), else from the registry.
    writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    installLog = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn', join(TMP, packed.filename), `video.js@${version('video.js')}`, `hls.js@${version('hls.js')}`], { cwd: CONSUMER }, true);
  });
  after(async () => {
    await b?.close();
    await site?.close();
  });

  test('the tarball holds the build, the commands and the licence; no models, no sources', () => {
    const files = (JSON.parse(sh('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']))[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/hls.js', 'dist/videojs.js', 'dist/types/index.d.ts', 'dist/cli.js', 'dist/weights-cli.js', 'bin/cugan.js', 'LICENSE', 'README.md']) {
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    }
    assert.deepEqual(files.filter((f) => /\.cugan$|^models\/|^src\/|\.wgsl$|^weights\//.test(f)), []);
  });

  test('installing the package runs no install script of ours', (t) => {
    // npm 11 lists every dependency with install scripts "not yet covered by allowScripts"; a
    // later npm skips them. Install scripts are preinstall, install and postinstall, plus
    // `prepare` for non-registry sources only (npm's arborist/lib/install-scripts.js): this
    // tarball is one, so npm lists our `prepare` (the checkout's conversion, a no-op in an
    // installed package: it finds no sources); from the registry it lists nothing of ours.
    const listed = installLog.split('\n').filter((l) => /install-scripts\s+\S+@\S+ \(/.test(l));
    t.diagnostic(`install scripts npm lists for review: ${listed.map((l) => l.replace(/.*install-scripts\s+/, '')).join('; ') || 'none'}`);
    assert.deepEqual(listed.filter((l) => /cugan-webgpu@/.test(l) && !/\(prepare: [^;]*\)$/.test(l)), []);
    const manifest = JSON.parse(readFileSync(join(CONSUMER, 'node_modules', 'cugan-webgpu', 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.scripts ?? {}).filter((k) => /^(pre|post)?install$/.test(k)), []);
  });

  test('each entry imports in Node, with the expected exports and no player bundled', () => {
    const out = sh(process.execPath, ['--input-type=module', '-e', `
      const core = await import('cugan-webgpu');
      const hls = await import('cugan-webgpu/hls');
      const vjs = await import('cugan-webgpu/videojs');
      console.log(JSON.stringify({ core: Object.keys(core), hls: Object.keys(hls), vjs: Object.keys(vjs), models: core.MODELS.length }));
    `], { cwd: CONSUMER });
    const names = JSON.parse(out.trim().split('\n').pop()!);
    for (const n of ['createUpscaler', 'VideoUpscaler', 'loadModel', 'CuganError', 'MODELS', 'readManifest']) assert.ok(names.core.includes(n), `core lacks ${n}`);
    for (const n of ['attachUpscaler', 'UpscaleController']) assert.ok(names.hls.includes(n), `hls lacks ${n}`);
    for (const n of ['registerUpscalePlugin', 'getUpscalePlugin']) assert.ok(names.vjs.includes(n), `videojs lacks ${n}`);
    assert.ok(!names.core.includes('registerUpscalePlugin') && !names.core.includes('attachUpscaler'), 'the core must not carry player code');
    assert.equal(names.models, 18);
    // WGSL inside, peers outside.
    const dist = join(CONSUMER, 'node_modules', 'cugan-webgpu', 'dist');
    const js = readdirSync(dist).filter((f) => f.endsWith('.js') && !f.startsWith('node-') && !f.includes('cli'));
    const code = js.map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    assert.match(code, /@compute/, 'the WGSL sources are not in the build');
    assert.doesNotMatch(code, /\.wgsl["']\)|fetch\([^)]*\.wgsl/, 'the build fetches shader files');
    assert.match(readFileSync(join(dist, 'videojs.js'), 'utf8'), /from\s*"\.\//);
    assert.ok(!/videojs\.VERSION\s*=|Hls\.version\s*=/.test(code), 'a player seems bundled');
  });

  test('the browser build carries no Node code; the Node entry does', () => {
    const dist = join(CONSUMER, 'node_modules', 'cugan-webgpu', 'dist');
    // The three browser entries and every chunk they import, statically or dynamically.
    const files = new Set<string>();
    const visit = (f: string) => {
      if (files.has(f)) return;
      files.add(f);
      for (const m of readFileSync(join(dist, f), 'utf8').matchAll(/[`"']\.\/([\w.-]+\.js)[`"']/g)) visit(m[1]!);
    };
    for (const entry of ['index.js', 'hls.js', 'videojs.js']) visit(entry);
    assert.ok(files.size > 3 && [...files].some((f) => f.startsWith('wide-sources')), `browser files: ${[...files].join(', ')}`);
    for (const f of files) {
      const code = readFileSync(join(dist, f), 'utf8');
      assert.doesNotMatch(code, /[`"']node:/, `${f} imports a Node module`);
      assert.doesNotMatch(code, /\bprocess\b/, `${f} refers to process`);
      assert.doesNotMatch(code, /(import\(|from\s*)[`"']webgpu[`"']/, `${f} imports the webgpu package`);
    }
    const pkg = JSON.parse(readFileSync(join(CONSUMER, 'node_modules', 'cugan-webgpu', 'package.json'), 'utf8'));
    assert.equal(pkg.exports['.'].node, './dist/node.js', 'Node resolves the core to its own build');
    const node = readdirSync(dist).filter((f) => f === 'node.js' || f.startsWith('node-')).map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    assert.match(node, /import\([`"']webgpu[`"']\)/, 'the Node build loads WebGPU from the webgpu package');
  });

  test('the declarations type-check in the consumer', () => {
    writeFileSync(join(CONSUMER, 'check.ts'), [
      "import { createUpscaler, type UpscaleProgress, type CuganErrorCode } from 'cugan-webgpu';",
      "import { attachUpscaler } from 'cugan-webgpu/hls';",
      "import { registerUpscalePlugin, type UpscalePlayer } from 'cugan-webgpu/videojs';",
      "const code: CuganErrorCode = 'WEIGHTS_HASH';",
      "const p: UpscaleProgress = { model: 'se/up2x-conservative', loaded: 1, total: 2, cached: false, done: false };",
      'export { createUpscaler, attachUpscaler, registerUpscalePlugin, code, p };',
      'export type { UpscalePlayer };',
      '',
    ].join('\n'));
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [] };
    writeFileSync(join(CONSUMER, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: CONSUMER });
  });

  test('the packed cugan-weights speaks to package users: npx cugan-weights --out DIR SOURCE…, no repository defaults', () => {
    const help = sh('npx', ['--no-install', 'cugan-weights', '--help'], { cwd: CONSUMER });
    assert.equal(help.split('\n')[0], 'usage: npx cugan-weights --out DIR SOURCE…');
    assert.doesNotMatch(help, /npm run weights|\.\.\/shared/);
    // Without SOURCE (and without $CUGAN_WEIGHTS) it asks for one instead of guessing a folder.
    const env = { ...process.env };
    delete env.CUGAN_WEIGHTS;
    const r = spawnSync('npx', ['--no-install', 'cugan-weights', '--out', join(CONSUMER, 'no-models')], { cwd: CONSUMER, encoding: 'utf8', env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /name the released weights to convert: npx cugan-weights --out DIR SOURCE…/);
    assert.ok(!existsSync(join(CONSUMER, 'no-models')));
  });

  test('a strict app types player.upscale() and every upscale:* event: TypeScript 5.9 with @webgpu/types, and TypeScript 7', { timeout: 300_000 }, (t) => {
    // The app a site writes (Vite style: bundler resolution; the repository's NodeNext too). Its
    // expected-error lines fail the check if the types turn loose (any); without the plugin's
    // augmentation of video.js's Player, `player.upscale` and the listeners' details fail.
    const app = (player: string) => [
      "import videojs from 'video.js';",
      "import { createUpscaler, VideoUpscaler, type UpscaleEventMap } from 'cugan-webgpu';",
      "import { attachUpscaler } from 'cugan-webgpu/hls';",
      "import { registerUpscalePlugin, type UpscalePlugin } from 'cugan-webgpu/videojs';",
      'registerUpscalePlugin(videojs);',
      player,
      "const plugin: UpscalePlugin = player.upscale({ modelBaseUrl: '/cugan-models/', denoise: 'conservative', alpha: 1.15, storageKey: false });",
      "player.on('upscale:enabled', (_e, { model }) => console.log(model.toUpperCase()));",
      "player.on('upscale:error', (_e, { error }) => console.warn(error.code, error.message));",
      "player.on('upscale:progress', (_e, p) => console.log(p.loaded / p.total, p.cached));",
      "player.on('upscale:stats', (_e, s) => console.log(s.fps.toFixed(1), s.kernels));",
      "player.one('upscale:tuned', (_e, { kernels }) => console.log(kernels));",
      "player.on('play', () => console.log(player.currentTime()));",
      '// @ts-expect-error the detail of upscale:enabled has no `error`',
      "player.on('upscale:enabled', (_e, d) => d.error);",
      '// @ts-expect-error alpha is a number',
      "player.upscale({ alpha: 'strong' });",
      'void plugin.enable();',
      "const video = document.querySelector('video')!;",
      'const ctl = attachUpscaler(video, undefined, { scale: 2 });',
      "ctl.addEventListener('upscale:tier', (e) => console.log(e.detail.tier, e.detail.reason));",
      "ctl.addEventListener('upscale:hls-error', (e) => console.log(e.detail.fatal));",
      '// @ts-expect-error the detail of upscale:disabled has no `model`',
      "ctl.addEventListener('upscale:disabled', (e) => e.detail.model);",
      "const up = new VideoUpscaler(video, document.createElement('canvas'));",
      "const onError = (e: UpscaleEventMap['upscale:error']) => console.warn(e.detail.error.code);",
      "up.addEventListener('upscale:error', onError);",
      "const still = await createUpscaler({ model: 'se/up2x-conservative' });",
      'const device: GPUDevice = still.device;',
      'console.log(device.limits.maxBufferSize, still.precision);',
      '',
    ].join('\n');
    const dir = join(CONSUMER, 'strict');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vite-app.ts'), app("const player = videojs('player');"));
    writeFileSync(join(dir, 'node-app.ts'), app("declare const player: import('video.js/dist/types/player.js').default;"));
    // skipLibCheck off: the package's own declarations must check too.
    const base = { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2023', 'dom', 'dom.iterable'] };
    const bundler = { ...base, module: 'esnext', moduleResolution: 'bundler' };
    const configs: Array<[string, object, string]> = [
      ['ts5-bundler', { ...bundler, types: ['@webgpu/types'] }, 'vite-app.ts'],
      ['ts5-nodenext', { ...base, module: 'nodenext', moduleResolution: 'nodenext', types: ['@webgpu/types'] }, 'node-app.ts'],
      // TypeScript 7's lib.dom has the WebGPU types (@webgpu/types there would declare them twice).
      ['ts7-bundler', { ...bundler, types: [] }, 'vite-app.ts'],
    ];
    for (const [name, compilerOptions, file] of configs) writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: [file] }));
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `@webgpu/types@${version('@webgpu/types')}`], { cwd: CONSUMER });
    const ts7 = join(TMP, 'ts7');
    mkdirSync(ts7, { recursive: true });
    writeFileSync(join(ts7, 'package.json'), JSON.stringify({ name: 'ts7', private: true }));
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', 'typescript@7'], { cwd: ts7 });
    const tsc = { ts5: join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), ts7: join(ts7, 'node_modules', 'typescript', 'bin', 'tsc') };
    for (const [name] of configs) {
      const bin = tsc[name.slice(0, 3) as 'ts5' | 'ts7'];
      t.diagnostic(`${name}: TypeScript ${sh(process.execPath, [bin, '--version'], { cwd: dir }).trim()}`);
      sh(process.execPath, [bin, '-p', `tsconfig.${name}.json`], { cwd: dir });
    }
  });

  test('the packed commands run: cugan models, and cugan-weights writes a deployable folder with its manifest', () => {
    const models = sh('npx', ['--no-install', 'cugan', 'models'], { cwd: CONSUMER });
    assert.match(models, /se\/up2x-conservative/);
    assert.match(sh('npx', ['--no-install', 'cugan', '--version'], { cwd: CONSUMER }), /\d+\.\d+\.\d+/);
    const out = join(CONSUMER, 'dist', 'cugan-models');
    const sources = DEPLOYED.map((n) => join(WEIGHTS, 'models-se', `${n}.param`));
    sh('npx', ['--no-install', 'cugan-weights', '--out', out, '--dtype', 'f32', ...sources], { cwd: CONSUMER });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.models.map((m: { id: string }) => m.id), DEPLOYED.map((n) => `se/${n}`));
    for (const m of manifest.models) {
      assert.equal(readFileSync(join(out, m.file)).byteLength, m.bytes);
      assert.match(m.sha256, /^[0-9a-f]{64}$/);
    }
  });

  test(`what a site pays: the three entries in a Vite build, ≤ ${BUDGET_BYTES} bytes min+gzip up front; the README quotes it`, async (t) => {
    const cost = await siteCost(join(CONSUMER, 'size-page'));
    const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
    const total = cost.initial.gzip + cost.lazy.gzip;
    t.diagnostic(`all three entries: ${cost.initial.gzip} B min+gzip up front (${cost.initial.min} B min), ${cost.lazy.gzip} B lazily (${cost.lazy.min} B min), ${total} B in all: ${JSON.stringify(cost.files)}`);
    assert.ok(cost.initial.gzip <= BUDGET_BYTES, `the three entries load ${cost.initial.gzip} bytes min+gzip up front, over ${BUDGET_BYTES}`);
    assert.ok(cost.initial.gzip > 5_000 && cost.lazy.gzip > 1_000, 'implausibly small: is the measurement reading the bundle?');
    // One figure in the README (Set-up and Status), within README_SLACK_BYTES of this measurement.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quoted = (re: RegExp) => [...readme.matchAll(re)].map((m) => Number(m[1]) * 1000);
    const totals = quoted(/(\d+\.\d) KB min\+gzip/g);
    const upFront = quoted(/(\d+\.\d) KB (?:of it )?up front/g);
    const lazily = quoted(/(\d+\.\d) KB (?:of it )?(?:lazily|when the wide kernels)/g);
    const update = `measured ${kb(total)} min+gzip in all, ${kb(cost.initial.gzip)} up front, ${kb(cost.lazy.gzip)} lazily: update README.md`;
    assert.ok(totals.length >= 2 && upFront.length >= 1 && lazily.length >= 1, `README.md should quote the size in Set-up and Status; ${update}`);
    for (const [figures, measured] of [[totals, total], [upFront, cost.initial.gzip], [lazily, cost.lazy.gzip]] as const) {
      for (const f of figures) assert.ok(Math.abs(f - measured) <= README_SLACK_BYTES, `README.md says ${kb(f)}; ${update}`);
    }
  });

  test('the README contains every example page verbatim', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(EXAMPLES.length >= 3, `examples: ${EXAMPLES.join(', ')}`);
    for (const f of EXAMPLES) {
      const page = readFileSync(join(ROOT, 'examples', f), 'utf8').trimEnd();
      assert.ok(readme.includes(page), `README.md does not contain examples/${f} verbatim`);
    }
  });

  test('every README example, built with Vite from the tarball, upscales the test stream in Chromium', { timeout: 400_000 }, async (t) => {
    const src = join(CONSUMER, 'pages');
    mkdirSync(src, { recursive: true });
    for (const f of EXAMPLES) cpSync(join(ROOT, 'examples', f), join(src, f));
    // And a page of the core entry alone.
    writeFileSync(join(src, 'core.html'), [
      '<!doctype html><meta charset="utf-8"><title>core</title><script type="module">',
      "import { MODELS, VideoUpscaler, createUpscaler } from 'cugan-webgpu';",
      "console.log('core entry:', MODELS.length, typeof VideoUpscaler, typeof createUpscaler, await VideoUpscaler.isSupported().then((r) => r.ok));",
      '</script>',
    ].join('\n'));
    const pages = [...EXAMPLES, 'core.html'];
    const out = join(CONSUMER, 'dist', 'site');
    await build({
      configFile: false,
      root: src,
      logLevel: 'warn',
      build: {
        outDir: out,
        emptyOutDir: true,
        chunkSizeWarningLimit: 2000, // video.js is most of it
        rolldownOptions: { input: Object.fromEntries(pages.map((f) => [f.replace('.html', ''), join(src, f)])) },
      },
    });
    // The site: the built pages, the models folder (`cugan-weights --out`) and the stream.
    cpSync(join(CONSUMER, 'dist', 'cugan-models'), join(out, 'cugan-models'), { recursive: true });
    cpSync(STREAM, join(out, 'video'), { recursive: true });
    site = await serveStatic(out);
    b = await launchBrowser();
    const core = await openPage(b, `${site.url}/core.html`);
    try {
      await core.waitForFunction(() => true);
      const deadline = Date.now() + 30_000;
      while (!b.log.some((l) => l.includes('core entry:')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(b.log.some((l) => l.includes('core entry: 18 function function true')), `core page:\n${b.logText()}`);
    } finally {
      await core.close();
    }
    for (const f of EXAMPLES) {
      const page = await openPage(b, `${site.url}/${f}`);
      const t0 = Date.now();
      const from: number = b.log.length;
      try {
        await page.evaluate(() => void document.querySelector('video')?.play().catch(() => undefined));
        // The pages report through the console, as a site would: wait for "upscaling with <model>".
        const deadline = Date.now() + 120_000;
        let line: string | undefined;
        while (!(line = b.log.slice(from).find((l) => /upscaling with se\/|not upscaling:/.test(l))) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok(line && /upscaling with se\//.test(line), `${f}: the upscaler did not get enabled: ${line ?? 'no message'}`);
        const progress: string[] = b.log.slice(from).filter((l) => /model \d+ of \d+ bytes|model from the cache/.test(l));
        assert.ok(progress.length > 0, `${f}: no upscale:progress reported`);
        const canvas = await page.waitForFunction(() => {
          const c = document.querySelector('canvas.cugan-canvas') as HTMLCanvasElement | null;
          return !!c && getComputedStyle(c).visibility === 'visible' && c.width > 0;
        }, { timeout: 120_000 });
        assert.ok(await canvas.jsonValue());
        t.diagnostic(`${f}: ${line.replace(/^\[[^\]]*\]\s*/, '')} after ${Date.now() - t0} ms, canvas shown`);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${b.logText()}`);
      } finally {
        await page.close();
      }
    }
  });
});
