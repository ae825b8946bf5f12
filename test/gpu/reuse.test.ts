// Frame reuse (GraphExecutor.enableReuse, gpu/reuse.ts). Exact (threshold 0): a frame equal to
// the last one skips the network (checked on the GPU, no readback) and shows the same pixels;
// any change, and an alpha change, runs it again and gives exactly what a run without reuse
// gives. Near-duplicate (threshold > 0): a frame whose every 16x16 block is within the
// threshold of the input the shown output was computed from is reused; the statistic is
// checked against the CPU model in test/helpers/reuse-model.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import type { GraphExecutor, PackPasses } from '../../src/runtime/gpu/executor.js';
import { readTexture } from '../../src/runtime/gpu/readback.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import { ReuseCounters } from '../../src/runtime/video/reuse-counters.js';
import { modelsAvailable } from '../helpers/models.js';
import { rng as makeRng } from '../helpers/reference.js';
import { geometry, packInput, windowStat, type Geometry } from '../helpers/reuse-model.js';

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
  after(async () => {
    // Let the queue drain first: the next suite opens a device while this one is torn down.
    await f.device?.queue.onSubmittedWorkDone();
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
    // tiles crop their input from the frame's packed input, so they add none.
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

/** The gate's statistic (largest block mean squared difference) per window between two frames. */
function blockStats(geo: Geometry, a: Uint8Array, b: Uint8Array): number[] {
  const pa = packInput(a, geo);
  const pb = packInput(b, geo);
  return geo.windows.map((w) => windowStat(pa, pb, geo, w, 16, 'mse'));
}

/** `img` with pixel (x, y)'s red, green and blue moved by `d` levels (clamped). */
function nudged(img: Uint8Array<ArrayBuffer>, w: number, x: number, y: number, d: number): Uint8Array<ArrayBuffer> {
  const out = img.slice();
  for (let c = 0; c < 3; c++) out[(y * w + x) * 4 + c] = Math.min(255, Math.max(0, out[(y * w + x) * 4 + c]! + d));
  return out;
}

// Near-duplicate reuse, SE model: the whole frame is one window with one baseline.
describe('near-duplicate frame reuse', { skip: modelsAvailable(MODEL) ? false : 'no converted models (npm run weights)' }, () => {
  const { f, plain, reused, counters } = fixture(MODEL, W, H);
  const geo = geometry({ scale: 2, se: true, pro: false }, W, H, false);
  // Mid-grey with a gradient, so nudged pixels never clamp.
  const base = Uint8Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 255 : 60 + ((i >> 2) % W) * 4 + (i % 4) * 20));

  test('a frame just under the threshold is reused, just over it runs; a cut runs', async () => {
    const noisy = nudged(nudged(base, W, 5, 3, 6), W, 14, 9, -5);
    const [s] = blockStats(geo, base, noisy);
    assert.ok(s! > 0);
    const refBase = await plain(base);
    const refNoisy = await plain(noisy);
    assert.notDeepEqual(refNoisy, refBase, 'the nudge changes the output (else reuse could not be told from a run)');

    f.exReuse.setReuseThreshold(s! * 1.1);
    assert.deepEqual(await reused(base), refBase, 'first frame: computed');
    assert.deepEqual(await reused(noisy), refBase, 'just under the threshold: the last output again');
    assert.deepEqual(await counters(), [2, 1, 0, 0]);
    f.exReuse.setReuseThreshold(s! * 0.9);
    assert.deepEqual(await reused(noisy), refNoisy, 'just over it: computed, exactly as a plain run');
    assert.deepEqual(await counters(), [3, 2, 0, 0]);

    const cut = image(3);
    f.exReuse.setReuseThreshold(400); // 22 dB: far looser than any default
    assert.ok(blockStats(geo, noisy, cut)[0]! > 4000, 'a cut differs by far more');
    assert.deepEqual(await reused(cut), await plain(cut), 'a cut: computed');
    assert.deepEqual(await counters(), [4, 3, 0, 0]);
  });

  test('a slow drift is compared with the last computed frame, so it cannot add up past the threshold', async () => {
    // Each step moves one pixel 4 levels further: under the threshold against the previous
    // frame every time, over it against a frame two steps back.
    const steps = [base];
    for (let i = 1; i <= 4; i++) steps.push(nudged(steps[i - 1]!, W, 9, 6, 4));
    const s1 = blockStats(geo, steps[0]!, steps[1]!)[0]!;
    const s2 = blockStats(geo, steps[0]!, steps[2]!)[0]!;
    assert.ok(s2 > 2 * s1);
    const threshold = (s1 + s2) / 2;
    for (let i = 1; i <= 4; i++) assert.ok(blockStats(geo, steps[i - 1]!, steps[i]!)[0]! < threshold, 'each step alone is under the threshold');
    f.exReuse.setReuseThreshold(threshold);
    f.exReuse.invalidate();
    const before = await counters();
    const ref0 = await plain(steps[0]!);
    const ref2 = await plain(steps[2]!);
    const ref4 = await plain(steps[4]!);
    assert.deepEqual(await reused(steps[0]!), ref0, 'forced run');
    assert.deepEqual(await reused(steps[1]!), ref0, 'one step: reused');
    assert.deepEqual(await reused(steps[2]!), ref2, 'two steps from the shown output: computed (against the previous frame it would be reused)');
    assert.deepEqual(await reused(steps[3]!), ref2, 'one step from the new baseline: reused');
    assert.deepEqual(await reused(steps[4]!), ref4);
    const after = await counters();
    assert.deepEqual([after[0]! - before[0]!, after[1]! - before[1]!], [5, 3], 'frames 0, 2 and 4 of 5 computed');

    // The player's stats read the same counters back asynchronously (video/reuse-counters.ts).
    const meter = new ReuseCounters(f.device);
    const enc = f.device.createCommandEncoder();
    meter.record(enc, f.exReuse.reuseCounters!);
    f.device.queue.submit([enc.finish()]);
    meter.collect();
    for (let i = 0; i < 100 && !meter.latest; i++) await new Promise((r) => setTimeout(r, 20));
    const [frames, computed] = after;
    assert.deepEqual(meter.latest, { frames, computed, regionFrames: 0, regionTiles: 0, tiles: 0, reused: (frames! - computed!) / frames!, work: computed! / frames! });
    meter.destroy();
  });
});

// Near-duplicate region reuse (no-SE model, the 120x8 frame of 'region reuse' above: windows at
// padded x 0 and 48, 108 px wide, overlapping over frame x 30..89): each tile keeps the input it
// last ran on, so a rerun of one tile does not move the other's baseline.
describe('near-duplicate region reuse', { skip: modelsAvailable(NOSE) ? false : 'no converted models (npm run weights)' }, () => {
  const RW = 120;
  const RH = 8;
  const { f, plain, reused, counters } = fixture(NOSE, RW, RH);
  const geo = geometry({ scale: 2, se: false, pro: false }, RW, RH, true);
  const base = Uint8Array.from({ length: RW * RH * 4 }, (_, i) => (i % 4 === 3 ? 255 : 60 + ((i >> 2) % 40) * 3 + (i % 4) * 10));
  /** The output pixels tile k writes, of an RW*2 x RH*2 RGBA image. */
  const region = (img: Uint8Array, k: number) => {
    const r = geo.windows[k]!.out;
    const rows = [];
    for (let y = r.y; y < r.y + r.h; y++) rows.push(...img.subarray((y * RW * 2 + r.x) * 4, (y * RW * 2 + r.x + r.w) * 4));
    return rows;
  };

  test('a tile reruns when its own input drifted past the threshold, even after the other tile took the drift as its baseline', async () => {
    assert.equal(geo.windows.length, 2);
    const f1 = nudged(base, RW, 60, 4, 5); // in both windows: under the threshold
    const f2 = nudged(f1, RW, 10, 4, 60); // left window only: over it
    const f3 = nudged(f2, RW, 60, 4, 5); // in both: a small step again
    const [l1, r1] = blockStats(geo, base, f1);
    const threshold = 1.5 * Math.max(l1!, r1!);
    const [l2, r2] = blockStats(geo, f1, f2);
    assert.ok(l2! > threshold && r2 === 0, 'f2 changes the left window only');
    const [l3] = blockStats(geo, f2, f3);
    const [, r3] = blockStats(geo, base, f3);
    assert.ok(l3! < threshold, 'f3 against the left tile\'s baseline (f2): under');
    assert.ok(r3! > threshold, 'f3 against the right tile\'s baseline (the first frame): over');
    assert.ok(blockStats(geo, f2, f3)[1]! < threshold, 'against a baseline shared with the left tile, the right one would see no change');
    f.exReuse.setReuseThreshold(threshold);

    const ref0 = await plain(base);
    const ref2 = await plain(f2);
    const ref3 = await plain(f3);
    assert.deepEqual(await reused(base), ref0, 'first frame: whole');
    assert.deepEqual(await reused(f1), ref0, 'a small change: reused');
    const out2 = await reused(f2);
    assert.deepEqual(await counters(), [3, 1, 1, 1], 'f2: the left tile ran');
    assert.deepEqual(region(out2, 0), region(ref2, 0), 'the left tile shows f2');
    assert.deepEqual(region(out2, 1), region(ref0, 1), 'the right tile still shows the first frame');
    const out3 = await reused(f3);
    assert.deepEqual(await counters(), [4, 1, 2, 2], 'f3: one tile ran');
    assert.deepEqual(region(out3, 1), region(ref3, 1), 'it was the right tile: it shows f3');
    assert.deepEqual(region(out3, 0), region(ref2, 0), 'the left tile still shows f2');
  });
});
