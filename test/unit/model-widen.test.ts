// f16 model files widened for the kernels (which read f32 weights): the result must be the f32
// file, byte for byte, since the released weights are float16 values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readPackedModel } from '../../src/runtime/model/packed-format.js';
import { widenToF32 } from '../../src/runtime/model/widen.js';
import { MODELS_DIR, modelsAvailable } from '../helpers/models.js';

for (const id of ['se/up2x-conservative', 'pro/up3x-denoise3x', 'nose/up2x-no-denoise']) {
  test(`widenToF32(${id}.f16) is the f32 file`, { skip: !modelsAvailable(id) && 'no converted models (npm run weights)' }, () => {
    const f16 = readPackedModel(new Uint8Array(readFileSync(`${MODELS_DIR}/${id}.f16.cugan`)));
    const f32 = readPackedModel(new Uint8Array(readFileSync(`${MODELS_DIR}/${id}.f32.cugan`)));
    assert.equal(f16.dtype, 'f16');
    const wide = widenToF32(f16);
    assert.equal(wide.dtype, 'f32');
    assert.deepEqual(wide.layers, f32.layers);
    assert.equal(wide.data.byteLength, f32.data.byteLength);
    assert.ok(Buffer.from(wide.data).equals(Buffer.from(f32.data)), 'widened data differs from the f32 file');
    assert.equal(widenToF32(f32), f32, 'an f32 model is returned as it is');
  });
}

test('widenToF32 keeps subnormals, signed zeros, infinities and NaN of the f16 weights', { skip: !modelsAvailable('nose/up2x-no-denoise') && 'no converted models (npm run weights)' }, () => {
  const f16 = readPackedModel(new Uint8Array(readFileSync(`${MODELS_DIR}/nose/up2x-no-denoise.f16.cugan`)));
  const conv = f16.layers.find((l) => l.spec.kind === 'conv')!;
  const patterns = [0x0001, 0x03ff, 0x8000, 0x0000, 0x7c00, 0xfc00, 0x7e00, 0x3c00, 0xc000, 0x7bff];
  const data = new Uint8Array(f16.data);
  const dv = new DataView(data.buffer);
  patterns.forEach((h, i) => dv.setUint16(conv.weightOffset + 2 * i, h, true));
  const wide = widenToF32({ ...f16, data });
  const w = new DataView(wide.data.buffer, wide.layers[f16.layers.indexOf(conv)]!.weightOffset);
  const got = patterns.map((_, i) => w.getFloat32(4 * i, true));
  assert.deepEqual(got.slice(0, 4), [2 ** -24, 1023 * 2 ** -24, -0, 0]);
  assert.ok(Object.is(got[2], -0));
  assert.deepEqual(got.slice(4, 6), [Infinity, -Infinity]);
  assert.ok(Number.isNaN(got[6]));
  assert.deepEqual(got.slice(7), [1, -2, 65504]);
});
