// The converter as a whole: finding models in a folder, output paths, skipping up-to-date
// files, the CLI and the postinstall hook (which must never fail an install).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findModel } from '../../src/runtime/model/architecture.js';
import { readPackedModel } from '../../src/runtime/model/packed-format.js';
import { convertAll, findModelSources, outputPath } from '../../weights/convert.js';
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

test('postinstall exits 0 with a note when there are no weights', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'weights', 'postinstall.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CUGAN_WEIGHTS: join(tmp, 'no-weights-here') },
  });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /no Real-CUGAN weights at .*no-weights-here/);
});
