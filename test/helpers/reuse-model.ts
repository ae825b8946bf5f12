// A CPU model of the frame-reuse gate (src/runtime/gpu/reuse.ts), for its tests and the offline
// threshold curve (bench/reuse-curve.ts):
// the same geometry as the GPU (the packed, reflect-padded input; the no-SE model's region
// tiles from planRegions), each tile compared with its own baseline (the input it last ran on),
// per block of BLOCK x BLOCK pixels, with several candidate statistics.
import { PAD } from '../../src/runtime/model/architecture.js';
import { buildGraph } from '../../src/runtime/plan/graph.js';
import { planRegions, type Rect } from '../../src/runtime/plan/tiling.js';
import type { ModelVariant } from '../../src/runtime/model/architecture.js';

/** Statistics of a block's difference, in 8-bit levels over its pixels' R, G, B. */
export const STATISTICS = {
  /** Mean squared difference. */
  mse: (d: Float64Array, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[i]! * d[i]!;
    return s / n;
  },
  /** Mean absolute difference. */
  mad: (d: Float64Array, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(d[i]!);
    return s / n;
  },
  /** Largest absolute difference. */
  max: (d: Float64Array, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(d[i]!));
    return s;
  },
  /** Share of values more than 4 levels off (per mille). */
  over4: (d: Float64Array, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(d[i]!) > 4 ? 1 : 0;
    return (1000 * s) / n;
  },
} as const;
export type Statistic = keyof typeof STATISTICS;

export interface Window extends Rect {
  /** Where the tile's output goes (frame output pixels), and its size. */
  out: Rect;
}

/** The reuse geometry of a model at a frame size: the padded input and its tiles' windows. */
export interface Geometry {
  width: number;
  height: number;
  scale: number;
  padW: number;
  padH: number;
  pad: number;
  /** One window (the whole padded input) for SE models; the region tiles for the no-SE model. */
  windows: Window[];
  /** Region reuse: the most changed tiles rerun instead of the whole frame. */
  maxTiles: number;
  /** Multiply-adds of a whole frame and of one region tile. */
  frameMacs: number;
  tileMacs: number;
}

export function geometry(variant: ModelVariant, width: number, height: number, regions: boolean): Geometry {
  const g = buildGraph(variant, width, height);
  const pad = PAD[variant.scale];
  const base = { width, height, scale: variant.scale, padW: g.paddedWidth, padH: g.paddedHeight, pad, frameMacs: g.macs };
  const whole: Window = { x: 0, y: 0, w: g.paddedWidth, h: g.paddedHeight, out: { x: 0, y: 0, w: g.outWidth, h: g.outHeight } };
  if (!regions) return { ...base, windows: [whole], maxTiles: 0, tileMacs: 0 };
  // As GraphExecutor.regionTwin() plans them.
  const core = Math.max(4 * pad, Math.ceil(Math.max(g.paddedWidth, g.paddedHeight) / 4));
  const plan = planRegions(variant, width, height, core);
  if (!plan) return { ...base, windows: [whole], maxTiles: 0, tileMacs: 0 };
  const maxTiles = Math.min(plan.tiles.length - 1, Math.floor((g.macs - 1) / plan.tile.macs));
  const windows = plan.tiles.map((t) => ({
    x: t.x, y: t.y, w: plan.tile.paddedWidth, h: plan.tile.paddedHeight,
    out: { x: t.outX, y: t.outY, w: t.out.w, h: t.out.h },
  }));
  return { ...base, windows, maxTiles, tileMacs: plan.tile.macs };
}

/** The packed input as pack.wgsl makes it, in 8-bit levels: RGB, reflect-padded. */
export function packInput(rgba: Uint8Array, geo: Geometry): Float64Array {
  const { width: w, height: h, padW, padH, pad } = geo;
  const reflect = (i: number, n: number) => {
    if (n === 1) return 0;
    const period = 2 * n - 2;
    let m = i % period;
    if (m < 0) m += period;
    return m >= n ? period - m : m;
  };
  const out = new Float64Array(padW * padH * 3);
  for (let y = 0; y < padH; y++) {
    const sy = reflect(y - pad, h);
    for (let x = 0; x < padW; x++) {
      const sx = reflect(x - pad, w);
      for (let c = 0; c < 3; c++) out[(y * padW + x) * 3 + c] = rgba[(sy * w + sx) * 4 + c]!;
    }
  }
  return out;
}

/**
 * The largest statistic over the blocks of window `win` (block x block pixels from its
 * top-left; edge blocks smaller) between two packed inputs.
 */
export function windowStat(a: Float64Array, b: Float64Array, geo: Geometry, win: Rect, block: number, stat: Statistic): number {
  const f = STATISTICS[stat];
  const d = new Float64Array(block * block * 3);
  let worst = 0;
  for (let by = 0; by < win.h; by += block) {
    for (let bx = 0; bx < win.w; bx += block) {
      let n = 0;
      for (let y = by; y < Math.min(by + block, win.h); y++) {
        for (let x = bx; x < Math.min(bx + block, win.w); x++) {
          const i = ((win.y + y) * geo.padW + win.x + x) * 3;
          for (let c = 0; c < 3; c++) d[n++] = a[i + c]! - b[i + c]!;
        }
      }
      worst = Math.max(worst, f(d, n));
    }
  }
  return worst;
}

export type FrameRun = { run: 'whole' } | { run: 'tiles'; tiles: number[] } | { run: 'reused' };

/**
 * Near-duplicate reuse over a clip: `stats(i, k, base)` is the statistic of window k between
 * frame i and frame `base`. Each window keeps the frame it last ran on (its baseline); a frame
 * runs whole when a CPU-forced run is due (the first), when more than maxTiles windows exceed
 * the threshold, or (one window) when it does; otherwise only the windows over it rerun.
 * Returns per frame how it ran and, per window, the frame whose output it shows.
 */
export function simulate(
  frames: number, windows: number, maxTiles: number, threshold: number, stats: (i: number, k: number, base: number) => number,
): { runs: FrameRun[]; shown: number[][] } {
  const base = new Array<number>(windows).fill(0);
  const runs: FrameRun[] = [{ run: 'whole' }];
  const shown = [base.slice()];
  for (let i = 1; i < frames; i++) {
    const over = [];
    for (let k = 0; k < windows; k++) if (stats(i, k, base[k]!) > threshold) over.push(k);
    if (over.length === 0) {
      runs.push({ run: 'reused' });
    } else if (windows > 1 && over.length <= maxTiles) {
      runs.push({ run: 'tiles', tiles: over });
      for (const k of over) base[k] = i;
    } else {
      runs.push({ run: 'whole' });
      base.fill(i);
    }
    shown.push(base.slice());
  }
  return { runs, shown };
}

/** The output a frame shows: each window's output rect from the frame that window last ran on. */
export function composite(geo: Geometry, shown: number[], outputs: (frame: number) => Uint8Array): Uint8Array {
  const first = shown[0]!;
  if (shown.every((s) => s === first)) return outputs(first);
  const ow = geo.width * geo.scale;
  const out = new Uint8Array(ow * geo.height * geo.scale * 4);
  geo.windows.forEach((win, k) => {
    const src = outputs(shown[k]!);
    const r = win.out;
    for (let y = r.y; y < r.y + r.h; y++) out.set(src.subarray((y * ow + r.x) * 4, (y * ow + r.x + r.w) * 4), (y * ow + r.x) * 4);
  });
  return out;
}

/** PSNR (RGB) of two RGBA images, and of their worst 32x32 block. */
export function psnrs(a: Uint8Array, b: Uint8Array, width: number): { frame: number; block: number } {
  const height = a.length / 4 / width;
  const db = (se: number, n: number) => (se === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / se));
  let total = 0;
  let worst = Infinity;
  for (let by = 0; by < height; by += 32) {
    for (let bx = 0; bx < width; bx += 32) {
      let se = 0;
      let n = 0;
      for (let y = by; y < Math.min(by + 32, height); y++) {
        for (let x = bx; x < Math.min(bx + 32, width); x++) {
          const i = (y * width + x) * 4;
          for (let c = 0; c < 3; c++) se += (a[i + c]! - b[i + c]!) ** 2;
          n += 3;
        }
      }
      total += se;
      worst = Math.min(worst, db(se, n));
    }
  }
  return { frame: db(total, width * height * 3), block: worst };
}
