// @adapters swiftshader lavapipe
// The conv3x3 kernel families beyond the register blocks (runtime/gpu/conv-kernels.ts), each
// forced as the run's kernel set, against the official PyTorch output of a golden case (SE 2x,
// 17x13: every layer with 16+ output channels runs the family's conv3x3, with the SE scales
// fused into its loads and its skip adds): 'tiled' (workgroup memory) and 'quad' (subgroups) in
// f32 exactly as test/gpu/golden.test.ts holds the default kernels (unrounded output within 0.05
// of the official float output, every PNG byte within ±1); 'f16' (native f16 math, f16 feature
// maps) at >= 50 dB PSNR, as test/gpu/f16.test.ts holds f16 storage. 'tiled' runs everywhere;
// 'quad' and 'f16' need subgroups / shader-f16, so they run on lavapipe
// (bash scripts/gpu-test.sh --adapter lavapipe test/gpu/kernel-families.test.ts), where a
// missing feature is an error rather than a skip.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConvBlock } from '../../src/runtime/gpu/autotune.js';
import type { TensorPrecision } from '../../src/runtime/gpu/tensor-format.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import { goldenAvailable, goldenCases, goldenPath, modelId, readF32, readPng } from '../helpers/golden.js';
import { modelsAvailable } from '../helpers/models.js';
import { runModel } from '../helpers/run-model.js';
import { needsFeature } from '../helpers/adapter.js';
import { realImages, realImagesAvailable } from '../helpers/real-images.js';
import * as G from '../helpers/gpu.js';

const F32_TOLERANCE = 0.05;
const MIN_PSNR_DB = 50;
const MODEL = 'se/up2x-conservative';
const skip = !goldenAvailable ? 'no ../shared/golden' : !modelsAvailable() ? 'no converted models (npm run weights)' : false;

const FAMILIES: { set: ConvBlock; precision: TensorPrecision; feature?: GPUFeatureName }[] = [
  { set: 'tiled', precision: 'f32' },
  { set: 'quad', precision: 'f32', feature: 'subgroups' },
  { set: 'texture', precision: 'f32', feature: 'subgroups' },
  { set: 'texture', precision: 'f16', feature: 'subgroups' },
  { set: 'f16', precision: 'f16', feature: 'shader-f16' },
];

describe('conv3x3 kernel families on a golden case', { skip }, () => {
  let device: GPUDevice;
  before(async () => {
    device = await G.getDevice();
  });
  after(() => G.closeDevice());

  const c = goldenAvailable ? goldenCases().find((g) => modelId(g) === MODEL && g.width === 17 && g.alpha === 1)! : undefined;

  for (const f of FAMILIES) {
    test(`'${f.set}' (${f.precision})`, async (t) => {
      const why = f.feature ? needsFeature(device, f.feature) : false;
      if (why) return t.skip(why);
      const runner = new ModelRunner(device, await loadModel(MODEL, { dtype: 'f32' }), 1, {}, f.precision, f.set);
      try {
        const input = readPng(goldenPath(c!.input));
        const { raw, rgba } = await runModel(runner, input);
        assert.equal(runner.current?.convBlock, f.set, 'the set that ran');
        if (f.set === 'texture') assert.equal(runner.current?.kernelsByClass['conv3x3 64→64'], 'conv3x3-texture', 'the texture kernel ran');
        const ref = readF32(goldenPath(c!.output_f32));
        assert.equal(raw.length, ref.length, 'output size');
        let maxErr = 0;
        let se = 0;
        for (let i = 0; i < ref.length; i++) {
          const e = Math.abs(raw[i]! - ref[i]!);
          maxErr = e > maxErr || Number.isNaN(e) ? e : maxErr;
          se += e * e;
        }
        const psnr = 10 * Math.log10((255 * 255) / (se / ref.length));
        t.diagnostic(`${f.set}: max |ours - official| ${maxErr.toFixed(5)}, PSNR ${psnr.toFixed(2)} dB`);
        if (f.precision === 'f16') {
          assert.ok(psnr >= MIN_PSNR_DB, `${f.set}: PSNR ${psnr.toFixed(2)} dB < ${MIN_PSNR_DB}`);
          return;
        }
        assert.ok(maxErr <= F32_TOLERANCE, `${f.set}: max |ours - official| = ${maxErr}`);
        const png = readPng(goldenPath(c!.output_png));
        for (let p = 0; p < png.width * png.height; p++) {
          for (let k = 0; k < 3; k++) {
            const d = Math.abs(rgba[p * 4 + k]! - png.data[p * 4 + k]!);
            assert.ok(d <= 1, `${f.set}: PNG byte (${p % png.width},${Math.floor(p / png.width)}) channel ${k} differs by ${d}`);
          }
        }
      } finally {
        runner.destroy();
      }
    });
  }

  // Real pictures the golden set never saw (crops of ../shared/media): the f16-math family on f16
  // maps against the exact kernels' f32 output of the same picture, >= 50 dB, the figures reported.
  test("'f16' on real images: >= 50 dB from the f32 output", { skip: !realImagesAvailable && 'no ../shared/media' }, async (t) => {
    const why = needsFeature(device, 'shader-f16') || needsFeature(device, 'subgroups');
    if (why) return t.skip(why);
    const packed = await loadModel(MODEL, { dtype: 'f32' });
    const half = new ModelRunner(device, packed, 1, {}, 'f16', 'f16');
    const full = new ModelRunner(device, packed, 1, {}, 'f32', 'quad');
    try {
      const rows: string[] = [];
      for (const img of await realImages()) {
        const h = await runModel(half, img);
        const f = await runModel(full, img);
        let se = 0;
        for (let i = 0; i < f.raw.length; i++) se += (h.raw[i]! - f.raw[i]!) ** 2;
        const db = 10 * Math.log10((255 * 255) / (se / f.raw.length));
        let levels = 0;
        for (let i = 0; i < f.rgba.length; i++) if (i % 4 !== 3) levels = Math.max(levels, Math.abs(h.rgba[i]! - f.rgba[i]!));
        rows.push(`${img.name} ${db.toFixed(2)} dB, max ${levels} levels`);
        assert.ok(db >= MIN_PSNR_DB, `${img.name}: f16 math PSNR ${db.toFixed(2)} dB < ${MIN_PSNR_DB}`);
      }
      t.diagnostic(`f16 math vs f32 (${MODEL}): ${rows.join('; ')}`);
    } finally {
      half.destroy();
      full.destroy();
    }
  });

  test('the f16-math set is refused for an f32 run (stills give the official pixels)', async () => {
    const runner = new ModelRunner(device, await loadModel(MODEL, { dtype: 'f32' }), 1, {}, 'f32', 'f16');
    try {
      await assert.rejects(runner.prepare(17, 13), /'f16' conv kernels do not run at f32/);
    } finally {
      runner.destroy();
    }
  });
});
