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
const NOSE = 'nose/up2x-no-denoise';
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

// Region reuse (no-SE model): the frame is split into tiles with their receptive-field margins;
// when only some tiles' input windows changed and rerunning them is cheaper than the frame, only
// they run, and the output still equals a whole run exactly. A 120x8 frame gives two tiles
// (cores at x 0 and 48, windows 108 px wide in the 156 px padded input), and rerunning one of
// them (108x44 padded) costs less than the frame (156x44); two do not.
describe('region reuse', { skip: modelsAvailable(NOSE) ? false : 'no converted models (npm run weights)' }, () => {
  const RW = 120;
  const RH = 8;
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
    const packed = await loadModel(NOSE, { dtype: 'f32' });
    plain = new ModelRunner(device, packed);
    reusing = new ModelRunner(device, packed);
    exPlain = await plain.prepare(RW, RH);
    exReuse = await reusing.prepare(RW, RH);
    await exReuse.enableReuse();
    texture = device.createTexture({ size: [RW, RH], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    packPlain = await exPlain.packFor(texture);
    packReuse = await exReuse.packFor(texture);
  });
  after(() => {
    plain?.destroy();
    reusing?.destroy();
    device?.destroy();
  });

  async function frame(ex: GraphExecutor, pack: PackPasses, pixels: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    device.queue.writeTexture({ texture }, pixels, { bytesPerRow: RW * 4 }, [RW, RH]);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    ex.encode(pass, pack);
    pass.end();
    device.queue.submit([enc.finish()]);
    return new Uint8Array((await readTexture(device, ex.output)).data);
  }

  async function counters(): Promise<number[]> {
    const read = device.createBuffer({ size: 32, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(exReuse.reuseState!, 0, read, 0, 32);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    // frames, computed whole, computed as tiles, tiles run
    const words = [...new Uint32Array(read.getMappedRange().slice(0))].slice(1, 5);
    read.destroy();
    return words;
  }

  const withPixel = (img: Uint8Array<ArrayBuffer>, x: number, y: number) => {
    const out = img.slice();
    out[(y * RW + x) * 4]! ^= 0x40;
    return out;
  };
  const differs = (a: Uint8Array, b: Uint8Array, x0: number, x1: number) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (i >> 2) % (RW * 2) >= x0 && (i >> 2) % (RW * 2) < x1) return true;
    return false;
  };

  test('only the changed tiles rerun, and the output equals a whole run exactly', async () => {
    assert.equal(exReuse.regionTiles, 2, 'a 120x8 frame is split into two region tiles');
    const rng = makeRng(7);
    const a = Uint8Array.from({ length: RW * RH * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rng() * 256)));
    const left = withPixel(a, 2, 3); // inside the left tile's window only
    const middle = withPixel(left, 60, 4); // inside both windows
    const right = withPixel(middle, 117, 5); // inside the right tile's window only

    const refs = [];
    for (const img of [a, left, middle, right]) refs.push(await frame(exPlain, packPlain, img));
    assert.ok(differs(refs[0]!, refs[1]!, 0, 40), 'the left change changes the output near it');
    assert.ok(differs(refs[2]!, refs[3]!, 200, 240), 'the right change changes the output near it');

    assert.deepEqual(await frame(exReuse, packReuse, a), refs[0], 'first frame: whole');
    assert.deepEqual(await frame(exReuse, packReuse, a), refs[0], 'same frame: kept');
    assert.deepEqual(await counters(), [2, 1, 0, 0]);
    assert.deepEqual(await frame(exReuse, packReuse, left), refs[1], 'left tile rerun: equals a whole run');
    assert.deepEqual(await counters(), [3, 1, 1, 1], 'one tile ran, not the frame');
    assert.deepEqual(await frame(exReuse, packReuse, middle), refs[2], 'both tiles changed: whole run');
    assert.deepEqual(await counters(), [4, 2, 1, 1]);
    assert.deepEqual(await frame(exReuse, packReuse, right), refs[3], 'right tile rerun: equals a whole run');
    assert.deepEqual(await counters(), [5, 2, 2, 2]);

    // Alpha scales UNet2's fourth block of this model, in the twin's tiles too.
    reusing.alpha = 1.2;
    plain.alpha = 1.2;
    const refAlpha = await frame(exPlain, packPlain, right);
    assert.notDeepEqual(refAlpha, refs[3]);
    assert.deepEqual(await frame(exReuse, packReuse, right), refAlpha, 'alpha change: whole run');
    const leftAgain = await frame(exPlain, packPlain, withPixel(right, 2, 3));
    assert.deepEqual(await frame(exReuse, packReuse, withPixel(right, 2, 3)), leftAgain, 'a tile rerun after alpha changed uses the new alpha');
    assert.deepEqual(await counters(), [7, 3, 3, 3]);
  });
});
