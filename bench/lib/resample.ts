// CPU resampling for the quality table: a 2x box downscale (what makes the low-resolution
// input) and separable bilinear, bicubic (Keys, a = -0.5) and Lanczos-3 upscaling with
// pixel-centre alignment and edge clamping, on RGBA bytes (alpha passed through).
import type { RgbaImage } from '../../src/cli/image-io.js';

/** Crops to even width and height, then averages each 2x2 block (rounded). */
export function boxDownscale2x(img: RgbaImage): { original: RgbaImage; low: RgbaImage } {
  const w = img.width & ~1;
  const h = img.height & ~1;
  const original = crop(img, 0, 0, w, h);
  const lw = w / 2;
  const lh = h / 2;
  const data = new Uint8Array(lw * lh * 4);
  for (let y = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++) {
      for (let c = 0; c < 4; c++) {
        const at = (dx: number, dy: number) => original.data[((2 * y + dy) * w + 2 * x + dx) * 4 + c]!;
        data[(y * lw + x) * 4 + c] = Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4);
      }
    }
  }
  return { original, low: { width: lw, height: lh, data } };
}

export function crop(img: RgbaImage, x0: number, y0: number, w: number, h: number): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4), y * w * 4);
  return { width: w, height: h, data };
}

type Kernel = { radius: number; f: (x: number) => number };

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
export const KERNELS: Record<'bilinear' | 'bicubic' | 'lanczos3', Kernel> = {
  bilinear: { radius: 1, f: (x) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: {
    radius: 2,
    f: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t <= 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1;
      if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a;
      return 0;
    },
  },
  lanczos3: { radius: 3, f: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** Taps of each output position along one axis (normalised weights, clamped source indices). */
function taps(outN: number, inN: number, k: Kernel): { idx: Int32Array; w: Float64Array; n: number } {
  const n = 2 * k.radius;
  const idx = new Int32Array(outN * n);
  const w = new Float64Array(outN * n);
  const scale = inN / outN;
  for (let o = 0; o < outN; o++) {
    const center = (o + 0.5) * scale - 0.5;
    const first = Math.floor(center) - k.radius + 1;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const i = first + t;
      const wt = k.f(center - i);
      idx[o * n + t] = Math.min(inN - 1, Math.max(0, i));
      w[o * n + t] = wt;
      sum += wt;
    }
    for (let t = 0; t < n; t++) w[o * n + t]! /= sum;
  }
  return { idx, w, n };
}

/** Separable resize to outW x outH (horizontal pass in float, then vertical, then rounded). */
export function resize(img: RgbaImage, outW: number, outH: number, kernel: keyof typeof KERNELS): RgbaImage {
  const k = KERNELS[kernel];
  const tx = taps(outW, img.width, k);
  const ty = taps(outH, img.height, k);
  const mid = new Float64Array(outW * img.height * 4);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let t = 0; t < tx.n; t++) s += tx.w[x * tx.n + t]! * img.data[(y * img.width + tx.idx[x * tx.n + t]!) * 4 + c]!;
        mid[(y * outW + x) * 4 + c] = s;
      }
    }
  }
  const data = new Uint8Array(outW * outH * 4);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let t = 0; t < ty.n; t++) s += ty.w[y * ty.n + t]! * mid[(ty.idx[y * ty.n + t]! * outW + x) * 4 + c]!;
        data[(y * outW + x) * 4 + c] = Math.min(255, Math.max(0, Math.round(s)));
      }
    }
  }
  return { width: outW, height: outH, data };
}
