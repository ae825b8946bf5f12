// The graph and memory plan, without a GPU: every size and variant builds, the output covers
// the image, and no pass reads and writes the same pooled buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS } from '../../src/runtime/model/architecture.js';
import { buildGraph, opTensors } from '../../src/runtime/plan/graph.js';
import { planMemory, tensorBytes } from '../../src/runtime/plan/memory.js';

const variants = [...new Map(MODELS.map((m) => [`${m.scale}${m.se}`, m])).values()];

test('every variant builds for sizes 1..40 x odd/even heights; the output covers the image', () => {
  for (const v of variants) {
    for (let w = 1; w <= 40; w += 3) {
      for (const h of [1, 2, 13, 27]) {
        const g = buildGraph(v, w, h);
        const out = g.ops.at(-1)!;
        assert.equal(out.kind, 'output');
        assert.deepEqual([g.outWidth, g.outHeight], [w * v.scale, h * v.scale]);
        assert.ok(g.macs > 0);
      }
    }
  }
});

test('memory plan: tensors alive at the same pass never share a buffer, and buffers are reused', () => {
  for (const v of variants) {
    const g = buildGraph(v, 37, 21);
    const m = planMemory(g);
    const first = new Map<number, number>();
    const last = new Map<number, number>();
    g.ops.forEach((op, i) => {
      const { reads, writes } = opTensors(op);
      for (const t of [...reads, ...writes]) {
        if (!first.has(t.id)) first.set(t.id, i);
        last.set(t.id, i);
      }
    });
    for (const a of g.tensors) {
      assert.ok(m.bufferSizes[m.bufferOf[a.id]!]! >= tensorBytes(a), `${a.name} fits its buffer`);
      for (const b of g.tensors) {
        if (a.id >= b.id || m.bufferOf[a.id] !== m.bufferOf[b.id]) continue;
        const overlap = first.get(a.id)! <= last.get(b.id)! && first.get(b.id)! <= last.get(a.id)!;
        assert.ok(!overlap, `${a.name} and ${b.name} share a buffer while both alive`);
      }
    }
    assert.ok(m.bufferSizes.length < g.tensors.length / 2, `${m.bufferSizes.length} buffers for ${g.tensors.length} tensors`);
  }
});

test('the 4x nearest add keeps the packed input alive to the end', () => {
  const g = buildGraph({ scale: 4, se: true, pro: false }, 9, 7);
  const out = g.ops.at(-1)!;
  assert.ok(out.kind === 'output' && out.nearest?.tensor === g.tensors[0]);
  assert.deepEqual(opTensors(out).reads.map((t) => t.name), ['conv_final', 'input']);
});
