// Frames at the edges of the size range: zero-size sources are a typed FRAME_EMPTY; 1x1, 1xN
// and Nx1 frames give exactly the pixels of the frame with that column (row) doubled; odd sizes
// run with the right output size.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUpscaler, type Upscaler } from '../../src/runtime/upscaler.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { CuganError } from '../../src/runtime/errors.js';
import { modelsAvailable } from '../helpers/models.js';
import { rng } from '../helpers/reference.js';

const skip = modelsAvailable() ? false : 'no converted models (npm run weights)';

function image(w: number, h: number, seed: number) {
  const r = rng(seed);
  return { width: w, height: h, data: new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : Math.floor(r() * 256))) };
}

describe('zero, one-pixel and odd frames', { skip }, () => {
  let device: GPUDevice;
  let up: Upscaler;
  before(async () => {
    device = await requestDevice();
    up = await createUpscaler({ model: 'se/up2x-conservative', device });
  });
  after(() => {
    up?.destroy();
    device?.destroy();
  });

  test('zero-size sources and sizes: FRAME_EMPTY with the size in the message', async () => {
    for (const [w, h] of [[0, 0], [0, 5], [5, 0]]) {
      await assert.rejects(up.upscale({ width: w, height: h, data: new Uint8ClampedArray(0) }), (e: unknown) =>
        e instanceof CuganError && e.code === 'FRAME_EMPTY' && e.message.includes(`${w}x${h}`));
    }
    for (const [w, h] of [[0, 4], [2.5, 4], [Number.NaN, 4]]) {
      await assert.rejects(up.prepare(w, h), (e: unknown) => e instanceof CuganError && e.code === 'FRAME_EMPTY');
    }
  });

  // A one-pixel-wide frame reflect-pads to the same network input as the two-pixel-wide frame
  // with that column twice (mirroring [a] or [a, a] gives a everywhere, and both round up to
  // the same padded size), so its output must equal that frame's output cropped: exactly.
  test('1x1, 1x7 and 7x1 equal the doubled 2x2, 2x7 and 7x2 frames, cropped', async () => {
    for (const [w, h] of [[1, 1], [1, 7], [7, 1]] as const) {
      const small = image(w, h, w * 10 + h);
      const [w2, h2] = [w === 1 ? 2 : w, h === 1 ? 2 : h];
      const doubled = { width: w2, height: h2, data: new Uint8ClampedArray(w2 * h2 * 4) };
      for (let y = 0; y < h2; y++) {
        for (let x = 0; x < w2; x++) {
          const from = (Math.min(y, h - 1) * w + Math.min(x, w - 1)) * 4;
          doubled.data.set(small.data.subarray(from, from + 4), (y * w2 + x) * 4);
        }
      }
      const tex = await up.upscale(small);
      assert.deepEqual([tex.width, tex.height], [w * 2, h * 2]);
      const a = await up.readImageData();
      await up.upscale(doubled);
      const b = await up.readImageData();
      for (let y = 0; y < a.height; y++) {
        for (let x = 0; x < a.width; x++) {
          const pa = [...a.data.subarray((y * a.width + x) * 4, (y * a.width + x) * 4 + 4)];
          const pb = [...b.data.subarray((y * b.width + x) * 4, (y * b.width + x) * 4 + 4)];
          assert.deepEqual(pa, pb, `${w}x${h}: pixel (${x},${y})`);
        }
      }
      if (w * h > 1) assert.ok(new Set(a.data).size > 10, `${w}x${h}: output is flat`);
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(a.data[c]! - small.data[c]!);
        if (w * h === 1) assert.ok(d <= 16, `1x1 channel ${c}: ${a.data[c]} from ${small.data[c]}`);
      }
    }
  });

  test('odd sizes (3x5, 9x2) and 3x: the output size is exactly scale x input', async () => {
    for (const [w, h] of [[3, 5], [9, 2]] as const) {
      const tex = await up.upscale(image(w, h, w + h));
      assert.deepEqual([tex.width, tex.height], [w * 2, h * 2]);
    }
    const up3 = await createUpscaler({ model: 'se/up3x-conservative', device });
    try {
      const tex = await up3.upscale(image(5, 3, 3));
      assert.deepEqual([tex.width, tex.height], [15, 9]);
      assert.ok(new Set((await up3.readImageData()).data).size > 10);
    } finally {
      up3.destroy();
    }
  });
});
