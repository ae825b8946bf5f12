// The tile planner, without a GPU: tiles line up with the network's sampling grid, every output
// pixel is written by exactly one tile, every position of every SE feature map (as the whole
// frame has it, padding area included) is summed by exactly one tile, and the tiles fit the limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALIGN, MODELS } from '../../src/runtime/model/architecture.js';
import type { SeOp } from '../../src/runtime/plan/graph.js';
import { graphBytes, planRegions, planTiles, type TilePlan } from '../../src/runtime/plan/tiling.js';

const variants = [...new Map(MODELS.map((m) => [`${m.scale}${m.se}`, m])).values()];
const NO_LIMIT = { maxBufferBytes: Infinity, maxTotalBytes: Infinity };

function checkPlan(p: TilePlan, what: string): void {
  const { frame, tile, tiles } = p;
  const align = ALIGN[frame.variant.scale];
  const out = new Uint8Array(frame.outWidth * frame.outHeight);
  for (const t of tiles) {
    assert.equal(t.x % align, 0, `${what}: tile x ${t.x} not aligned`);
    assert.equal(t.y % align, 0, `${what}: tile y ${t.y} not aligned`);
    assert.ok(t.out.x + t.out.w <= tile.outWidth && t.out.y + t.out.h <= tile.outHeight, `${what}: output rect outside the tile`);
    for (let y = 0; y < t.out.h; y++) for (let x = 0; x < t.out.w; x++) out[(t.outY + y) * frame.outWidth + t.outX + x]!++;
  }
  assert.ok(out.every((n) => n === 1), `${what}: output pixels not written exactly once`);
  const seTile = tile.ops.filter((o): o is SeOp => o.kind === 'se');
  const seFrame = frame.ops.filter((o): o is SeOp => o.kind === 'se');
  seFrame.forEach((op, i) => {
    const g = op.input;
    const seen = new Uint8Array(g.w * g.h);
    const tt = seTile[i]!.input;
    for (const t of tiles) {
      const r = t.se[i]!;
      assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= tt.w && r.y + r.h <= tt.h, `${what}: SE rect outside the tile's map`);
      const gx = t.x * tt.step + r.x;
      const gy = t.y * tt.step + r.y;
      for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) seen[(gy + y) * g.w + gx + x]!++;
    }
    assert.ok(seen.every((n) => n === 1), `${what}: ${g.name} positions not summed exactly once`);
  });
}

test('a frame that fits runs as one tile: the frame graph itself', () => {
  const p = planTiles(variants[0]!, 37, 21, NO_LIMIT)!;
  assert.equal(p.tiles.length, 1);
  assert.equal(p.tile, p.frame);
  checkPlan(p, 'untiled');
});

test('tiles partition the output and every SE map exactly, for every variant, odd sizes and budgets', () => {
  let tiled = 0;
  for (const v of variants) {
    for (const [w, h] of [[17, 13], [32, 32], [48, 27], [61, 5], [1, 1], [3, 40]] as const) {
      const whole = graphBytes(planTiles(v, w, h, NO_LIMIT)!.frame).total;
      for (const f of [0.9, 0.6, 0.4, 0.25]) {
        const p = planTiles(v, w, h, { maxBufferBytes: Infinity, maxTotalBytes: whole * f });
        if (!p) continue; // not even the smallest tile fits
        assert.ok(graphBytes(p.tile).total <= whole * f);
        checkPlan(p, `${v.scale}x se=${v.se} ${w}x${h} at ${f}`);
        if (p.tiles.length > 1) tiled++;
      }
    }
  }
  assert.ok(tiled > 50, `only ${tiled} tiled plans were checked`);
});

test('1080p and 4K sources tile under a 256 MiB buffer limit and a 1 GiB budget', () => {
  const limits = { maxBufferBytes: 256 * 2 ** 20, maxTotalBytes: 2 ** 30 };
  for (const [v, w, h] of [[variants[0]!, 1920, 1080], [variants.find((m) => m.scale === 2)!, 3840, 2160], [variants.find((m) => m.scale === 3)!, 1920, 1080], [variants.find((m) => m.scale === 4)!, 1920, 1080]] as const) {
    const p = planTiles(v, w, h, limits)!;
    assert.ok(p && p.tiles.length > 1, `${w}x${h} ${v.scale}x should tile`);
    const b = graphBytes(p.tile);
    assert.ok(b.largest <= limits.maxBufferBytes && b.total <= limits.maxTotalBytes);
    checkPlan(p, `${w}x${h} ${v.scale}x`);
  }
});

test('limits no tile fits give no plan', () => {
  assert.equal(planTiles(variants[0]!, 64, 64, { maxBufferBytes: 1000, maxTotalBytes: Infinity }), undefined);
});

test('region tiles (planRegions): aligned cores of the asked size, every output pixel once, none for a frame that fits one', () => {
  const nose = MODELS.find((m) => !m.se && m.scale === 2)!;
  for (const [w, h, core] of [[120, 8, 72], [854, 480, 214], [1280, 720, 100], [97, 55, 40]] as const) {
    const p = planRegions(nose, w, h, core);
    assert.ok(p, `${w}x${h} core ${core}: tiles`);
    checkPlan(p, `regions ${w}x${h} core ${core}`);
    const c = Math.ceil(core / ALIGN[2]) * ALIGN[2];
    assert.equal(p.tile.width, Math.min(c, w + (w % ALIGN[2])), `${w}x${h}: tile core width`);
    assert.ok(p.tiles.length >= 2);
  }
  assert.equal(planRegions(nose, 60, 40, 72), undefined, 'a frame within one core: no region tiles');
});
