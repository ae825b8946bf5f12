// The still-image runtime's contract: sources, reuse, alpha, readback, and its typed errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUpscaler, type Upscaler } from '../../src/runtime/upscaler.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { CuganError } from '../../src/runtime/errors.js';
import { modelsAvailable } from '../helpers/models.js';

const skip = modelsAvailable() ? false : 'no converted models (npm run weights)';

function testImage(w: number, h: number, seed = 1): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } {
  const data = new Uint8ClampedArray(w * h * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : (s >>> 16) & 255;
  }
  return { width: w, height: h, data };
}

const rejectsWith = (p: Promise<unknown>, code: string, pattern: RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CuganError, `expected a CuganError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });

describe('createUpscaler / upscale', { skip }, () => {
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

  test('output size, and the same pixels from ImageData and from a GPUTexture', async () => {
    const img = testImage(13, 9);
    const tex = await up.upscale(img);
    assert.deepEqual([tex.width, tex.height], [26, 18]);
    const a = await up.readImageData();
    const src = device.createTexture({ size: [13, 9], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    device.queue.writeTexture({ texture: src }, img.data, { bytesPerRow: 13 * 4 }, [13, 9]);
    await up.upscale(src);
    const b = await up.readImageData();
    assert.deepEqual(b.data, a.data);
    assert.ok(a.data.some((v, i) => i % 4 !== 3 && v !== a.data[0]), 'output is not flat');
    src.destroy();
  });

  test('alpha changes the output without a rebuild, and back again', async () => {
    const img = testImage(13, 9, 7);
    await up.upscale(img, { raw: true });
    const base = await up.readRaw();
    up.alpha = 1.3;
    await up.upscale(img, { raw: true });
    const strong = await up.readRaw();
    up.alpha = 1;
    await up.upscale(img, { raw: true });
    const again = await up.readRaw();
    assert.deepEqual(again, base);
    assert.ok(strong.some((v, i) => Math.abs(v - base[i]!) > 0.01), 'alpha 1.3 changed nothing');
  });

  test('a new input size rebuilds; memory is reported', async () => {
    await up.upscale(testImage(8, 20));
    assert.deepEqual([(await up.readImageData()).width, (await up.readImageData()).height], [16, 40]);
    assert.ok(up.bytes > 1_000_000 && up.macs > 0);
  });

  test('typed errors: empty frame, too large, bad data, bad alpha, bad precision', async () => {
    await rejectsWith(up.upscale(testImage(0, 0)), 'FRAME_EMPTY', /0x0/);
    await rejectsWith(up.upscale({ width: 40000, height: 30000, data: new Uint8ClampedArray(4) }), 'FRAME_TOO_LARGE', /40000x30000/);
    await rejectsWith(up.upscale({ width: 10, height: 10, data: new Uint8ClampedArray(40) }), 'BAD_IMAGE', /10x10/);
    await rejectsWith(up.upscale({} as never), 'BAD_IMAGE', /needs an image/);
    assert.throws(() => { up.alpha = Number.NaN; }, (e: unknown) => e instanceof CuganError && e.code === 'BAD_OPTION');
    await rejectsWith(createUpscaler({ model: 'se/up2x-conservative', device, precision: 'f8' as never }), 'BAD_OPTION', /precision/);
  });

  test('unknown model, bad bytes, and use after destroy', async () => {
    await rejectsWith(createUpscaler({ model: 'se/up5x-magic', device }), 'MODEL_UNKNOWN', /up5x-magic.*se\/up2x-conservative/);
    await rejectsWith(createUpscaler({ model: new Uint8Array(100), device }), 'WEIGHTS_CORRUPT', /too short|magic/);
    await rejectsWith(createUpscaler({ model: 'se/up2x-conservative', device, alpha: -1 }), 'BAD_OPTION', /alpha/);
    const other = await createUpscaler({ model: 'nose/up2x-no-denoise', device });
    other.destroy();
    await rejectsWith(other.upscale(testImage(4, 4)), 'DESTROYED', /destroyed/);
  });
});
