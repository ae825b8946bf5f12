// Workgroup counts of the conv kernels (dispatch.ts): every block gets an invocation, and no
// dimension passes WebGPU's default limit of 65535 workgroups, however large the layer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONV_BLOCK, convGroups, FLAT_WG, type ConvKernel } from '../../src/runtime/gpu/dispatch.js';

const div = (a: number, b: number) => Math.ceil(a / b);
const blocks = (k: ConvKernel, w: number, h: number, c4: number) => {
  const b = CONV_BLOCK[k];
  return div(w, b.px) * div(h, b.py) * div(c4, b.oc4);
};

test('wide kernels: one flat list, just enough workgroups for every block', () => {
  for (const k of ['conv3x3-wide', 'conv2x2s2-wide', 'deconv2x2s2-wide', 'deconv4x4s2-wide'] as const) {
    for (const [w, h, c4] of [[13, 11, 64], [68, 36, 6], [140, 18, 4], [1, 1, 1]] as const) {
      const g = convGroups(k, w, h, c4);
      const n = blocks(k, w, h, c4);
      assert.deepEqual(g, [div(n, FLAT_WG), 1, 1], `${k} ${w}x${h}x${c4}`);
    }
  }
});

test('a layer of more than 65535 workgroups is split into rows of them', () => {
  const g = convGroups('conv3x3-wide', 8192, 8192, 64);
  const n = blocks('conv3x3-wide', 8192, 8192, 64);
  assert.ok(g.every((d) => d <= 65535), `${g}`);
  assert.equal(g[0], 65535);
  assert.ok(g[0] * g[1] * FLAT_WG >= n && (g[0] * (g[1] - 1)) * FLAT_WG < n, `${g} covers ${n} blocks with one row to spare at most`);
});

test('the compact kernels keep their 8x8 grid of blocks', () => {
  assert.deepEqual(convGroups('conv3x3', 37, 19, 3), [1, 2, 2]);
  assert.deepEqual(convGroups('deconv', 28, 16, 1, 2), [1, 2, 2]);
});
