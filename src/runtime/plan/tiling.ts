// Splitting a frame that is too large for one pass into tiles that give the same pixels.
//
// The network is all unpadded ("valid") convolutions after the input's reflect padding, so a
// tile whose padded input is a window of the whole frame's padded input computes exactly the
// whole-frame values for the pixels it keeps, provided every tensor's grid lines up: tile
// origins are multiples of ALIGN (the network's down/up-sampling period). Each tile's window is
// its core plus PAD on every side (the receptive-field margin the whole-frame padding gives).
// All tiles have the same size (the last row/column is shifted back to end at the frame's
// aligned edge), so one set of buffers and passes serves every tile.
//
// SE blocks need the mean of a feature map over the WHOLE frame: each tile sums the part of the
// map it owns (the map's positions partitioned between tiles, counting each once, including the
// padding area the whole-frame map has), the sums are gathered, and only then are the scales
// computed; see GraphExecutor for the phase order.

import { ALIGN, PAD, type ModelVariant } from '../model/architecture.js';
import { buildGraph, type Graph, type SeOp } from './graph.js';
import { planMemory, tensorBytes } from './memory.js';

export interface TileLimits {
  /** Largest single buffer (the device's maxStorageBufferBindingSize and maxBufferSize). */
  maxBufferBytes: number;
  /** Feature-map memory of one pass, all pooled tensor buffers together. */
  maxTotalBytes: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tile {
  /** The tile's core origin in frame pixels (a multiple of ALIGN); its input window starts PAD before. */
  x: number;
  y: number;
  /** The output pixels this tile writes: a rect of the tile's output (local coordinates)... */
  out: Rect;
  /** ...and where its top-left goes in the frame's output. */
  outX: number;
  outY: number;
  /** Per SE op of the tile graph, in order: the rect of its input tensor this tile sums. */
  se: Rect[];
}

export interface TilePlan {
  /** The whole frame's graph: output size, and the SE maps' true sizes. */
  frame: Graph;
  /** The graph of one tile (the frame's graph itself when there is one tile). */
  tile: Graph;
  tiles: Tile[];
}

interface AxisTile {
  origin: number;
  own0: number;
  own1: number;
  first: boolean;
  last: boolean;
}

/** Cores of `core` pixels over an aligned length; the last is shifted back to end at `aligned`. */
function axisTiles(aligned: number, core: number): AxisTile[] {
  const n = Math.ceil(aligned / core);
  return Array.from({ length: n }, (_, i) => ({
    origin: Math.min(i * core, aligned - core),
    own0: i * core,
    own1: Math.min((i + 1) * core, aligned),
    first: i === 0,
    last: i === n - 1,
  }));
}

/** The range of a tensor (step s, whole-frame size g, tile size t) a tile owns, in tile coordinates. */
function ownedRange(a: AxisTile, s: number, g: number, t: number, what: string): [number, number] {
  const start = a.first ? 0 : (a.own0 - a.origin) * s;
  const end = a.last ? g - a.origin * s : (a.own1 - a.origin) * s;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > t || end <= start) {
    throw new Error(`internal: tile at ${a.origin} owns [${start}, ${end}) of ${what} (tile size ${t})`);
  }
  return [start, end];
}

export function graphBytes(graph: Graph): { largest: number; total: number } {
  const largest = Math.max(...graph.tensors.map(tensorBytes));
  const total = planMemory(graph).bufferSizes.reduce((a, b) => a + b, 0);
  return { largest, total };
}

const fits = (g: Graph, lim: TileLimits): boolean => {
  const { largest, total } = graphBytes(g);
  return largest <= lim.maxBufferBytes && total <= lim.maxTotalBytes;
};

/**
 * Tiles for a width x height frame under `limits`: one tile (the frame's own graph) when it
 * fits, else as few tiles as the largest fitting square core needs, evened out. Undefined when
 * not even the smallest tile fits.
 */
export function planTiles(variant: ModelVariant, width: number, height: number, limits: TileLimits): TilePlan | undefined {
  const frame = buildGraph(variant, width, height);
  const whole: Tile = {
    x: 0, y: 0, out: { x: 0, y: 0, w: frame.outWidth, h: frame.outHeight }, outX: 0, outY: 0,
    se: frame.ops.filter((o): o is SeOp => o.kind === 'se').map((o) => ({ x: 0, y: 0, w: o.input.w, h: o.input.h })),
  };
  if (fits(frame, limits)) return { frame, tile: frame, tiles: [whole] };

  const align = ALIGN[variant.scale];
  const pad = PAD[variant.scale];
  const aw = frame.paddedWidth - 2 * pad;
  const ah = frame.paddedHeight - 2 * pad;
  const tileGraph = (core: number) => buildGraph(variant, Math.min(core, aw), Math.min(core, ah));
  // Largest core (in ALIGN steps) whose tile fits: memory grows with the core, so bisect.
  let lo = 0; // fits (0 = none known)
  let hi = Math.ceil(Math.max(aw, ah) / align); // the whole frame: does not fit
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(tileGraph(mid * align), limits)) lo = mid;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  // As many tiles as that core needs, then each as small as that count allows: less overlap.
  const balanced = (aligned: number) => {
    const n = Math.ceil(aligned / (lo * align));
    return Math.ceil(Math.ceil(aligned / n) / align) * align;
  };
  const coreW = balanced(aw);
  const coreH = balanced(ah);
  const plan = gridPlan(variant, frame, coreW, coreH);
  if (!fits(plan.tile, limits)) throw new Error(`internal: a ${coreW}x${coreH} tile exceeds the limits its larger square met`);
  return plan;
}

/**
 * Tiles of a `core` x `core` input core (rounded up to ALIGN) for region reuse: the executor
 * reruns only the tiles whose input window changed. Undefined when that gives a single tile.
 */
export function planRegions(variant: ModelVariant, width: number, height: number, core: number): TilePlan | undefined {
  const frame = buildGraph(variant, width, height);
  const align = ALIGN[variant.scale];
  const pad = PAD[variant.scale];
  const aw = frame.paddedWidth - 2 * pad;
  const ah = frame.paddedHeight - 2 * pad;
  const c = Math.max(align, Math.ceil(core / align) * align);
  const coreW = Math.min(c, aw);
  const coreH = Math.min(c, ah);
  if (coreW === aw && coreH === ah) return undefined;
  return gridPlan(variant, frame, coreW, coreH);
}

/** The tiles of `coreW` x `coreH` (aligned) cores covering the frame, each with its PAD margin. */
function gridPlan(variant: ModelVariant, frame: Graph, coreW: number, coreH: number): TilePlan {
  const pad = PAD[variant.scale];
  const aw = frame.paddedWidth - 2 * pad;
  const ah = frame.paddedHeight - 2 * pad;
  const tile = buildGraph(variant, coreW, coreH);
  const seOps = tile.ops.filter((o): o is SeOp => o.kind === 'se');
  const frameSe = frame.ops.filter((o): o is SeOp => o.kind === 'se');
  const scale = variant.scale;
  const tiles: Tile[] = [];
  for (const ay of axisTiles(ah, coreH)) {
    for (const ax of axisTiles(aw, coreW)) {
      const se = seOps.map((op, i) => {
        const g = frameSe[i]!.input;
        const t = op.input;
        const [x0, x1] = ownedRange(ax, t.step, g.w, t.w, t.name);
        const [y0, y1] = ownedRange(ay, t.step, g.h, t.h, t.name);
        return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
      });
      const outX = ax.own0 * scale;
      const outY = ay.own0 * scale;
      tiles.push({
        x: ax.origin,
        y: ay.origin,
        out: {
          x: outX - ax.origin * scale,
          y: outY - ay.origin * scale,
          w: Math.min(ax.own1 * scale, frame.outWidth) - outX,
          h: Math.min(ay.own1 * scale, frame.outHeight) - outY,
        },
        outX,
        outY,
        se,
      });
    }
  }
  return { frame, tile, tiles };
}
