// Every case of ../shared/golden/manifest.json (all 18 models, alpha cases, odd and tiny sizes)
// through the real runtime on WebGPU, f32: the unrounded output within 0.05 of the official
// PyTorch float output, and every PNG byte within ±1 of the official PNG.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createUpscaler, type Upscaler } from '../../src/runtime/upscaler.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { goldenAvailable, goldenCases, goldenPath, modelId, readF32, readPng, type GoldenCase } from '../helpers/golden.js';
import { modelsAvailable } from '../helpers/models.js';

const F32_TOLERANCE = 0.05;
const skip = !goldenAvailable ? 'no ../shared/golden' : !modelsAvailable() ? 'no converted models (npm run weights)' : false;

describe('golden outputs of the official implementation', { skip }, () => {
  let device: GPUDevice;
  const byModel = new Map<string, GoldenCase[]>();
  const summary: Record<string, { cases: number; maxAbsErr: number; pngOffByOne: number; pngBytes: number }> = {};
  before(async () => {
    device = await requestDevice();
    device.addEventListener('uncapturederror', (e) => {
      throw new Error(`GPU validation error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    for (const c of goldenCases()) byModel.set(modelId(c), [...(byModel.get(modelId(c)) ?? []), c]);
  });
  after(() => {
    mkdirSync('test/.tmp', { recursive: true });
    writeFileSync('test/.tmp/golden-summary.json', JSON.stringify(summary, null, 1));
    console.log('golden summary (model: cases, max |err|, PNG bytes off by one):');
    for (const [m, s] of Object.entries(summary)) {
      console.log(`  ${m.padEnd(24)} ${s.cases}  ${s.maxAbsErr.toFixed(5)}  ${s.pngOffByOne}/${s.pngBytes}`);
    }
    device?.destroy();
  });

  for (const id of [...new Set(goldenAvailable ? goldenCases().map(modelId) : [])]) {
    test(id, async () => {
      const up: Upscaler = await createUpscaler({ model: id, device, precision: 'f32' });
      const s = (summary[id] = { cases: 0, maxAbsErr: 0, pngOffByOne: 0, pngBytes: 0 });
      try {
        for (const c of byModel.get(id)!) {
          up.alpha = c.alpha;
          const input = readPng(goldenPath(c.input));
          assert.deepEqual([input.width, input.height], [c.width, c.height]);
          const tex = await up.upscale(input, { raw: true });
          assert.deepEqual([tex.width, tex.height], [c.out_width, c.out_height]);
          const raw = await up.readRaw();
          const ref = readF32(goldenPath(c.output_f32));
          assert.equal(raw.length, ref.length, `${c.input}: output size`);
          let maxErr = 0;
          let worst = 0;
          for (let i = 0; i < ref.length; i++) {
            const e = Math.abs(raw[i]! - ref[i]!);
            if (!(e <= maxErr)) { maxErr = e; worst = i; }
          }
          assert.ok(maxErr <= F32_TOLERANCE,
            `${c.input} alpha ${c.alpha}: max |ours - official| = ${maxErr} at value ${worst} (ours ${raw[worst]}, official ${ref[worst]})`);
          const ours = await up.readImageData();
          const png = readPng(goldenPath(c.output_png));
          let off = 0;
          for (let p = 0; p < png.width * png.height; p++) {
            for (let k = 0; k < 3; k++) {
              const d = Math.abs(ours.data[p * 4 + k]! - png.data[p * 4 + k]!);
              assert.ok(d <= 1, `${c.input} alpha ${c.alpha}: PNG byte (${p % png.width},${Math.floor(p / png.width)}) channel ${k} differs by ${d}`);
              off += d;
            }
          }
          s.cases++;
          s.maxAbsErr = Math.max(s.maxAbsErr, maxErr);
          s.pngOffByOne += off;
          s.pngBytes += png.width * png.height * 3;
        }
      } finally {
        up.destroy();
      }
    });
  }
});
