// @adapters swiftshader lavapipe
// precision 'f16' (feature maps stored as IEEE half floats, math in f32) against the official
// PyTorch output: at least 50 dB PSNR on golden cases of every family (SE 2x with and without
// denoise, 3x, 4x, pro, no-SE). PSNR is of the unrounded output (readRaw(), 0..255 space) against
// the official float output: 10 log10(255^2 / MSE) over every value of the case. Each model's
// first case is also run at f32 and must differ, so the test proves half storage is in use.
// And 'auto' resolves to f32 on an adapter without shader-f16 (f16 where it has it), and frame
// reuse compares the half-float input tensors (frame-diff.wgsl with F16). Runs on SwiftShader
// (half floats packed in u32) and on lavapipe (native f16 storage: shader-f16).
// Then a real-image set the golden set never saw (crops of ../shared/media frames, read at run
// time): per family, f16 against our f32 output (which equals the official output to <= 0.0063 on
// every golden case), PSNR >= 50 dB and the largest difference of the 8-bit pixels, reported.
// CUGAN_F16_ALL=1 runs every golden case (all models, alphas and sizes; several minutes on
// SwiftShader) and every model on the real images, instead of the default subsets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createUpscaler } from '../../src/runtime/upscaler.js';
import { runModel } from '../helpers/run-model.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { goldenAvailable, goldenCases, goldenPath, modelId, readF32, readPng, type GoldenCase } from '../helpers/golden.js';
import { modelsAvailable } from '../helpers/models.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import { readTexture } from '../../src/runtime/gpu/readback.js';
import { MODELS } from '../../src/runtime/model/architecture.js';
import { realImages, realImagesAvailable } from '../helpers/real-images.js';
import { testAdapter } from '../helpers/adapter.js';

const MIN_PSNR_DB = 50;
/** Every family (SE 2x/3x/4x with and without denoise, pro 2x/3x, no-SE) on the small golden sizes. */
const EVERY_FAMILY = ['se/up2x-no-denoise', 'se/up2x-denoise3x', 'se/up3x-conservative', 'se/up4x-no-denoise', 'pro/up2x-no-denoise', 'pro/up3x-denoise3x', 'nose/up2x-no-denoise'];
/**
 * lavapipe compiles every pipeline at its first dispatch, slowly (~6 min of CPU for the whole
 * file): there native f16 storage is checked on the 2x models (SE, pro, no-SE), the f32 runs and
 * the real images are left to SwiftShader (the same stored bytes, the same f32 math).
 */
const ON_LAVAPIPE = testAdapter === 'lavapipe';
const SUBSET = ON_LAVAPIPE ? ['se/up2x-no-denoise', 'pro/up2x-no-denoise', 'nose/up2x-no-denoise'] : EVERY_FAMILY;
const INPUTS = ['inputs/lianggong_17x13.png', 'inputs/llssed_32x32.png'];
const ALL = !!process.env.CUGAN_F16_ALL;
/**
 * The conv kernels the cases run on: the autotune's pick, except on lavapipe, which compiles a
 * shader at its first dispatch and slowly (the compact conv3x3 ~12 s of CPU, a wide one ~60 s):
 * there the compact kernels, with native f16 storage (shader-f16), which SwiftShader lacks.
 */
const KERNELS = testAdapter === 'lavapipe' ? 'compact' : 'auto';
const skip = !goldenAvailable ? 'no ../shared/golden' : !modelsAvailable() ? 'no converted models (npm run weights)' : false;

function psnr(ours: Float32Array, ref: Float32Array): number {
  let se = 0;
  for (let i = 0; i < ref.length; i++) se += (ours[i]! - ref[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / ref.length));
}

describe("precision 'f16' against the official output", { skip }, () => {
  let device: GPUDevice;
  const results: { model: string; input: string; alpha: number; psnr: number }[] = [];
  before(async () => {
    device = await requestDevice();
    device.addEventListener('uncapturederror', (e) => {
      throw new Error(`GPU validation error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
  });
  after(() => {
    if (results.length) {
      mkdirSync('test/.tmp', { recursive: true });
      writeFileSync(`test/.tmp/f16-psnr-${testAdapter}.json`, JSON.stringify(results, null, 1));
      console.log('f16 PSNR (dB, unrounded output vs official float output):');
      for (const r of results) console.log(`  ${r.model.padEnd(24)} ${r.input.padEnd(28)} ${String(r.alpha).padEnd(4)} ${r.psnr.toFixed(2)}`);
      console.log(`  min ${Math.min(...results.map((r) => r.psnr)).toFixed(2)}`);
    }
    device?.destroy();
  });

  test("'auto' is f32 without shader-f16, f16 with it", async () => {
    const up = await createUpscaler({ model: 'nose/up2x-no-denoise', device, precision: 'auto' });
    assert.equal(up.precision, device.features.has('shader-f16') ? 'f16' : 'f32');
    up.destroy();
  });

  test('frame reuse on f16 tensors: a repeated frame is skipped, a one-bit change runs', async () => {
    const [w, h] = [12, 10];
    const runner = new ModelRunner(device, await loadModel('nose/up2x-no-denoise', { dtype: 'f32' }), 1, {}, 'f16', KERNELS);
    const texture = device.createTexture({ size: [w, h], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    try {
      const ex = await runner.prepare(w, h);
      await ex.enableReuse();
      const pack = await ex.packFor(texture);
      const frame = async (pixels: Uint8Array<ArrayBuffer>) => {
        device.queue.writeTexture({ texture }, pixels, { bytesPerRow: w * 4 }, [w, h]);
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        ex.encode(pass, pack);
        pass.end();
        device.queue.submit([enc.finish()]);
        return new Uint8Array((await readTexture(device, ex.output)).data);
      };
      const a = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
      const b = a.slice();
      b[(5 * w + 7) * 4]! ^= 1;
      const outA = await frame(a);
      assert.deepEqual(await frame(a), outA);
      assert.notDeepEqual(await frame(b), outA, 'a one-bit change was not run');
      const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(ex.reuseState!, 0, read, 0, 16);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const [, frames, computed] = new Uint32Array(read.getMappedRange().slice(0));
      read.destroy();
      assert.deepEqual([frames, computed], [3, 2], 'frames seen, frames computed');
    } finally {
      texture.destroy();
      runner.destroy();
    }
  });

  const cases: GoldenCase[] = !goldenAvailable
    ? []
    : ALL
      ? goldenCases()
      : goldenCases().filter((c) => SUBSET.includes(modelId(c)) && INPUTS.includes(c.input) && c.alpha === 1);
  /** Two runners of one model, f16 and f32, on the kernels this adapter's run tests (see KERNELS). */
  const pair = async (id: string) => {
    const packed = await loadModel(id, { dtype: 'f32' });
    return { half: new ModelRunner(device, packed, 1, {}, 'f16', KERNELS), full: new ModelRunner(device, packed, 1, {}, 'f32', KERNELS) };
  };
  for (const id of ALL ? [...new Set(cases.map(modelId))] : SUBSET) {
    test(id, async () => {
      const mine = cases.filter((c) => modelId(c) === id);
      if (!ALL) assert.equal(mine.length, INPUTS.length, `${id}: golden cases missing`);
      const { half, full } = await pair(id);
      try {
        for (const [k, c] of mine.entries()) {
          half.alpha = full.alpha = c.alpha;
          const input = readPng(goldenPath(c.input));
          const { raw } = await runModel(half, input);
          const ref = readF32(goldenPath(c.output_f32));
          assert.equal(raw.length, ref.length, `${c.input}: output size`);
          const db = psnr(raw, ref);
          results.push({ model: id, input: c.input, alpha: c.alpha, psnr: db });
          assert.ok(db >= MIN_PSNR_DB, `${id} ${c.input}: f16 PSNR ${db.toFixed(2)} dB < ${MIN_PSNR_DB}`);
          if (k === 0) {
            if (!ON_LAVAPIPE) {
              const exact = (await runModel(full, input)).raw;
              assert.ok(exact.some((v, i) => v !== raw[i]), `${id} ${c.input}: f16 output equals the f32 output (no half storage?)`);
            }
            await full.prepare(input.width, input.height);
            // The same graph with half-size feature-map buffers (weights and textures are equal).
            assert.ok(half.bytes < full.bytes, `${id}: f16 holds ${half.bytes} bytes, f32 ${full.bytes}`);
          }
        }
      } finally {
        half.destroy();
        full.destroy();
      }
    });
  }

  /** One model per family; pro and small inputs were the touchiest on real images. */
  const REAL_MODELS = ALL
    ? MODELS.map((m) => m.id)
    : ['se/up2x-conservative', 'se/up3x-denoise3x', 'se/up4x-conservative', 'pro/up2x-denoise3x', 'pro/up3x-no-denoise', 'nose/up2x-no-denoise'];
  const real: { model: string; image: string; psnr: number; maxLevels: number; bytesOff: number; bytes: number }[] = [];
  describe('real images (crops of ../shared/media): f16 against our f32 output', { skip: !realImagesAvailable ? 'no ../shared/media' : ON_LAVAPIPE && 'on SwiftShader (the same bytes and math)' }, () => {
    after(() => {
      if (!real.length) return;
      mkdirSync('test/.tmp', { recursive: true });
      writeFileSync(`test/.tmp/f16-real-${testAdapter}.json`, JSON.stringify(real, null, 1));
      console.log(`f16 on real images (${testAdapter}): PSNR (dB, unrounded) and max |8-bit difference| vs f32, per model (RGB values):`);
      for (const id of new Set(real.map((r) => r.model))) {
        const mine = real.filter((r) => r.model === id);
        const off = mine.reduce((a, r) => a + r.bytesOff, 0);
        const all = mine.reduce((a, r) => a + r.bytes, 0);
        console.log(`  ${id.padEnd(24)} min ${Math.min(...mine.map((r) => r.psnr)).toFixed(2)} dB, max ${Math.max(...mine.map((r) => r.maxLevels))} levels, ${off} of ${all} bytes differ`);
      }
    });
    for (const id of REAL_MODELS) {
      test(id, async () => {
        const { half, full } = await pair(id);
        try {
          for (const img of await realImages()) {
            const h = await runModel(half, img);
            const f = await runModel(full, img);
            let maxLevels = 0;
            let bytesOff = 0;
            for (let i = 0; i < f.rgba.length; i++) {
              if (i % 4 === 3) continue; // alpha: 255 in both
              const d = Math.abs(h.rgba[i]! - f.rgba[i]!);
              if (d) bytesOff++;
              maxLevels = Math.max(maxLevels, d);
            }
            const db = psnr(h.raw, f.raw);
            real.push({ model: id, image: img.name, psnr: db, maxLevels, bytesOff, bytes: (f.rgba.length / 4) * 3 });
            assert.ok(db >= MIN_PSNR_DB, `${id} ${img.name}: f16 PSNR ${db.toFixed(2)} dB < ${MIN_PSNR_DB}`);
          }
        } finally {
          half.destroy();
          full.destroy();
        }
      });
    }
  });
});
