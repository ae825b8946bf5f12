// Exact frame reuse (GraphExecutor.enableReuse): a frame equal to the last one skips the network
// (checked on the GPU, no readback) and shows the same pixels; any change, and an alpha change,
// runs it again and gives exactly what a run without reuse gives.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import type { GraphExecutor, PackPasses } from '../../src/runtime/gpu/executor.js';
import { readTexture } from '../../src/runtime/gpu/readback.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import { modelsAvailable } from '../helpers/models.js';
import { rng as makeRng } from '../helpers/reference.js';

const MODEL = 'se/up2x-conservative';
const W = 20;
const H = 14;

function image(seed: number): Uint8Array<ArrayBuffer> {
  const rng = makeRng(seed);
  return Uint8Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rng() * 256)));
}

describe('frame reuse', { skip: modelsAvailable(MODEL) ? false : 'no converted models (npm run weights)' }, () => {
  let device: GPUDevice;
  let plain: ModelRunner;
  let reusing: ModelRunner;
  let exPlain: GraphExecutor;
  let exReuse: GraphExecutor;
  let texture: GPUTexture;
  let packPlain: PackPasses;
  let packReuse: PackPasses;

  before(async () => {
    device = await requestDevice();
    const packed = await loadModel(MODEL, { dtype: 'f32' });
    plain = new ModelRunner(device, packed);
    reusing = new ModelRunner(device, packed);
    exPlain = await plain.prepare(W, H);
    exReuse = await reusing.prepare(W, H);
    await exReuse.enableReuse();
    texture = device.createTexture({ size: [W, H], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    packPlain = await exPlain.packFor(texture);
    packReuse = await exReuse.packFor(texture);
  });
  after(() => {
    plain?.destroy();
    reusing?.destroy();
    device?.destroy();
  });

  async function frame(ex: GraphExecutor, pack: PackPasses, pixels: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    device.queue.writeTexture({ texture }, pixels, { bytesPerRow: W * 4 }, [W, H]);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    ex.encode(pass, pack);
    pass.end();
    device.queue.submit([enc.finish()]);
    return new Uint8Array((await readTexture(device, ex.output)).data);
  }

  async function counters(): Promise<{ frames: number; computed: number }> {
    const state = exReuse.reuseState!;
    const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(state, 0, read, 0, 16);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const [, frames, computed] = new Uint32Array(read.getMappedRange().slice(0));
    read.destroy();
    return { frames: frames!, computed: computed! };
  }

  test('a repeated frame is skipped on the GPU and shows the same pixels; changes and alpha re-run exactly', async () => {
    const a = image(1);
    const b = image(2);
    const b1 = b.slice();
    b1[(7 * W + 11) * 4 + 1]! ^= 1; // one bit of one pixel

    const refA = await frame(exPlain, packPlain, a);
    const refB = await frame(exPlain, packPlain, b);
    const refB1 = await frame(exPlain, packPlain, b1);
    assert.notDeepEqual(refB, refB1, 'a one-bit change changes the output (else the test below proves nothing)');

    assert.deepEqual(await frame(exReuse, packReuse, a), refA, 'first frame: computed');
    assert.deepEqual(await counters(), { frames: 1, computed: 1 });
    assert.deepEqual(await frame(exReuse, packReuse, a), refA, 'same frame: the last output');
    assert.deepEqual(await counters(), { frames: 2, computed: 1 }, 'the repeated frame was not computed');
    assert.deepEqual(await frame(exReuse, packReuse, b), refB, 'changed frame: computed');
    assert.deepEqual(await frame(exReuse, packReuse, b1), refB1, 'one bit changed: computed');
    assert.deepEqual(await frame(exReuse, packReuse, b1), refB1);
    assert.deepEqual(await counters(), { frames: 5, computed: 3 });

    // Alpha changes the output although the frame did not change: it must force a run.
    reusing.alpha = 1.3;
    plain.alpha = 1.3;
    const refB1Alpha = await frame(exPlain, packPlain, b1);
    assert.notDeepEqual(refB1Alpha, refB1);
    assert.deepEqual(await frame(exReuse, packReuse, b1), refB1Alpha, 'alpha change: computed');
    assert.deepEqual(await counters(), { frames: 6, computed: 4 });
    assert.ok(exReuse.bytes > exPlain.bytes, 'the kept input copy is counted in bytes');
  });
});
