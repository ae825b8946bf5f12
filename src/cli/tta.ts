// Test-time augmentation, as realcugan-ncnn-vulkan's `-x`: the network runs on the 8
// flips/transposes of the input, each output is mapped back, and the unrounded outputs are
// averaged before rounding. The transforms are pure functions (tested without a GPU); only
// upscaleTta() touches the upscaler.

import type { Upscaler } from '../runtime/upscaler.js';

/** A symmetry of the pixel grid: flips first, then a transpose (x <-> y). */
export interface Transform {
  flipX: boolean;
  flipY: boolean;
  transpose: boolean;
}

/** The 8 symmetries; the 4 without a transpose first, so a non-square input changes size once. */
export const TTA_TRANSFORMS: readonly Transform[] = [false, true].flatMap((transpose) =>
  [false, true].flatMap((flipY) => [false, true].map((flipX) => ({ flipX, flipY, transpose }))),
);

/** Size of a w x h image after the transform. */
export function transformedSize(w: number, h: number, t: Transform): [number, number] {
  return t.transpose ? [h, w] : [w, h];
}

/** Pixel index, in the transformed w' x h' image, of pixel (x, y) of the w x h original. */
function mappedIndex(x: number, y: number, w: number, h: number, t: Transform): number {
  const x0 = t.flipX ? w - 1 - x : x;
  const y0 = t.flipY ? h - 1 - y : y;
  return t.transpose ? x0 * h + y0 : y0 * w + x0;
}

type Pixels = Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;

/** The transform of a w x h image with `channels` interleaved channels (HWC). */
export function applyTransform<T extends Pixels>(src: T, w: number, h: number, channels: number, t: Transform): T {
  const dst = new (src.constructor as new (n: number) => T)(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * channels;
      const d = mappedIndex(x, y, w, h, t) * channels;
      for (let c = 0; c < channels; c++) dst[d + c] = src[s + c];
    }
  }
  return dst;
}

/**
 * The inverse: `src` is a transformed image (of size transformedSize(w, h, t)); the result is
 * the w x h image it came from.
 */
export function invertTransform<T extends Pixels>(src: T, w: number, h: number, channels: number, t: Transform): T {
  const dst = new (src.constructor as new (n: number) => T)(w * h * channels);
  addInverse(dst, src, w, h, channels, t);
  return dst;
}

/** acc[original pixel] += src[transformed pixel]: maps a transformed image back and adds it. */
export function addInverse(acc: Pixels, src: ArrayLike<number>, w: number, h: number, channels: number, t: Transform): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = (y * w + x) * channels;
      const s = mappedIndex(x, y, w, h, t) * channels;
      for (let c = 0; c < channels; c++) acc[d + c] += src[s + c];
    }
  }
}

/** Round half to even (as torch.round and the runtime's output shader). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** sum / count, rounded half to even and clamped to 0..255. */
export function toBytes(sum: ArrayLike<number>, count: number): Uint8Array {
  const out = new Uint8Array(sum.length);
  for (let i = 0; i < sum.length; i++) {
    const v = roundHalfEven(sum[i] / count);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

export interface TtaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Runs the 8 passes on an RGBA image and returns the averaged output as 8-bit RGB.
 * `onPass(k)` is called before pass k (1..8) starts.
 */
export async function upscaleTta(
  upscaler: Upscaler,
  image: TtaImage,
  onPass?: (k: number, total: number) => void,
): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  const { width: w, height: h } = image;
  const s = upscaler.model.scale;
  const ow = w * s;
  const oh = h * s;
  const sum = new Float64Array(ow * oh * 3);
  for (const [k, t] of TTA_TRANSFORMS.entries()) {
    onPass?.(k + 1, TTA_TRANSFORMS.length);
    const [tw, th] = transformedSize(w, h, t);
    const data = applyTransform(image.data, w, h, 4, t);
    await upscaler.upscale({ width: tw, height: th, data }, { raw: true });
    const raw = await upscaler.readRaw();
    if (raw.length < ow * oh * 3) throw new Error(`TTA: raw output holds ${raw.length} values, expected ${ow * oh * 3}`);
    addInverse(sum, raw, ow, oh, 3, t);
  }
  return { width: ow, height: oh, rgb: toBytes(sum, TTA_TRANSFORMS.length) };
}
