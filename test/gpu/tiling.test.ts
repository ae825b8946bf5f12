// Large frames run as tiles with the same pixels: tiny tile limits force golden cases (2x/3x/4x
// SE, pro, no-SE with alpha, an odd 17x13 size) through the tiled path, whose SE means are
// gathered over all tiles before any scale is used. Each must match the official output within
// the golden test's tolerance, and the untiled run closely (only the means' summation order
// differs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUpscaler } from '../../src/runtime/upscaler.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { goldenAvailable, goldenCases, goldenPath, modelId, readF32, readPng, type GoldenCase } from '../helpers/golden.js';
import { modelsAvailable } from '../helpers/models.js';
import '../helpers/gpu.js'; // refreshes the embedded WGSL from src/shaders

const F32_TOLERANCE = 0.05;
const skip = !goldenAvailable ? 'no ../shared/golden' : !modelsAvailable() ? 'no converted models (npm run weights)' : false;

/** model, input, the memory budget for one pass that forces the tiles, tiles expected at least. */
const CASES: { model: string; input: string; alpha?: number; maxTotalBytes: number; minTiles: number }[] = [
  { model: 'se/up2x-denoise3x', input: 'lianggong_17x13', maxTotalBytes: 2.5e6, minTiles: 2 }, // last column shifted back
  { model: 'se/up2x-conservative', input: 'llssed_32x32', alpha: 1.3, maxTotalBytes: 3.5e6, minTiles: 4 },
  { model: 'se/up3x-denoise3x', input: 'lianggong_17x13', maxTotalBytes: 2.5e6, minTiles: 6 },
  { model: 'se/up4x-conservative', input: 'lianggong_17x13', maxTotalBytes: 3.5e6, minTiles: 4 },
  { model: 'pro/up2x-conservative', input: 'lianggong_17x13', maxTotalBytes: 2.5e6, minTiles: 2 },
  { model: 'nose/up2x-no-denoise', input: 'lianggong_17x13', maxTotalBytes: 2.5e6, minTiles: 2 },
];

function findCase(model: string, input: string, alpha: number): GoldenCase | undefined {
  return goldenCases().find((c) => modelId(c) === model && c.input.includes(input) && c.alpha === alpha);
}

describe('tiled frames give the whole-frame pixels', { skip }, () => {
  let device: GPUDevice;
  before(async () => {
    device = await requestDevice();
    device.addEventListener('uncapturederror', (e) => {
      throw new Error(`GPU validation error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
  });
  after(() => device?.destroy());

  for (const k of CASES) {
    const alpha = k.alpha ?? 1;
    test(`${k.model} ${k.input} alpha ${alpha}, tiles under a ${(k.maxTotalBytes / 1e6).toFixed(1)} MB budget`, async (t) => {
      const c = findCase(k.model, k.input, alpha);
      if (!c) return t.skip('no such golden case');
      const input = readPng(goldenPath(c.input));
      // f32 explicitly: 'auto' is f16 on adapters with shader-f16 (not within the golden tolerance).
      const tiled = await createUpscaler({ model: k.model, device, alpha, precision: 'f32', tileLimits: { maxTotalBytes: k.maxTotalBytes } });
      const whole = await createUpscaler({ model: k.model, device, alpha, precision: 'f32' });
      try {
        const t0 = performance.now();
        await tiled.upscale(input, { raw: true });
        const rawTiled = await tiled.readRaw();
        const ms = performance.now() - t0;
        assert.ok(tiled.tiles >= k.minTiles, `expected tiling, ran as ${tiled.tiles} tile(s)`);
        const ref = readF32(goldenPath(c.output_f32));
        assert.equal(rawTiled.length, ref.length);
        let errGolden = 0;
        for (let i = 0; i < ref.length; i++) errGolden = Math.max(errGolden, Math.abs(rawTiled[i]! - ref[i]!));
        assert.ok(errGolden <= F32_TOLERANCE, `max |tiled - official| = ${errGolden}`);
        const png = readPng(goldenPath(c.output_png));
        const ours = await tiled.readImageData();
        for (let p = 0; p < png.width * png.height; p++) {
          for (let ch = 0; ch < 3; ch++) {
            const d = Math.abs(ours.data[p * 4 + ch]! - png.data[p * 4 + ch]!);
            assert.ok(d <= 1, `PNG byte (${p % png.width},${Math.floor(p / png.width)}) channel ${ch} differs by ${d}`);
          }
        }
        await whole.upscale(input, { raw: true });
        assert.equal(whole.tiles, 1);
        const rawWhole = await whole.readRaw();
        let errWhole = 0;
        for (let i = 0; i < ref.length; i++) errWhole = Math.max(errWhole, Math.abs(rawTiled[i]! - rawWhole[i]!));
        assert.ok(errWhole <= 0.01, `max |tiled - untiled| = ${errWhole}`);
        t.diagnostic(`${tiled.tiles} tiles, ${ms.toFixed(0)} ms; max |tiled - official| ${errGolden.toFixed(5)}, max |tiled - untiled| ${errWhole.toExponential(2)}`);
      } finally {
        tiled.destroy();
        whole.destroy();
      }
    });
  }
});
