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

function image(seed: number, w = W, h = H): Uint8Array<ArrayBuffer> {
  const rng = makeRng(seed);
  return Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rng() * 256)));
}

/**
 * Two runners of `model` at w x h, one with reuse on, fed from one texture (set up and torn down
 * by the enclosing describe): `plain(pixels)` and `reused(pixels)` run a frame and read the
 * output; `counters()` reads the reuse state after its `changed` word.
 */
function fixture(model: string, w: number, h: number) {
  const f = {} as {
    device: GPUDevice; plainRunner: ModelRunner; reuseRunner: ModelRunner; exPlain: GraphExecutor; exReuse: GraphExecutor;
    texture: GPUTexture; packPlain: PackPasses; packReuse: PackPasses;
  };
  before(async () => {
    f.device = await requestDevice();
    const packed = await loadModel(model, { dtype: 'f32' });
    f.plainRunner = new ModelRunner(f.device, packed);
    f.reuseRunner = new ModelRunner(f.device, packed);
    f.exPlain = await f.plainRunner.prepare(w, h);
    f.exReuse = await f.reuseRunner.prepare(w, h);
    await f.exReuse.enableReuse();
    f.texture = f.device.createTexture({ size: [w, h], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    f.packPlain = await f.exPlain.packFor(f.texture);
    f.packReuse = await f.exReuse.packFor(f.texture);
  });
  after(() => {
    f.plainRunner?.destroy();
    f.reuseRunner?.destroy();
    f.device?.destroy();
  });
  const run = async (ex: GraphExecutor, pack: PackPasses, pixels: Uint8Array<ArrayBuffer>): Promise<Uint8Array> => {
    f.device.queue.writeTexture({ texture: f.texture }, pixels, { bytesPerRow: w * 4 }, [w, h]);
    const enc = f.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    ex.encode(pass, pack);
    pass.end();
    f.device.queue.submit([enc.finish()]);
    return new Uint8Array((await readTexture(f.device, ex.output)).data);
  };
  return {
    f,
    plain: (pixels: Uint8Array<ArrayBuffer>) => run(f.exPlain, f.packPlain, pixels),
    reused: (pixels: Uint8Array<ArrayBuffer>) => run(f.exReuse, f.packReuse, pixels),
    /** Both runners' alpha. */
    setAlpha: (a: number) => {
      f.plainRunner.alpha = a;
      f.reuseRunner.alpha = a;
    },
    /** frames, computed whole, computed as tiles, tiles run */
    counters: async (): Promise<number[]> => {
      const read = f.device.createBuffer({ size: 32, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      const enc = f.device.createCommandEncoder();
      enc.copyBufferToBuffer(f.exReuse.reuseState!, 0, read, 0, 32);
      f.device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const words = [...new Uint32Array(read.getMappedRange().slice(0))].slice(1, 5);
      read.destroy();
      return words;
    },
  };
}

describe('frame reuse', { skip: modelsAvailable(MODEL) ? false : 'no converted models (npm run weights)' }, () => {
  const { f, plain, reused, setAlpha, counters } = fixture(MODEL, W, H);

  test('a repeated frame is skipped on the GPU and shows the same pixels; changes and alpha re-run exactly', async () => {
    const a = image(1);
    const b = image(2);
    const b1 = b.slice();
    b1[(7 * W + 11) * 4 + 1]! ^= 1; // one bit of one pixel

    const refA = await plain(a);
    const refB = await plain(b);
    const refB1 = await plain(b1);
    assert.notDeepEqual(refB, refB1, 'a one-bit change changes the output (else the test below proves nothing)');

    assert.deepEqual(await reused(a), refA, 'first frame: computed');
    assert.deepEqual(await counters(), [1, 1, 0, 0]);
    assert.deepEqual(await reused(a), refA, 'same frame: the last output');
    assert.deepEqual(await counters(), [2, 1, 0, 0], 'the repeated frame was not computed');
    assert.deepEqual(await reused(b), refB, 'changed frame: computed');
    assert.deepEqual(await reused(b1), refB1, 'one bit changed: computed');
    assert.deepEqual(await reused(b1), refB1);
    assert.deepEqual(await counters(), [5, 3, 0, 0]);

    // Alpha changes the output although the frame did not change: it must force a run.
    setAlpha(1.3);
    const refB1Alpha = await plain(b1);
    assert.notDeepEqual(refB1Alpha, refB1);
    assert.deepEqual(await reused(b1), refB1Alpha, 'alpha change: computed');
    assert.deepEqual(await counters(), [6, 4, 0, 0]);
    assert.ok(f.exReuse.bytes > f.exPlain.bytes, 'the kept input copy is counted in bytes');
    assert.equal(f.exReuse.regionTiles, 0, 'an SE model gets no region tiles');
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
  const { f, plain, reused, setAlpha, counters } = fixture(NOSE, RW, RH);

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
    assert.equal(f.exReuse.regionTiles, 2, 'a 120x8 frame is split into two region tiles');
    // A video frame's pack bind groups are made per frame (external textures live one task); the
    // tiles crop their input from the kept copy, so they add none.
    assert.equal(f.packReuse.length, 1, 'one pack pass per frame, none per region tile');
    const a = image(7, RW, RH);
    const left = withPixel(a, 2, 3); // inside the left tile's window only
    const middle = withPixel(left, 60, 4); // inside both windows
    const right = withPixel(middle, 117, 5); // inside the right tile's window only

    const refs = [];
    for (const img of [a, left, middle, right]) refs.push(await plain(img));
    assert.ok(differs(refs[0]!, refs[1]!, 0, 40), 'the left change changes the output near it');
    assert.ok(differs(refs[2]!, refs[3]!, 200, 240), 'the right change changes the output near it');

    assert.deepEqual(await reused(a), refs[0], 'first frame: whole');
    assert.deepEqual(await reused(a), refs[0], 'same frame: kept');
    assert.deepEqual(await counters(), [2, 1, 0, 0]);
    assert.deepEqual(await reused(left), refs[1], 'left tile rerun: equals a whole run');
    assert.deepEqual(await counters(), [3, 1, 1, 1], 'one tile ran, not the frame');
    assert.deepEqual(await reused(middle), refs[2], 'both tiles changed: whole run');
    assert.deepEqual(await counters(), [4, 2, 1, 1]);
    assert.deepEqual(await reused(right), refs[3], 'right tile rerun: equals a whole run');
    assert.deepEqual(await counters(), [5, 2, 2, 2]);

    // Alpha scales UNet2's fourth block of this model, in the twin's tiles too.
    setAlpha(1.2);
    const refAlpha = await plain(right);
    assert.notDeepEqual(refAlpha, refs[3]);
    assert.deepEqual(await reused(right), refAlpha, 'alpha change: whole run');
    const leftAgain = await plain(withPixel(right, 2, 3));
    assert.deepEqual(await reused(withPixel(right, 2, 3)), leftAgain, 'a tile rerun after alpha changed uses the new alpha');
    assert.deepEqual(await counters(), [7, 3, 3, 3]);

    // An alpha change with a change in one tile only: the other tile's output was made with the
    // old alpha, so the frame must still run whole.
    setAlpha(1.4);
    const leftMoved = withPixel(withPixel(right, 2, 3), 4, 2);
    assert.deepEqual(await reused(leftMoved), await plain(leftMoved), 'alpha and one tile changed: whole run');
    assert.deepEqual(await counters(), [8, 4, 3, 3]);
  });
});
