// GPU memory stays flat: the runtime reports exactly the bytes it holds (checked against a
// ledger wrapping the device), 100 resolution switches (tiled and untiled sizes) return to the
// same figure, and frames at a fixed size create no GPU objects at all. (The long soak — 10 000
// frames — is `npm run soak`; on SwiftShader CI runs a small frame count.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUpscaler, type Upscaler } from '../../src/runtime/upscaler.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { modelsAvailable } from '../helpers/models.js';
import { trackDevice, type GpuLedger } from '../helpers/gpu-ledger.js';
import { rng } from '../helpers/reference.js';

const skip = modelsAvailable() ? false : 'no converted models (npm run weights)';

function image(w: number, h: number, seed: number) {
  const r = rng(seed);
  const data = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : Math.floor(r() * 256)));
  return { width: w, height: h, data };
}

describe('GPU memory', { skip }, () => {
  let device: GPUDevice;
  let ledger: GpuLedger;
  let up: Upscaler;
  before(async () => {
    device = await requestDevice();
    ledger = trackDevice(device);
    // A small budget, so some of the sizes below run as tiles (their own buffers and passes).
    up = await createUpscaler({ model: 'se/up2x-conservative', device, tileLimits: { maxTotalBytes: 2.5e6 } });
  });
  after(() => {
    up?.destroy();
    device?.destroy();
  });

  test('100 resolution switches: reported bytes = live bytes, and back to the same figure per size', async () => {
    const sizes: [number, number][] = [[4, 4], [17, 13], [7, 3], [40, 24], [2, 9]];
    const bytesAt = new Map<string, number>();
    const objectsAt = new Map<string, number>();
    let tiledSeen = false;
    // Each switch builds the new size's executor and frees the old one (a frame is not needed
    // for that); every 25th switch also runs a frame (small untiled sizes: SwiftShader is slow).
    for (let i = 0; i < 100; i++) {
      const [w, h] = sizes[i % sizes.length]!;
      if (i % 25 === 0) {
        await up.upscale(image(w, h, i));
        await device.queue.onSubmittedWorkDone();
      } else {
        await up.prepare(w, h);
      }
      tiledSeen ||= up.tiles > 1;
      assert.equal(up.gpuBytes, ledger.liveBytes, `switch ${i} to ${w}x${h}: reported ${up.gpuBytes}, live ${ledger.liveBytes}`);
      const key = `${w}x${h}`;
      if (!bytesAt.has(key)) {
        bytesAt.set(key, up.gpuBytes);
        objectsAt.set(key, ledger.liveObjects);
      }
      assert.equal(up.gpuBytes, bytesAt.get(key), `switch ${i}: ${key} holds ${up.gpuBytes} bytes, first time ${bytesAt.get(key)}`);
      assert.equal(ledger.liveObjects, objectsAt.get(key), `switch ${i}: ${key} holds ${ledger.liveObjects} GPU objects`);
    }
    assert.ok(tiledSeen, 'no size ran as tiles');
  });

  test('frames at a fixed size (whole and tiled) create no GPU objects and hold the same bytes', async () => {
    const tiledUp = await createUpscaler({ model: 'nose/up2x-no-denoise', device, tileLimits: { maxTotalBytes: 1e6 } });
    try {
      for (const [u, frames] of [[up, 8], [tiledUp, 3]] as const) {
        const img = image(4, 4, 99);
        await u.upscale(img); // builds the size
        await device.queue.onSubmittedWorkDone();
        const bytes = u.gpuBytes;
        const created = ledger.created;
        for (let f = 0; f < frames; f++) await u.upscale(img);
        await device.queue.onSubmittedWorkDone();
        assert.equal(ledger.created, created, `${ledger.created - created} GPU objects were created by ${frames} frames (${u.tiles} tiles)`);
        assert.equal(u.gpuBytes, bytes);
      }
      assert.ok(tiledUp.tiles > 1, 'the tiled upscaler ran as one tile');
      assert.equal(up.gpuBytes + tiledUp.gpuBytes, ledger.liveBytes);
    } finally {
      tiledUp.destroy();
    }
    assert.equal(up.gpuBytes, ledger.liveBytes, 'destroy() left GPU memory behind');
  });
});
