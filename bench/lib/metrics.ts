// Image quality against the original: PSNR over the RGB channels and SSIM (Wang et al. 2004:
// 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, L 255) on BT.601 luma, both over the whole
// image.
import type { RgbaImage } from '../../src/cli/image-io.js';

function sameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`size mismatch: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
}

export function psnr(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b);
  let se = 0;
  const n = a.width * a.height;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) se += (a.data[p * 4 + c]! - b.data[p * 4 + c]!) ** 2;
  const mse = se / (n * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

function luma(img: RgbaImage): Float64Array {
  const y = new Float64Array(img.width * img.height);
  for (let p = 0; p < y.length; p++) y[p] = 0.299 * img.data[p * 4]! + 0.587 * img.data[p * 4 + 1]! + 0.114 * img.data[p * 4 + 2]!;
  return y;
}

/** Separable Gaussian blur with the window renormalised at the borders (valid everywhere). */
function blur(src: Float64Array, w: number, h: number, g: number[]): Float64Array {
  const r = (g.length - 1) / 2;
  const tmp = new Float64Array(w * h);
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let ws = 0;
      for (let t = -r; t <= r; t++) {
        const xx = x + t;
        if (xx < 0 || xx >= w) continue;
        s += g[t + r]! * src[y * w + xx]!;
        ws += g[t + r]!;
      }
      tmp[y * w + x] = s / ws;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let ws = 0;
      for (let t = -r; t <= r; t++) {
        const yy = y + t;
        if (yy < 0 || yy >= h) continue;
        s += g[t + r]! * tmp[yy * w + x]!;
        ws += g[t + r]!;
      }
      out[y * w + x] = s / ws;
    }
  }
  return out;
}

export function ssim(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b);
  const { width: w, height: h } = a;
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const x = luma(a);
  const y = luma(b);
  const prod = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]!);
  const mx = blur(x, w, h, g);
  const my = blur(y, w, h, g);
  const sxx = blur(prod(x, x), w, h, g);
  const syy = blur(prod(y, y), w, h, g);
  const sxy = blur(prod(x, y), w, h, g);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < w * h; i++) {
    const vx = sxx[i]! - mx[i]! ** 2;
    const vy = syy[i]! - my[i]! ** 2;
    const cxy = sxy[i]! - mx[i]! * my[i]!;
    sum += ((2 * mx[i]! * my[i]! + c1) * (2 * cxy + c2)) / ((mx[i]! ** 2 + my[i]! ** 2 + c1) * (vx + vy + c2));
  }
  return sum / (w * h);
}
