// precision 'auto' / 'f16' / 'f32' resolution and the storage defines, without a GPU (a device
// stand-in with or without shader-f16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPrecision, groupBytes, resolvePrecision, tensorDefines } from '../../src/runtime/gpu/tensor-format.js';
import { CuganError } from '../../src/runtime/errors.js';

const device = (...features: string[]) => ({ features: new Set(features) }) as unknown as GPUDevice;

test("'auto' is f32 without shader-f16 and f16 with it; explicit choices are kept", () => {
  assert.equal(resolvePrecision('auto', device()), 'f32');
  assert.equal(resolvePrecision('auto', device('timestamp-query')), 'f32');
  assert.equal(resolvePrecision('auto', device('shader-f16')), 'f16');
  assert.equal(resolvePrecision('f16', device()), 'f16');
  assert.equal(resolvePrecision('f32', device('shader-f16')), 'f32');
});

test('storage defines: half storage everywhere for f16, native f16 only with shader-f16', () => {
  assert.deepEqual(tensorDefines('f32', device('shader-f16')), { F16: false, F16_NATIVE: false });
  assert.deepEqual(tensorDefines('f16', device()), { F16: true, F16_NATIVE: false });
  assert.deepEqual(tensorDefines('f16', device('shader-f16')), { F16: true, F16_NATIVE: true });
  assert.equal(groupBytes('f32'), 16);
  assert.equal(groupBytes('f16'), 8);
});

test('a bad precision is BAD_OPTION', () => {
  for (const v of ['f64', 'F16', undefined, 16]) {
    assert.throws(() => checkPrecision(v), (e: unknown) => e instanceof CuganError && e.code === 'BAD_OPTION' && /precision/.test(e.message));
  }
  assert.equal(checkPrecision('auto'), 'auto');
});
