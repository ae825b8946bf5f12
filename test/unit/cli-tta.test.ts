// Test-time augmentation transforms, without a GPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addInverse, applyTransform, invertTransform, roundHalfEven, toBytes, transformedSize, TTA_TRANSFORMS } from '../../src/cli/tta.js';

const W = 5;
const H = 3;
const C = 3;
// Every value distinct: pixel (x, y) channel c holds 100 * y + 10 * x + c.
const image = Float32Array.from({ length: W * H * C }, (_, i) => {
  const p = Math.floor(i / C);
  return 100 * Math.floor(p / W) + 10 * (p % W) + (i % C);
});
const at = (a: ArrayLike<number>, w: number, x: number, y: number, c: number) => a[(y * w + x) * C + c];

test('8 distinct transforms, non-transposed first', () => {
  assert.equal(TTA_TRANSFORMS.length, 8);
  const keys = new Set(TTA_TRANSFORMS.map((t) => `${t.flipX}${t.flipY}${t.transpose}`));
  assert.equal(keys.size, 8);
  assert.deepEqual(TTA_TRANSFORMS.map((t) => t.transpose), [false, false, false, false, true, true, true, true]);
  assert.deepEqual(TTA_TRANSFORMS[0], { flipX: false, flipY: false, transpose: false });
});

test('the transforms move pixels where expected', () => {
  const fx = applyTransform(image, W, H, C, { flipX: true, flipY: false, transpose: false });
  const fy = applyTransform(image, W, H, C, { flipX: false, flipY: true, transpose: false });
  const tr = applyTransform(image, W, H, C, { flipX: false, flipY: false, transpose: true });
  const all = applyTransform(image, W, H, C, { flipX: true, flipY: true, transpose: true });
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < C; c++) {
        const v = at(image, W, x, y, c);
        assert.equal(at(fx, W, W - 1 - x, y, c), v);
        assert.equal(at(fy, W, x, H - 1 - y, c), v);
        assert.equal(at(tr, H, y, x, c), v); // transposed: H wide, W high
        assert.equal(at(all, H, H - 1 - y, W - 1 - x, c), v);
      }
    }
  }
  assert.deepEqual(transformedSize(W, H, { flipX: true, flipY: false, transpose: true }), [H, W]);
  assert.deepEqual(transformedSize(W, H, { flipX: true, flipY: true, transpose: false }), [W, H]);
});

test('each transform round-trips through its inverse (u8 RGBA and f32 RGB)', () => {
  const rgba = Uint8Array.from({ length: W * H * 4 }, (_, i) => (i * 37) % 256);
  for (const t of TTA_TRANSFORMS) {
    const f = applyTransform(image, W, H, C, t);
    assert.ok(f instanceof Float32Array);
    assert.deepEqual(invertTransform(f, W, H, C, t), image);
    const g = applyTransform(rgba, W, H, 4, t);
    assert.ok(g instanceof Uint8Array);
    assert.deepEqual(invertTransform(g, W, H, 4, t), rgba);
    if (t.flipX || t.flipY || t.transpose) assert.notDeepEqual(f, image);
  }
});

test('an upscaled transformed image maps back to the upscaled original (nearest-neighbour 2x as the network)', () => {
  const s = 2;
  const up = (src: Float32Array, w: number, h: number) =>
    Float32Array.from({ length: w * s * h * s * C }, (_, i) => {
      const p = Math.floor(i / C);
      const X = p % (w * s);
      const Y = Math.floor(p / (w * s));
      return at(src, w, Math.floor(X / s), Math.floor(Y / s), i % C);
    });
  const expected = up(image, W, H);
  const sum = new Float64Array(expected.length);
  for (const t of TTA_TRANSFORMS) {
    const [tw, th] = transformedSize(W, H, t);
    addInverse(sum, up(applyTransform(image, W, H, C, t), tw, th), W * s, H * s, C, t);
  }
  assert.deepEqual(Float32Array.from(sum, (v) => v / 8), expected);
});

test('round half to even and clamp', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4999, 2.5001, 254.5, 3].map(roundHalfEven), [0, 2, 2, 0, 2, 3, 254, 3]);
  assert.deepEqual([...toBytes([-8, 4, 12, 20, 2040, 2044, 2100, 1001.6], 8)], [0, 0, 2, 2, 255, 255, 255, 125]);
});
