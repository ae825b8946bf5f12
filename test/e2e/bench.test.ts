// `npm run bench -- --quick` still works end to end: real Chromium, our runtime, onnxruntime-web
// (WebGPU EP and wasm) on the 64x64 ONNX graph, anime4k-webgpu, bilinear, a quality crop, and
// the JSON / Markdown / SVG files. No timing assertions (speed belongs to the benchmark, not to a
// test), but the equal-work check is asserted: onnxruntime-web's output must equal ours.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchRun } from '../../bench/lib/records.js';
import { ROOT } from '../helpers/vite.js';

const OUT = join(ROOT, 'test', '.tmp', 'bench');
const peers = process.env.CUGAN_PEERS ?? join(ROOT, '..', 'shared', 'peers');

test('npm run bench -- --quick writes ours / onnxruntime-web / anime4k / bilinear rows and a quality table', { skip: !existsSync(peers) && `no ONNX peers at ${peers}`, timeout: 400_000 }, () => {
  rmSync(OUT, { recursive: true, force: true });
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', 'test/.tmp/bench', '--name', 'quick'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 380_000,
  });
  assert.equal(r.status, 0, `bench failed (status ${r.status}):\n${r.stderr}\n${r.stdout}`);
  const run = JSON.parse(readFileSync(join(OUT, 'quick.json'), 'utf8')) as BenchRun;
  for (const ext of ['md', 'svg']) assert.ok(existsSync(join(OUT, `quick.${ext}`)), `quick.${ext} written`);
  assert.ok(existsSync(join(OUT, 'quick-quality.svg')));
  // The yardstick is the best of every kernel shape (an upper bound), f16 too where the adapter has it.
  assert.ok(run.peak.gflops > 0 && run.peak.shapes.length >= 6, `peak: ${JSON.stringify(run.peak)}`);
  assert.equal(run.peak.gflops, Math.max(...run.peak.shapes.map((s) => s.gflops)));
  assert.equal(!!run.peak_f16, run.adapter.f16);

  const row = (impl: string, backend?: string) => run.speed.find((s) => s.impl === impl && (!backend || s.backend === backend));
  const ours = row('ours');
  assert.ok(ours && ours.ms_median > 0 && ours.gmac > 4 && ours.width === 64, `ours row: ${JSON.stringify(ours)}`);
  for (const backend of ['webgpu', 'wasm']) {
    const o = row('onnxruntime-web', backend);
    assert.ok(o && o.ms_median > 0, `onnxruntime-web ${backend} row`);
    // Equal work: the same network on the same pixels gives the same output (float summation order aside).
    assert.ok(o.check!.max_abs_diff_255 < 0.05, `onnxruntime-web ${backend} output vs ours: max |diff| ${o.check!.max_abs_diff_255}`);
  }
  assert.ok(row('anime4k-webgpu')!.ms_median > 0);
  assert.ok(row('bilinear')!.ms_median > 0);
  assert.ok(!run.speed.some((s) => s.note?.startsWith('failed')), 'no failed row');

  const methods = run.quality.map((q) => q.method);
  for (const m of ['bilinear', 'bicubic', 'Lanczos-3', 'anime4k-webgpu CNNx2UL', 'Real-CUGAN se/up2x-conservative']) assert.ok(methods.includes(m), `quality row ${m}`);
  for (const q of run.quality) assert.ok(q.psnr > 15 && q.psnr < 80 && q.ssim > 0.3 && q.ssim <= 1, `${q.method}: ${q.psnr} dB, SSIM ${q.ssim}`);

  const md = readFileSync(join(OUT, 'quick.md'), 'utf8');
  assert.match(md, /\| onnxruntime-web \(webgpu\) \|/);
  assert.match(md, /our speed-up/);
});
