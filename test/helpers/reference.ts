// Plain TypeScript reference ops for kernel tests (no GPU, written for clarity, not speed), on
// NCHW float tensors with PyTorch semantics, plus converters to the GPU layouts: NHWC4 tensors
// (views with offset and row stride) and conv weights packed as the runtime's mat4x4 blocks.
// Sums are taken in float64; results are stored as float32.

import { ceil4, packedConvIndex } from '../../src/runtime/model/packed-format.js';
import type { LayerSpec } from '../../src/runtime/model/architecture.js';

/** A C x H x W tensor, NCHW order: element (c, y, x) at (c * h + y) * w + x. */
export interface Tensor {
  c: number;
  h: number;
  w: number;
  data: Float32Array;
}

export const tensor = (c: number, h: number, w: number, data: Float32Array = new Float32Array(c * h * w)): Tensor => {
  if (data.length !== c * h * w) throw new Error(`tensor ${c}x${h}x${w} needs ${c * h * w} values, got ${data.length}`);
  return { c, h, w, data };
};

export const at = (t: Tensor, c: number, y: number, x: number): number => t.data[(c * t.h + y) * t.w + x]!;

/** Seeded PRNG (mulberry32): uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform values in [lo, hi). */
export function randomArray(n: number, rand: () => number, lo = -1, hi = 1): Float32Array<ArrayBuffer> {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

export const randomTensor = (c: number, h: number, w: number, rand: () => number, lo = -1, hi = 1): Tensor =>
  tensor(c, h, w, randomArray(c * h * w, rand, lo, hi));

/** Conv2d, no padding: weight [outC][inC][k][k] (PyTorch Conv2d), bias [outC]. */
export function conv2d(x: Tensor, weight: Float32Array, bias: Float32Array, outC: number, k: number, stride = 1): Tensor {
  const oh = Math.floor((x.h - k) / stride) + 1;
  const ow = Math.floor((x.w - k) / stride) + 1;
  if (weight.length !== outC * x.c * k * k) throw new Error('conv2d: weight size');
  const out = tensor(outC, oh, ow);
  for (let o = 0; o < outC; o++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        let s = bias[o]!;
        for (let i = 0; i < x.c; i++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              s += weight[((o * x.c + i) * k + ky) * k + kx]! * at(x, i, y * stride + ky, xx * stride + kx);
            }
          }
        }
        out.data[(o * oh + y) * ow + xx] = s;
      }
    }
  }
  return out;
}

/**
 * ConvTranspose2d: weight [inC][outC][k][k] (PyTorch order), bias [outC];
 * output size (in - 1) * stride - 2 * pad + k; out(oy, ox) += x(iy, ix) * w where
 * oy = iy * stride - pad + ky, ox = ix * stride - pad + kx.
 */
export function convTranspose2d(
  x: Tensor, weight: Float32Array, bias: Float32Array, outC: number, k: number, stride: number, pad: number,
): Tensor {
  const oh = (x.h - 1) * stride - 2 * pad + k;
  const ow = (x.w - 1) * stride - 2 * pad + k;
  if (weight.length !== x.c * outC * k * k) throw new Error('convTranspose2d: weight size');
  const acc = new Float64Array(outC * oh * ow);
  for (let o = 0; o < outC; o++) acc.fill(bias[o]!, o * oh * ow, (o + 1) * oh * ow);
  for (let i = 0; i < x.c; i++) {
    for (let iy = 0; iy < x.h; iy++) {
      for (let ix = 0; ix < x.w; ix++) {
        const v = at(x, i, iy, ix);
        for (let o = 0; o < outC; o++) {
          for (let ky = 0; ky < k; ky++) {
            const oy = iy * stride - pad + ky;
            if (oy < 0 || oy >= oh) continue;
            for (let kx = 0; kx < k; kx++) {
              const ox = ix * stride - pad + kx;
              if (ox < 0 || ox >= ow) continue;
              acc[(o * oh + oy) * ow + ox]! += v * weight[((i * outC + o) * k + ky) * k + kx]!;
            }
          }
        }
      }
    }
  }
  return tensor(outC, oh, ow, Float32Array.from(acc));
}

/** Elementwise map into a new tensor. */
export const map = (t: Tensor, f: (v: number, c: number) => number): Tensor => {
  const out = tensor(t.c, t.h, t.w);
  const plane = t.h * t.w;
  for (let i = 0; i < t.data.length; i++) out.data[i] = f(t.data[i]!, Math.floor(i / plane));
  return out;
};

/** Elementwise a + b. */
export const add = (a: Tensor, b: Tensor): Tensor => {
  if (a.c !== b.c || a.h !== b.h || a.w !== b.w) throw new Error('add: shapes differ');
  return tensor(a.c, a.h, a.w, a.data.map((v, i) => v + b.data[i]!));
};

/** Per-channel scale: t[c] * s[c]. */
export const scaleChannels = (t: Tensor, s: ArrayLike<number>): Tensor => map(t, (v, c) => v * s[c]!);

/** Leaky ReLU, slope 0.1. */
export const lrelu = (t: Tensor): Tensor => map(t, (v) => (v < 0 ? v * 0.1 : v));

/** A crop (H x W window at (x, y)). */
export function crop(t: Tensor, x: number, y: number, w: number, h: number): Tensor {
  const out = tensor(t.c, h, w);
  for (let c = 0; c < t.c; c++) for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) out.data[(c * h + j) * w + i] = at(t, c, y + j, x + i);
  return out;
}

/**
 * Squeeze-excitation scale: m = mean over the whole H x W map per channel,
 * s = sigmoid(w2 * relu(w1 * m + b1) + b2) (* alpha). w1 [C/8][C], w2 [C][C/8].
 */
export function seScale(
  x: Tensor, w1: Float32Array, b1: Float32Array, w2: Float32Array, b2: Float32Array, alpha?: number,
): Float32Array {
  const C = x.c;
  const r = b1.length;
  const n = x.h * x.w;
  const mean = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x.data[c * n + i]!;
    mean[c] = s / n;
  }
  const hidden = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    let h = b1[j]!;
    for (let c = 0; c < C; c++) h += w1[j * C + c]! * mean[c]!;
    hidden[j] = Math.max(h, 0);
  }
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let z = b2[c]!;
    for (let j = 0; j < r; j++) z += w2[c * r + j]! * hidden[j]!;
    out[c] = (1 / (1 + Math.exp(-z))) * (alpha ?? 1);
  }
  return out;
}

/**
 * Reflect padding extended periodically (../shared/golden/README.md): padded coordinate i of a
 * side of length n maps to m = i mod (2n - 2) (non-negative), then 2n - 2 - m if m >= n.
 */
export function reflectPeriodic(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}

/** Reflect-periodic padding of an HWC image (`ch` values per pixel) to outW x outH. */
export function reflectPad(
  src: ArrayLike<number>, w: number, h: number, ch: number, padLeft: number, padTop: number, outW: number, outH: number,
): Float32Array {
  const out = new Float32Array(outW * outH * ch);
  for (let y = 0; y < outH; y++) {
    const sy = reflectPeriodic(y - padTop, h);
    for (let x = 0; x < outW; x++) {
      const sx = reflectPeriodic(x - padLeft, w);
      for (let c = 0; c < ch; c++) out[(y * outW + x) * ch + c] = src[(sy * w + sx) * ch + c]!;
    }
  }
  return out;
}

/** PyTorch pixel_shuffle(2): [4C][H][W] -> [C][2H][2W], out(c, 2y+i, 2x+j) = in(4c + 2i + j, y, x). */
export function pixelShuffle2(t: Tensor): Tensor {
  if (t.c % 4) throw new Error('pixelShuffle2: channels not a multiple of 4');
  const c = t.c / 4;
  const out = tensor(c, t.h * 2, t.w * 2);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < t.h; y++) {
      for (let x = 0; x < t.w; x++) {
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 2; j++) out.data[(k * out.h + 2 * y + i) * out.w + 2 * x + j] = at(t, 4 * k + 2 * i + j, y, x);
        }
      }
    }
  }
  return out;
}

/** Round half to even (banker's rounding), as WGSL round() and numpy/PyTorch round. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

// ---- GPU layouts ----

/** Where a tensor view sits in an NHWC4 buffer (in vec4 units / pixels), as the kernels' params. */
export interface View4 {
  /** vec4 index of the view's (0, 0) element. */
  off: number;
  /** Pixels per row of the underlying tensor. */
  row: number;
  /** vec4 channel groups per pixel of the underlying tensor. */
  c4: number;
}

export interface Embedding {
  /** Size of the underlying tensor (defaults: the tensor itself, at 0, 0). */
  w?: number;
  h?: number;
  x?: number;
  y?: number;
  /** Channel groups of the underlying tensor (default ceil(c / 4)). */
  c4?: number;
  /** Value of everything outside the view, incl. padded channels (default 0). */
  fill?: number | ((i: number) => number);
}

/**
 * NCHW tensor -> NHWC4 buffer: element (y, x, c) of a W-wide tensor with c4 groups at float
 * index ((y * W + x) * c4 + c / 4) * 4 + c % 4. With an embedding the tensor is a view at (x, y)
 * of a larger tensor whose other values (and padded channels) are `fill`.
 */
export function toNHWC4(t: Tensor, e: Embedding = {}): { data: Float32Array; view: View4 } {
  const W = e.w ?? t.w;
  const H = e.h ?? t.h;
  const x0 = e.x ?? 0;
  const y0 = e.y ?? 0;
  const c4 = e.c4 ?? Math.ceil(t.c / 4);
  if (x0 + t.w > W || y0 + t.h > H || c4 * 4 < t.c) throw new Error('toNHWC4: tensor does not fit its embedding');
  const data = new Float32Array(W * H * c4 * 4);
  const fill = e.fill ?? 0;
  if (typeof fill === 'number') data.fill(fill);
  else for (let i = 0; i < data.length; i++) data[i] = fill(i);
  for (let c = 0; c < t.c; c++) {
    for (let y = 0; y < t.h; y++) {
      for (let x = 0; x < t.w; x++) data[(((y0 + y) * W + x0 + x) * c4 + (c >> 2)) * 4 + (c & 3)] = at(t, c, y, x);
    }
  }
  return { data, view: { off: (y0 * W + x0) * c4, row: W, c4 } };
}

/** NHWC4 buffer (a view of it) -> NCHW tensor of `c` channels, h x w. */
export function fromNHWC4(data: Float32Array, c: number, h: number, w: number, view: Partial<View4> = {}): Tensor {
  const off = view.off ?? 0;
  const row = view.row ?? w;
  const c4 = view.c4 ?? Math.ceil(c / 4);
  const out = tensor(c, h, w);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) out.data[(k * h + y) * w + x] = data[(off + (y * row + x) * c4 + (k >> 2)) * 4 + (k & 3)]!;
    }
  }
  return out;
}

/**
 * PyTorch conv weights -> the packed mat4x4 layout the kernels read (packedConvIndex):
 * conv: weight [outC][inC][k][k]; deconv: ConvTranspose2d weight [inC][outC][k][k].
 * Channels are zero-padded to multiples of 4.
 */
export function packConvWeights(kind: 'conv' | 'deconv', inC: number, outC: number, k: number, weight: Float32Array): Float32Array {
  if (weight.length !== inC * outC * k * k) throw new Error('packConvWeights: weight size');
  const spec: LayerSpec = { name: `test.${kind}`, kind, inC, outC, kernel: k, stride: 1, pad: 0 };
  const out = new Float32Array(ceil4(outC) * ceil4(inC) * k * k);
  for (let o = 0; o < outC; o++) {
    for (let i = 0; i < inC; i++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const src = kind === 'conv' ? ((o * inC + i) * k + ky) * k + kx : ((i * outC + o) * k + ky) * k + kx;
          out[packedConvIndex(spec, o, i, ky, kx)] = weight[src]!;
        }
      }
    }
  }
  return out;
}

/** A per-channel vector (bias, SE scale) zero-padded to vec4 groups. */
export function padToVec4(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ceil4(Math.max(v.length, 1)));
  for (let i = 0; i < v.length; i++) out[i] = v[i]!;
  return out;
}

/** Per-element comparison: |a - e| <= atol + rtol * |e|; throws with the worst offenders. */
export function assertClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-4, atol = 1e-4,
): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      if (count++ < 8) bad.push(`[${i}] got ${a}, expected ${e}`);
    }
  }
  if (count) throw new Error(`${what}: ${count} of ${expected.length} values differ\n${bad.join('\n')}`);
}

/** Largest |a - b| (to show that a test would notice a missing feature). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
