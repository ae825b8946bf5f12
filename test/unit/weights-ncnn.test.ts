// The ncnn reader on the released models: all 18 convert, read back with the runtime's reader,
// and land at the places packedConvIndex says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerSpecs, MODELS, torchWeightShape } from '../../src/runtime/model/architecture.js';
import { packedConvIndex, readPackedModel } from '../../src/runtime/model/packed-format.js';
import { readNcnnModel, parseNcnnParam } from '../../weights/ncnn-reader.js';
import { writePackedModel } from '../../weights/packed-writer.js';
import { f16ToF32 } from '../../weights/float16.js';
import { idFromNcnnPath } from '../../weights/model-id.js';
import { ncnnBin, ncnnParam, need, readBytes } from './weights-helpers.js';

test('parseNcnnParam reads layers, blobs and key=value params including arrays', () => {
  const layers = parseNcnnParam(
    '7767517\n3 3\nInput in0 0 1 in0\n' +
      'Convolution convrelu_0 1 1 in0 2 0=32 1=3 5=1 6=864 9=2 -23310=1,1.000000e-01\n' +
      'Crop pad_9 1 1 4 15 -23309=2,4,4 -23310=2,-4,-4 -23311=2,-2,-1\n',
  );
  assert.equal(layers.length, 3);
  const conv = layers[1]!;
  assert.deepEqual([conv.type, conv.name, conv.inputs, conv.outputs], ['Convolution', 'convrelu_0', ['in0'], ['2']]);
  assert.equal(conv.params.get(0), 32);
  assert.equal(conv.params.get(6), 864);
  assert.deepEqual(conv.params.get(10), [0.1]);
  assert.deepEqual(layers[2]!.params.get(11), [-2, -1]);
  assert.deepEqual(layers[2]!.params.get(9), [4, 4]);
});

test('model ids from ncnn paths', () => {
  assert.equal(idFromNcnnPath('x/models-pro/up3x-denoise3x.param'), 'pro/up3x-denoise3x');
  assert.equal(idFromNcnnPath('models-nose/up2x-no-denoise.bin'), 'nose/up2x-no-denoise');
  assert.equal(idFromNcnnPath('x/up2x-no-denoise.param'), undefined);
});

test('all 18 released ncnn models convert (f32 and f16) and read back', (t) => {
  if (!need(t, ...MODELS.flatMap((m) => [ncnnParam(m), ncnnBin(m)]))) return;
  assert.equal(MODELS.length, 18);
  for (const m of MODELS) {
    const w = readNcnnModel(readBytes(ncnnParam(m)), readBytes(ncnnBin(m)), m.id, { param: ncnnParam(m), bin: ncnnBin(m) });
    assert.equal(w.layers.length, layerSpecs(m).length);
    for (const dtype of ['f32', 'f16'] as const) {
      const packed = readPackedModel(writePackedModel(w, dtype), m.id);
      assert.equal(packed.model.id, m.id);
      assert.equal(packed.dtype, dtype);
      assert.equal(packed.layers.length, w.layers.length);
      // Spot-check the last weight and the first bias of every layer at their packed places.
      const dv = new DataView(packed.data.buffer, packed.data.byteOffset, packed.data.byteLength);
      packed.layers.forEach((pl, n) => {
        const src = w.layers[n]!;
        const [d0, d1, k] = torchWeightShape(pl.spec) as [number, number, number];
        const v = src.weight[src.weight.length - 1]!;
        let got: number;
        if (pl.spec.kind === 'fc') got = dv.getFloat32(pl.weightOffset + 4 * (src.weight.length - 1), true);
        else {
          const [o, i] = pl.spec.kind === 'deconv' ? [d1 - 1, d0 - 1] : [d0 - 1, d1 - 1];
          const idx = packedConvIndex(pl.spec, o, i, k - 1, k - 1);
          got = dtype === 'f16' ? f16ToF32(dv.getUint16(pl.weightOffset + 2 * idx, true)) : dv.getFloat32(pl.weightOffset + 4 * idx, true);
        }
        assert.equal(got, v, `${m.id} ${dtype} ${pl.spec.name} last weight`);
        assert.equal(dv.getFloat32(pl.biasOffset, true), src.bias[0], `${m.id} ${pl.spec.name} bias[0]`);
      });
    }
  }
});

test('ncnn values come from the right bytes: first conv weight, a deconv weight, a bias', (t) => {
  const m = MODELS.find((x) => x.id === 'se/up2x-conservative')!;
  if (!need(t, ncnnParam(m), ncnnBin(m))) return;
  const bin = readBytes(ncnnBin(m));
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const w = readNcnnModel(readBytes(ncnnParam(m)), bin, m.id);
  // Layer 0: tag, then 864 f16 weights [32][3][3][3], then 32 f32 biases.
  assert.equal(dv.getUint32(0, true), 0x01306b47);
  assert.equal(w.layers[0]!.weight[0], f16ToF32(dv.getUint16(4, true)));
  assert.equal(w.layers[0]!.weight[863], f16ToF32(dv.getUint16(4 + 2 * 863, true)));
  assert.equal(w.layers[0]!.bias[31], dv.getFloat32(4 + 2 * 864 + 4 * 31, true));
  // Walk to unet1.conv2_up (a 64->64 k2 deconv): ncnn [out][in][ky][kx] becomes PyTorch [in][out][ky][kx].
  const specs = layerSpecs(m);
  let pos = 0;
  const n = specs.findIndex((s) => s.name === 'unet1.conv2_up');
  for (let k = 0; k < n; k++) pos += 4 + ((specs[k]!.outC * specs[k]!.inC * specs[k]!.kernel ** 2 * 2 + 3) & ~3) + 4 * specs[k]!.outC;
  const [o, i, ky, kx] = [7, 5, 1, 0];
  const ncnnValue = f16ToF32(dv.getUint16(pos + 4 + 2 * (((o * 64 + i) * 2 + ky) * 2 + kx), true));
  assert.equal(w.layers[n]!.weight[((i * 64 + o) * 2 + ky) * 2 + kx], ncnnValue);
  assert.notEqual(ncnnValue, w.layers[n]!.weight[((o * 64 + i) * 2 + ky) * 2 + kx], 'the test needs an asymmetric value');
});
