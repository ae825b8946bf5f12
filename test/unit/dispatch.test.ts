// Workgroup counts of the conv kernels (their programs' dispatch geometry, src/shaders/program.ts):
// every block gets an invocation, and no dimension passes WebGPU's default limit of 65535
// workgroups, however large the layer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatchSize, type Program } from '../../src/shaders/program.js';
import * as P from '../../src/shaders/programs/conv.js';

const div = (a: number, b: number) => Math.ceil(a / b);
const blocks = (p: Program, w: number, h: number, c4: number) => {
  if (p.dispatch.kind === 'single') throw new Error('no blocks');
  const b = p.dispatch.block;
  return div(w, b.x) * div(h, b.y) * div(c4, b.c4);
};
const WIDE = [P.conv3x3Wide, P.conv2x2s2Wide, P.deconv2x2s2Wide, P.deconv4x4s2Wide];

test('wide kernels: one flat list, just enough workgroups for every block', () => {
  for (const k of WIDE) {
    assert.equal(k.dispatch.kind, 'flat', k.name);
    for (const [w, h, c4] of [[13, 11, 64], [68, 36, 6], [140, 18, 4], [1, 1, 1]] as const) {
      const g = dispatchSize(k, { w, h, c4 });
      const n = blocks(k, w, h, c4);
      assert.deepEqual(g, [div(n, k.workgroup[0]), 1, 1], `${k.name} ${w}x${h}x${c4}`);
    }
  }
});

test('a layer of more than 65535 workgroups is split into rows of them', () => {
  const k = P.conv3x3Wide;
  const g = dispatchSize(k, { w: 8192, h: 8192, c4: 64 });
  const n = blocks(k, 8192, 8192, 64);
  assert.ok(g.every((d) => d <= 65535), `${g}`);
  assert.equal(g[0], 65535);
  assert.ok(g[0] * g[1] * k.workgroup[0] >= n && (g[0] * (g[1] - 1)) * k.workgroup[0] < n, `${g} covers ${n} blocks with one row to spare at most`);
});

test('the compact kernels keep their 8x8 grid of blocks', () => {
  assert.deepEqual(dispatchSize(P.conv3x3, { w: 37, h: 19, c4: 3 }), [1, 2, 2]);
  assert.deepEqual(dispatchSize(P.deconv, { w: 28, h: 16, c4: 1, stride: 2 }), [1, 2, 2]);
});
