// The .pth reader: the two PyTorch fixtures give exactly the bytes of their ncnn counterparts,
// and a deconv value lands where packedConvIndex says (so the [in][out] layout is really tested).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findModel, layerSpecs, torchWeightShape } from '../../src/runtime/model/architecture.js';
import { packedConvIndex, readPackedModel } from '../../src/runtime/model/packed-format.js';
import { convertModel } from '../../weights/convert.js';
import { idFromPthName } from '../../weights/model-id.js';
import { readNcnnModel } from '../../weights/ncnn-reader.js';
import { writePackedModel } from '../../weights/packed-writer.js';
import { readPthModel } from '../../weights/pth-reader.js';
import { loadTorchZip, TorchTensor } from '../../weights/torch-load.js';
import { f32ToF16 } from '../../weights/float16.js';
import { fakeTorchSave, ncnnBin, ncnnParam, need, PTH, readBytes } from './weights-helpers.js';

const FIXTURES = [
  ['up2x-latest-conservative.pth', 'se/up2x-conservative'],
  ['pro-denoise3x-up3x.pth', 'pro/up3x-denoise3x'],
] as const;

test('official .pth names map to model ids', () => {
  const cases: [string, string | undefined][] = [
    ['up2x-latest-conservative.pth', 'se/up2x-conservative'],
    ['weights_v3/up2x-latest-no-denoise.pth', 'se/up2x-no-denoise'],
    ['up2x-latest-denoise1x.pth', 'se/up2x-denoise1x'],
    ['up3x-latest-denoise3x.pth', 'se/up3x-denoise3x'],
    ['up4x-latest-conservative.pth', 'se/up4x-conservative'],
    ['pro-conservative-up2x.pth', 'pro/up2x-conservative'],
    ['pro-denoise3x-up3x.pth', 'pro/up3x-denoise3x'],
    ['pro-no-denoise-up2x.pth', 'pro/up2x-no-denoise'],
    ['model.pth', undefined],
  ];
  for (const [name, id] of cases) assert.equal(idFromPthName(name), id, name);
});

for (const [file, id] of FIXTURES) {
  test(`${file} converts to the same bytes as ncnn ${id} (f32 and f16)`, async (t) => {
    const m = findModel(id)!;
    if (!need(t, join(PTH, file), ncnnParam(m), ncnnBin(m))) return;
    for (const dtype of ['f32', 'f16'] as const) {
      const fromPth = await convertModel(join(PTH, file), dtype);
      const fromNcnn = await convertModel(ncnnParam(m), dtype);
      assert.equal(readPackedModel(fromPth).model.id, id);
      assert.ok(Buffer.from(fromPth).equals(Buffer.from(fromNcnn)), `${file} ${dtype} differs from ncnn`);
    }
  });
}

test('a .pth deconv value lands at packedConvIndex(o, i) of the ncnn-converted file', (t) => {
  const m = findModel('se/up2x-conservative')!;
  const pth = join(PTH, 'up2x-latest-conservative.pth');
  if (!need(t, pth, ncnnParam(m), ncnnBin(m))) return;
  const dict = loadTorchZip(readBytes(pth), pth);
  const packed = readPackedModel(writePackedModel(readNcnnModel(readBytes(ncnnParam(m)), readBytes(ncnnBin(m)), m.id), 'f32'));
  const dv = new DataView(packed.data.buffer, packed.data.byteOffset, packed.data.byteLength);
  const at = (name: string) => packed.layers.find((l) => l.spec.name === name)!;

  // unet2.conv3_up: ConvTranspose2d(128, 128, 2, 2), PyTorch w[i][o][ky][kx]; take i=5, o=7, ky=1, kx=0.
  const up = dict.get('unet2.conv3_up.weight') as TorchTensor;
  assert.deepEqual(up.shape, [128, 128, 2, 2]);
  const upW = up.toFloat32()!;
  const value = upW[((5 * 128 + 7) * 2 + 1) * 2 + 0]!;
  assert.notEqual(value, upW[((7 * 128 + 5) * 2 + 1) * 2 + 0], 'i and o must be distinguishable here');
  const l = at('unet2.conv3_up');
  assert.equal(dv.getFloat32(l.weightOffset + 4 * packedConvIndex(l.spec, 7, 5, 1, 0), true), value);

  // A conv (w[o][i][ky][kx]) and the 3->... first layer with its channel padding.
  const c = dict.get('unet1.conv1.conv.0.weight') as TorchTensor;
  const cl = at('unet1.conv1.conv.0');
  const cw = c.toFloat32()!;
  assert.equal(dv.getFloat32(cl.weightOffset + 4 * packedConvIndex(cl.spec, 30, 2, 2, 1), true), cw[((30 * 3 + 2) * 3 + 2) * 3 + 1]);
  assert.equal(dv.getFloat32(cl.weightOffset + 4 * packedConvIndex(cl.spec, 30, 3, 2, 1), true), 0, 'padding input channel 3 is zero');
  // SE fc: [out][in] f32; bias f32.
  const fc = dict.get('unet2.conv3.seblock.conv2.weight') as TorchTensor;
  const fl = at('unet2.conv3.seblock.conv2');
  assert.deepEqual(fc.shape, [128, 16, 1, 1]);
  assert.equal(dv.getFloat32(fl.weightOffset + 4 * (100 * 16 + 9), true), fc.toFloat32()![100 * 16 + 9]);
  const b = dict.get('unet2.conv_bottom.bias') as TorchTensor;
  const bl = at('unet2.conv_bottom');
  assert.equal(dv.getFloat32(bl.biasOffset + 8, true), b.toFloat32()![2]);
  assert.equal(dv.getFloat32(bl.biasOffset + 12, true), 0, 'bias padded to ceil4(3) with 0');
});

test('the pro key marks pro models', (t) => {
  const pro = join(PTH, 'pro-denoise3x-up3x.pth');
  if (!need(t, pro)) return;
  const dict = loadTorchZip(readBytes(pro), pro);
  assert.ok(dict.get('pro') instanceof TorchTensor);
  assert.equal(readPthModel(readBytes(pro), { source: pro }).model.pro, true);
});

test('synthetic torch.save files: HalfStorage, storage offsets and a nose model', (t) => {
  const m = findModel('nose/up2x-no-denoise')!;
  if (!need(t, ncnnParam(m), ncnnBin(m))) return;
  const ref = readNcnnModel(readBytes(ncnnParam(m)), readBytes(ncnnBin(m)), m.id);
  const expected = writePackedModel(ref, 'f16');
  // Layer 0 as f16 bits in a HalfStorage; layer 1's bias inside a larger storage at an offset.
  const tensors = ref.layers.flatMap((l, n): [string, Parameters<typeof fakeTorchSave>[1][number][1]][] => {
    const shape = torchWeightShape(l.spec);
    const weight = n === 0 ? { shape, data: Uint16Array.from(l.weight, f32ToF16) } : { shape, data: l.weight };
    const bias =
      n === 1
        ? { shape: [l.spec.outC], data: Float32Array.from([9, 9, 9, ...l.bias, 9]), offset: 3 }
        : { shape: [l.spec.outC], data: l.bias };
    return [[`${l.spec.name}.weight`, weight], [`${l.spec.name}.bias`, bias]];
  });
  assert.equal(tensors.length, 2 * layerSpecs(m).length);
  const got = writePackedModel(readPthModel(fakeTorchSave('archive', tensors), { id: m.id, source: 'fake.pth' }), 'f16');
  assert.ok(Buffer.from(got).equals(Buffer.from(expected)));
});

test('deflated zip entries are read too', () => {
  const data = Float32Array.from({ length: 1000 }, (_, k) => k / 7);
  const dict = loadTorchZip(fakeTorchSave('archive', [['w', { shape: [10, 100], data }]], { deflate: true }), 'deflated.pth');
  const w = dict.get('w') as TorchTensor;
  assert.deepEqual(w.shape, [10, 100]);
  assert.deepEqual(w.toFloat32(), data);
});
