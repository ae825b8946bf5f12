// The packed writer against the format spec (packed-format.ts), independent of the source
// files: exact f16 conversion, header and table fields, alignment, padding, every value's place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findModel, layerSpecs, torchWeightShape, type ModelInfo } from '../../src/runtime/model/architecture.js';
import {
  ceil4,
  CHECKSUM_OFFSET,
  DATA_ALIGN,
  HEADER_BYTES,
  packedChecksum,
  packedConvIndex,
  readPackedModel,
  TABLE_ENTRY_BYTES,
  type PackedModel,
} from '../../src/runtime/model/packed-format.js';
import { f16ToF32, f32ToF16 } from '../../weights/float16.js';
import type { ModelWeights } from '../../weights/model-weights.js';
import { writePackedModel } from '../../weights/packed-writer.js';
import { prng } from './weights-helpers.js';

test('f16 -> f32 -> f16 round-trips every bit pattern', () => {
  for (let h = 0; h < 0x10000; h++) {
    const x = f16ToF32(h);
    if (Number.isNaN(x)) assert.ok((f32ToF16(x) & 0x7c00) === 0x7c00 && (f32ToF16(x) & 0x3ff) !== 0);
    else assert.equal(f32ToF16(x), h, `0x${h.toString(16)}`);
  }
});

test('f32 -> f16 rounds to nearest, ties to even, with subnormals and overflow', () => {
  assert.equal(f16ToF32(0x3c00), 1);
  assert.equal(f16ToF32(0x7bff), 65504);
  assert.equal(f16ToF32(0x0001), 2 ** -24);
  assert.equal(f32ToF16(1 + 2 ** -11), 0x3c00, 'tie between 1 and 1+2^-10 goes to even 1');
  assert.equal(f32ToF16(1 + 3 * 2 ** -11), 0x3c02, 'tie goes up to the even neighbour');
  assert.equal(f32ToF16(1 + 2 ** -11 + 2 ** -20), 0x3c01, 'just above the tie rounds up');
  assert.equal(f32ToF16(-1.5), 0xbe00);
  assert.equal(f32ToF16(65519), 0x7bff);
  assert.equal(f32ToF16(65520), 0x7c00, 'rounds to infinity');
  assert.equal(f32ToF16(1e9), 0x7c00);
  assert.equal(f32ToF16(-Infinity), 0xfc00);
  assert.equal(f32ToF16(2 ** -25), 0x0000, 'half the smallest subnormal ties to 0');
  assert.equal(f32ToF16(3 * 2 ** -25), 0x0002, '1.5 x smallest subnormal ties to 2');
  assert.equal(f32ToF16(0.75 * 2 ** -24), 0x0001);
  assert.equal(f32ToF16(2 ** -14 - 2 ** -25), 0x0400, 'largest subnormal + half rounds into the normals');
  assert.equal(f32ToF16(-0), 0x8000);
  assert.equal(f32ToF16(1e-30), 0);
  assert.ok(Number.isNaN(f16ToF32(f32ToF16(NaN))));
});

/** A model with random f16-exact weights, so f32 and f16 files hold the same values. */
function randomModel(model: ModelInfo, seed: number): ModelWeights {
  const rnd = prng(seed);
  const fill = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let k = 0; k < n; k++) a[k] = f16ToF32((rnd() * 0x10000) & 0xbfff); // exponent bit 4 clear: finite, |x| < 2
    return a;
  };
  return {
    model,
    source: 'random',
    layers: layerSpecs(model).map((spec) => ({
      spec,
      weight: fill(torchWeightShape(spec).reduce((a, b) => a * b, 1)),
      bias: fill(spec.outC),
    })),
  };
}

/** Reads every weight back from a packed file into PyTorch layout. */
function unpack(p: PackedModel): { weight: Float32Array; bias: Float32Array }[] {
  const at = (off: number, n: number) => new Float32Array(p.data.buffer.slice(p.data.byteOffset + off, p.data.byteOffset + off + 4 * n));
  const halfs = (off: number, n: number) => new Uint16Array(p.data.buffer.slice(p.data.byteOffset + off, p.data.byteOffset + off + 2 * n));
  return p.layers.map((l) => {
    const s = l.spec;
    const weight = new Float32Array(torchWeightShape(s).reduce((a, b) => a * b, 1));
    if (s.kind === 'fc') weight.set(at(l.weightOffset, weight.length));
    else {
      const f32 = p.dtype === 'f32' ? at(l.weightOffset, l.weightBytes / 4) : undefined;
      const f16 = p.dtype === 'f16' ? halfs(l.weightOffset, l.weightBytes / 2) : undefined;
      for (let o = 0; o < s.outC; o++)
        for (let i = 0; i < s.inC; i++)
          for (let ky = 0; ky < s.kernel; ky++)
            for (let kx = 0; kx < s.kernel; kx++) {
              const idx = packedConvIndex(s, o, i, ky, kx);
              const v = f16 ? f16ToF32(f16[idx]!) : f32![idx]!;
              const t = s.kind === 'deconv' ? ((i * s.outC + o) * s.kernel + ky) * s.kernel + kx : ((o * s.inC + i) * s.kernel + ky) * s.kernel + kx;
              weight[t] = v;
            }
    }
    return { weight, bias: at(l.biasOffset, s.outC) };
  });
}

for (const id of ['se/up4x-conservative', 'pro/up3x-no-denoise', 'nose/up2x-no-denoise']) {
  test(`${id}: every value round-trips through the packed file (f32 and f16)`, () => {
    const m = findModel(id)!;
    const w = randomModel(m, 42);
    for (const dtype of ['f32', 'f16'] as const) {
      const p = readPackedModel(writePackedModel(w, dtype), id);
      unpack(p).forEach((l, n) => {
        // Compare bit patterns (fast, and exact).
        const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
        assert.ok(same(l.weight, w.layers[n]!.weight), `${dtype} ${w.layers[n]!.spec.name} weight`);
        assert.ok(same(l.bias, w.layers[n]!.bias), `${dtype} ${w.layers[n]!.spec.name} bias`);
      });
    }
  });
}

test('header, table, alignment and zero padding follow the spec', () => {
  const m = findModel('pro/up3x-denoise3x')!;
  const specs = layerSpecs(m);
  const w = randomModel(m, 7);
  for (const dtype of ['f32', 'f16'] as const) {
    const bytes = writePackedModel(w, dtype);
    assert.ok(Buffer.from(bytes).equals(Buffer.from(writePackedModel(w, dtype))), 'writing twice gives the same bytes');
    const dv = new DataView(bytes.buffer);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'CUGANWGT');
    assert.equal(dv.getUint32(8, true), 2, 'version');
    assert.equal(dv.getUint32(12, true), dtype === 'f32' ? 1 : 2, 'dtype code');
    assert.equal(dv.getUint32(16, true), 3, 'scale');
    assert.equal(dv.getUint32(20, true), 3, 'flags: se | pro');
    assert.equal(dv.getUint32(24, true), specs.length);
    assert.equal(dv.getUint32(28, true), HEADER_BYTES);
    const dataOffset = dv.getUint32(32, true);
    assert.equal(dataOffset, Math.ceil((HEADER_BYTES + specs.length * TABLE_ENTRY_BYTES) / DATA_ALIGN) * DATA_ALIGN);
    assert.equal(dataOffset + dv.getUint32(36, true), bytes.byteLength);
    assert.equal(bytes.byteLength % DATA_ALIGN, 0);
    assert.equal(new TextDecoder().decode(bytes.subarray(40, 40 + 'pro/up3x-denoise3x'.length)), 'pro/up3x-denoise3x');
    assert.ok(bytes.subarray(40 + 'pro/up3x-denoise3x'.length, 64).every((b) => b === 0));
    // The CRC-32 of every byte but its own four, then zeros up to the table.
    assert.equal(dv.getUint32(CHECKSUM_OFFSET, true), packedChecksum(bytes));
    assert.notEqual(packedChecksum(bytes), 0);
    assert.ok(bytes.subarray(CHECKSUM_OFFSET + 4, HEADER_BYTES).every((b) => b === 0));
    const p = readPackedModel(bytes);
    let end = 0;
    for (const l of p.layers) {
      assert.equal(l.weightOffset % DATA_ALIGN, 0);
      assert.equal(l.biasOffset % DATA_ALIGN, 0);
      assert.ok(l.weightOffset >= end && l.biasOffset >= l.weightOffset + l.weightBytes, `${l.spec.name} in order, no overlap`);
      // Everything between the previous tensor and this one is zero.
      assert.ok(p.data.subarray(end, l.weightOffset).every((b) => b === 0));
      assert.ok(p.data.subarray(l.weightOffset + l.weightBytes, l.biasOffset).every((b) => b === 0));
      end = l.biasOffset + l.biasBytes;
    }
    assert.ok(p.data.subarray(end).every((b) => b === 0));
    // unet1.conv_bottom: deconv 64 -> 3, k5 s3 p2: output channel 3 is padding, so zero.
    const tail = p.layers.find((l) => l.spec.name === 'unet1.conv_bottom')!;
    assert.deepEqual([tail.spec.kernel, tail.spec.stride, tail.spec.pad, ceil4(tail.spec.outC)], [5, 3, 2, 4]);
    const el = dtype === 'f16' ? 2 : 4;
    for (let i = 0; i < 64; i += 9) {
      const idx = packedConvIndex(tail.spec, 3, i, 4, 4);
      assert.ok(p.data.subarray(tail.weightOffset + idx * el, tail.weightOffset + (idx + 1) * el).every((b) => b === 0));
    }
    assert.equal(new DataView(p.data.buffer, p.data.byteOffset).getFloat32(tail.biasOffset + 12, true), 0);
  }
});

