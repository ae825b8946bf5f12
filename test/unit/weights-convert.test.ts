// The converter as a whole: finding models in a folder, output paths, skipping up-to-date
// files, the CLI and the postinstall hook (which must never fail an install).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findModel } from '../../src/runtime/model/architecture.js';
import { readPackedModel } from '../../src/runtime/model/packed-format.js';
import { convertAll, findModelSources, outputPath } from '../../weights/convert.js';
import { findLicences } from '../../weights/licences.js';
import { ncnnBin, ncnnParam, need, PTH } from './weights-helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SE2 = findModel('se/up2x-conservative')!;
let tmp = '';
let src = '';

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cugan-convert-test-'));
  src = join(tmp, 'src');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A source folder with se/up2x-conservative as ncnn AND .pth (ncnn must win) and the pro .pth. */
function makeSourceFolder(t: Parameters<typeof need>[0]): boolean {
  const pro = join(PTH, 'pro-denoise3x-up3x.pth');
  const se = join(PTH, 'up2x-latest-conservative.pth');
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2), pro, se)) return false;
  if (existsSync(src)) return true;
  mkdirSync(join(src, 'models-se'), { recursive: true });
  mkdirSync(join(src, 'pth'), { recursive: true });
  copyFileSync(ncnnParam(SE2), join(src, 'models-se', 'up2x-conservative.param'));
  copyFileSync(ncnnBin(SE2), join(src, 'models-se', 'up2x-conservative.bin'));
  copyFileSync(pro, join(src, 'pth', 'pro-denoise3x-up3x.pth'));
  copyFileSync(se, join(src, 'pth', 'up2x-latest-conservative.pth'));
  return true;
}

test('outputPath is <out>/<family>/<name>.<dtype>.cugan', () => {
  assert.equal(outputPath('models', 'se/up2x-conservative', 'f32'), join('models', 'se', 'up2x-conservative.f32.cugan'));
});

test('findModelSources: one source per model, ncnn preferred, in MODELS order', async (t) => {
  if (!makeSourceFolder(t)) return;
  const found = await findModelSources(src);
  assert.deepEqual(found.map((s) => [s.id, s.format]), [['se/up2x-conservative', 'ncnn'], ['pro/up3x-denoise3x', 'pth']]);
});

test('convertAll writes both precisions, then skips them until a source changes', async (t) => {
  if (!makeSourceFolder(t)) return;
  const out = join(tmp, 'out');
  const first = await convertAll(src, out);
  assert.deepEqual(first.flatMap((r) => r.outputs.map((o) => o.skipped)), [false, false, false, false]);
  for (const id of ['se/up2x-conservative', 'pro/up3x-denoise3x']) {
    for (const dtype of ['f32', 'f16'] as const) {
      const p = readPackedModel(new Uint8Array(readFileSync(outputPath(out, id, dtype))));
      assert.deepEqual([p.model.id, p.dtype], [id, dtype]);
    }
  }
  const second = await convertAll(src, out);
  assert.ok(second.every((r) => r.outputs.every((o) => o.skipped)));
  // A newer source makes its outputs stale; --force rewrites everything.
  const future = new Date(Date.now() + 60_000);
  utimesSync(join(src, 'models-se', 'up2x-conservative.bin'), future, future);
  const third = await convertAll(src, out, { dtypes: ['f16'] });
  assert.deepEqual(third.map((r) => [r.source.id, r.outputs.map((o) => o.skipped)]), [['se/up2x-conservative', [false]], ['pro/up3x-denoise3x', [true]]]);
  const forced = await convertAll(src, out, { force: true, dtypes: ['f32'] });
  assert.ok(forced.every((r) => r.outputs.every((o) => !o.skipped)));
  assert.ok(statSync(outputPath(out, 'pro/up3x-denoise3x', 'f32')).size > 0);
});

test('the CLI converts with --out, prints a line per model, and exits 1 on a bad source', (t) => {
  if (!makeSourceFolder(t)) return;
  const out = join(tmp, 'cli-out');
  // One run (tsx start-up is the slow part): a folder, then a missing file.
  const args = ['--import', 'tsx', join(REPO, 'weights', 'cli.ts'), '--out', out, '--dtype', 'f16', src, join(tmp, 'missing.pth')];
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
  assert.match(r.stdout, /se\/up2x-conservative\s+ncnn\s+f16/);
  assert.match(r.stdout, /pro\/up3x-denoise3x\s+pth\s+f16/);
  assert.ok(existsSync(outputPath(out, 'pro/up3x-denoise3x', 'f16')));
  assert.ok(!existsSync(outputPath(out, 'pro/up3x-denoise3x', 'f32')));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /WEIGHTS_NOT_FOUND.*missing\.pth/);
});

test('the CLI\'s help speaks to package users: npx cugan-weights --out DIR SOURCE…; usage errors are one line and a hint', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'weights', 'cli.ts'), ...args], { cwd: REPO, encoding: 'utf8' });
  const help = cli('--help');
  assert.equal(help.status, 0);
  const lines = help.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'usage: npx cugan-weights --out DIR SOURCE…');
  // The repository's own defaults are one note at the end (run from a checkout only).
  const repoNote = lines.findIndex((l) => l.includes('npm run weights'));
  assert.ok(repoNote >= lines.length - 2, `npm run weights only in the closing note:\n${help.stdout}`);
  assert.ok(lines.slice(0, repoNote).every((l) => !l.includes('../shared')), help.stdout);
  const bad = cli('--frobnicate');
  assert.equal(bad.status, 1);
  assert.deepEqual(bad.stderr.trimEnd().split('\n'), ['error [BAD_OPTION]: unknown option --frobnicate', 'run `npx cugan-weights --help` for the options']);
});

test('licences: the nearest folder with LICENSE files, up to two above the source, never a project root above it', async () => {
  const root = join(tmp, 'lic');
  const files: Record<string, string> = {
    'release/LICENSE-Real-CUGAN': 'MIT bilibili', 'release/LICENSE-ncnn-port': 'MIT nihui', 'release/models-se/x.param': '',
    'deep/LICENSE': 'MIT', 'deep/a/b/models-nose/x.param': '',
    'proj/package.json': '{}', 'proj/LICENSE': 'the project', 'proj/weights/models-se/x.param': '',
    'own/models-pro/LICENSE.txt': 'own', 'own/LICENSE': 'outer',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  const rel = async (p: string) => (await findLicences(join(root, p))).map((f) => f.slice(root.length + 1));
  assert.deepEqual(await rel('release/models-se'), ['release/LICENSE-Real-CUGAN', 'release/LICENSE-ncnn-port']);
  assert.deepEqual(await rel('release/models-se/x.param'), ['release/LICENSE-Real-CUGAN', 'release/LICENSE-ncnn-port']);
  assert.deepEqual(await rel('release'), ['release/LICENSE-Real-CUGAN', 'release/LICENSE-ncnn-port']);
  assert.deepEqual(await rel('deep/a/b/models-nose'), [], 'three folders up is too far');
  assert.deepEqual(await rel('deep/a/b'), ['deep/LICENSE']);
  assert.deepEqual(await rel('proj/weights/models-se'), [], 'a project root above the source is not searched');
  assert.deepEqual(await rel('own/models-pro'), ['own/models-pro/LICENSE.txt'], 'the nearest folder wins');
});

test('the CLI copies the licences found up the tree of one ncnn folder, and warns in one line when there are none', (t) => {
  const nose = findModel('nose/up2x-no-denoise')!;
  if (!need(t, ncnnParam(nose), ncnnBin(nose))) return;
  // A release unpacked with its licences at the top, and a bare folder of the same model.
  const release = join(tmp, 'release-nose');
  const bare = join(tmp, 'bare', 'x', 'y', 'models-nose');
  for (const dir of [join(release, 'models-nose'), bare]) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(ncnnParam(nose), join(dir, 'up2x-no-denoise.param'));
    copyFileSync(ncnnBin(nose), join(dir, 'up2x-no-denoise.bin'));
  }
  writeFileSync(join(release, 'LICENSE'), 'The MIT License (MIT)\n\nCopyright (c) 2019 nihui\n');
  const out = join(tmp, 'lic-out');
  const run = (src: string) => spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'weights', 'cli.ts'), '--out', out, '--dtype', 'f32', src], { cwd: REPO, encoding: 'utf8' });
  const found = run(join(release, 'models-nose'));
  assert.equal(found.status, 0, found.stderr);
  assert.equal(readFileSync(join(out, 'LICENSE'), 'utf8'), readFileSync(join(release, 'LICENSE'), 'utf8'));
  assert.match(found.stdout, /^licences: LICENSE \(from .*release-nose\)$/m);
  assert.equal(found.stderr, '');
  rmSync(out, { recursive: true });
  const none = run(bare);
  assert.equal(none.status, 0, none.stderr);
  assert.ok(existsSync(outputPath(out, 'nose/up2x-no-denoise', 'f32')));
  const warning = none.stderr.trimEnd().split('\n');
  assert.equal(warning.length, 1, none.stderr);
  assert.match(warning[0]!, /^warning: no LICENSE file in .*models-nose or the 2 folders above it: .*MIT.*licence texts in /);
});

test('postinstall exits 0 with a note when there are no weights', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'weights', 'postinstall.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CUGAN_WEIGHTS: join(tmp, 'no-weights-here') },
  });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /no Real-CUGAN weights at .*no-weights-here/);
});
