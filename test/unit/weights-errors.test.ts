// Every bad input gives a CuganError with the right code and a message naming the file and
// what was expected. Damaged copies of the real files are made in a temp folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModel, layerSpecs, torchWeightShape } from '../../src/runtime/model/architecture.js';
import { align, HEADER_BYTES, readPackedModel, TABLE_ENTRY_BYTES } from '../../src/runtime/model/packed-format.js';
import { convertModel, findModelSources } from '../../weights/convert.js';
import { readNcnnModel } from '../../weights/ncnn-reader.js';
import { readPthModel } from '../../weights/pth-reader.js';
import { readZip } from '../../weights/zip-reader.js';
import { writePackedModel } from '../../weights/packed-writer.js';
import { fakeTorchSave, makeZip, type FakeTensor, ncnnBin, ncnnParam, need, PTH, readBytes, rejectsCugan, throwsCugan } from './weights-helpers.js';

const SE2 = findModel('se/up2x-conservative')!;
const PTH_SE2 = join(PTH, 'up2x-latest-conservative.pth');
let tmp = '';

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cugan-weights-test-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Copies the se 2x ncnn pair into tmp/<dir>/models-se/, letting `edit` change the bytes. */
function damagedNcnn(dir: string, edit: { param?: (s: string) => string; bin?: (b: Uint8Array) => Uint8Array }): string {
  const folder = join(tmp, dir, 'models-se');
  mkdirSync(folder, { recursive: true });
  const param = join(folder, 'up2x-conservative.param');
  writeFileSync(param, (edit.param ?? ((s) => s))(readFileSync(ncnnParam(SE2), 'utf8')));
  writeFileSync(join(folder, 'up2x-conservative.bin'), (edit.bin ?? ((b) => b))(readBytes(ncnnBin(SE2))));
  return param;
}

const NOSE = 'nose/up2x-no-denoise';
/** A complete (all-zero) state_dict of the nose model, as fakeTorchSave input. */
function noseTensors(): [string, FakeTensor][] {
  return layerSpecs(findModel(NOSE)!).flatMap((s): [string, FakeTensor][] => [
    [`${s.name}.weight`, { shape: torchWeightShape(s), data: new Float32Array(torchWeightShape(s).reduce((a, b) => a * b, 1)) }],
    [`${s.name}.bias`, { shape: [s.outC], data: new Float32Array(s.outC) }],
  ]);
}

/** The fixture .pth with one byte pattern of its pickle replaced by another of the same length. */
function editedPth(from: number[] | string, to: number[] | string): Uint8Array {
  const buf = readBytes(PTH_SE2);
  const enc = (x: number[] | string): Uint8Array => (typeof x === 'string' ? new TextEncoder().encode(x) : Uint8Array.from(x));
  const [a, b] = [enc(from), enc(to)];
  const at = Buffer.from(buf).indexOf(Buffer.from(a));
  assert.ok(at >= 0 && at < 8192 && a.length === b.length, 'pattern inside data.pkl');
  buf.set(b, at);
  return buf;
}

test('ncnn: truncated .bin is WEIGHTS_CORRUPT naming the .bin', async (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const p = damagedNcnn('trunc', { bin: (b) => b.subarray(0, b.byteLength - 1000) });
  await rejectsCugan(convertModel(p, 'f32'), 'WEIGHTS_CORRUPT', 'up2x-conservative.bin', 'truncated');
  const q = damagedNcnn('trunc-mid', { bin: (b) => b.subarray(0, 3) });
  await rejectsCugan(convertModel(q, 'f32'), 'WEIGHTS_CORRUPT', 'up2x-conservative.bin', 'truncated', 'unet1.conv1.conv.0');
});

test('ncnn: bytes that do not add up to the .bin size are WEIGHTS_CORRUPT', async (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const p = damagedNcnn('extra', { bin: (b) => Buffer.concat([b, new Uint8Array(4)]) });
  await rejectsCugan(convertModel(p, 'f16'), 'WEIGHTS_CORRUPT', 'up2x-conservative.bin', `${readBytes(ncnnBin(SE2)).byteLength + 4}`);
});

test('ncnn: wrong .param magic is WEIGHTS_CORRUPT naming the .param', async (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const p = damagedNcnn('magic', { param: (s) => s.replace('7767517', '7767518') });
  await rejectsCugan(convertModel(p, 'f32'), 'WEIGHTS_CORRUPT', 'up2x-conservative.param', 'magic', '7767517');
});

test('ncnn: a bad weight tag is WEIGHTS_CORRUPT naming the tag and the layer', async (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const p = damagedNcnn('tag', { bin: (b) => (b.set([0xef, 0xbe, 0xad, 0xde], 0), b) });
  await rejectsCugan(convertModel(p, 'f32'), 'WEIGHTS_CORRUPT', 'up2x-conservative.bin', 'tag 0xdeadbeef', 'unet1.conv1.conv.0');
  // The second layer's tag sits after 864 f16 weights and 32 f32 biases.
  const q = damagedNcnn('tag2', { bin: (b) => (b.set([1, 2, 3, 4], 4 + 864 * 2 + 32 * 4), b) });
  await rejectsCugan(convertModel(q, 'f32'), 'WEIGHTS_CORRUPT', 'tag 0x04030201', 'unet1.conv1.conv.2');
});

test('ncnn: a float32 (tag 0) layer is accepted', (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const bin = readBytes(ncnnBin(SE2));
  const ref = readNcnnModel(readBytes(ncnnParam(SE2)), bin, SE2.id);
  const first = ref.layers[0]!;
  // Re-encode layer 0 as tag 0 + f32 weights; the rest of the file unchanged.
  const head = new Uint8Array(4 + first.weight.byteLength);
  head.set(new Uint8Array(first.weight.buffer), 4);
  const rest = bin.subarray(4 + 864 * 2);
  const f32bin = Buffer.concat([head, rest]);
  const w = readNcnnModel(readBytes(ncnnParam(SE2)), f32bin, SE2.id);
  assert.ok(Buffer.from(writePackedModel(w, 'f32')).equals(Buffer.from(writePackedModel(ref, 'f32'))));
});

test('ncnn: a .param layer that does not fit the architecture is WEIGHTS_SHAPE naming it', async (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const p = damagedNcnn('numout', { param: (s) => s.replace(/(convrelu_2 .* )0=64 /, '$10=65 ') });
  await rejectsCugan(
    convertModel(p, 'f32'),
    'WEIGHTS_SHAPE',
    'up2x-conservative.param',
    'convrelu_2',
    'unet1.conv1_down',
    'num_output=65',
    'expected Convolution num_output=64 kernel=2 stride=2',
  );
  const q = damagedNcnn('wds', { param: (s) => s.replace('6=864 ', '6=863 ') });
  await rejectsCugan(convertModel(q, 'f32'), 'WEIGHTS_SHAPE', 'weight_data_size=863', '[32, 3, 3, 3]');
  // The nose graph read as an se model: the first SE layer is missing.
  const nose = findModel('nose/up2x-no-denoise')!;
  if (!need(t, ncnnParam(nose), ncnnBin(nose))) return;
  throwsCugan(
    () => readNcnnModel(readBytes(ncnnParam(nose)), readBytes(ncnnBin(nose)), 'se/up2x-no-denoise', { param: 'nose.param', bin: 'nose.bin' }),
    'WEIGHTS_SHAPE',
    'nose.param',
    'unet1.conv2.seblock.conv1',
  );
});

test('pth: a tensor of the wrong shape is WEIGHTS_SHAPE naming the key, the shape and the expected', (t) => {
  if (!need(t, PTH_SE2)) return;
  // The pickle's first size tuple (32, 3, 3, 3) as BININT1s: change 32 to 16.
  const buf = editedPth([0x28, 0x4b, 0x20, 0x4b, 0x03, 0x4b, 0x03, 0x4b, 0x03, 0x74], [0x28, 0x4b, 0x10, 0x4b, 0x03, 0x4b, 0x03, 0x4b, 0x03, 0x74]);
  throwsCugan(() => readPthModel(buf, { source: PTH_SE2 }), 'WEIGHTS_SHAPE', 'up2x-latest-conservative.pth', 'unet1.conv1.conv.0.weight', '[16, 3, 3, 3]', '[32, 3, 3, 3]');
});

test('pth: a non-contiguous tensor is WEIGHTS_CORRUPT', (t) => {
  if (!need(t, PTH_SE2)) return;
  // Stride (27, 9, 3, 1) -> (27, 9, 1, 3): a transposed view.
  const buf = editedPth([0x4b, 0x09, 0x4b, 0x03, 0x4b, 0x01, 0x74], [0x4b, 0x09, 0x4b, 0x01, 0x4b, 0x03, 0x74]);
  throwsCugan(() => readPthModel(buf, { source: PTH_SE2 }), 'WEIGHTS_CORRUPT', 'up2x-latest-conservative.pth', 'non-contiguous');
});

test('pth: unexpected, missing and pro keys are WEIGHTS_SHAPE', (t) => {
  if (!need(t, PTH_SE2)) return;
  const renamed = editedPth('unet1.conv1.conv.0.weight', 'unet1.conv1.conv.0.weighz');
  throwsCugan(() => readPthModel(renamed, { source: PTH_SE2 }), 'WEIGHTS_SHAPE', 'unexpected key', 'unet1.conv1.conv.0.weighz');
  throwsCugan(() => readPthModel(readBytes(PTH_SE2), { source: PTH_SE2, id: 'pro/up2x-conservative' }), 'WEIGHTS_SHAPE', 'up2x-latest-conservative.pth', 'no "pro" key');
  const pro = join(PTH, 'pro-denoise3x-up3x.pth');
  if (!need(t, pro)) return;
  throwsCugan(() => readPthModel(readBytes(pro), { source: pro, id: 'se/up3x-denoise3x' }), 'WEIGHTS_SHAPE', 'pro-denoise3x-up3x.pth', '"pro" key');
  const tensors = noseTensors().filter(([k]) => k !== 'unet2.conv5.bias');
  throwsCugan(() => readPthModel(fakeTorchSave('x', tensors), { id: NOSE, source: 'small.pth' }), 'WEIGHTS_SHAPE', 'small.pth', 'missing key "unet2.conv5.bias"', '[64]');
});

test('pth: damaged or foreign files are WEIGHTS_CORRUPT naming the file', (t) => {
  const src = { id: 'se/up2x-conservative', source: 'bad.pth' };
  throwsCugan(() => readPthModel(new Uint8Array([0x80, 0x02, 0x7d, 0x2e]), src), 'WEIGHTS_CORRUPT', 'bad.pth', 'not a zip');
  const evil = makeZip([['x/data.pkl', Uint8Array.from([0x80, 0x02, ...new TextEncoder().encode('cos\nsystem\nX\x02\x00\x00\x00ls'), 0x85, 0x52, 0x2e])]]);
  throwsCugan(() => readPthModel(evil, src), 'WEIGHTS_CORRUPT', 'bad.pth', 'os.system');
  // An int64 tensor where a float one belongs.
  const ints = noseTensors().map(([k, v]): [string, FakeTensor] => [k, k === 'unet1.conv1.conv.0.bias' ? { shape: [32], data: Array.from({ length: 32 }, (_, n) => n) } : v]);
  throwsCugan(() => readPthModel(fakeTorchSave('x', ints), { ...src, id: NOSE }), 'WEIGHTS_CORRUPT', 'bad.pth', 'unet1.conv1.conv.0.bias', 'int64');
  // A storage file missing from the zip, and an empty pickle.
  const zip = readZip(fakeTorchSave('x', noseTensors()));
  const withoutData0 = makeZip([...zip.entries.keys()].filter((n) => n !== 'x/data/0').map((n) => [n, zip.read(n)]));
  throwsCugan(() => readPthModel(withoutData0, { ...src, id: NOSE }), 'WEIGHTS_CORRUPT', 'bad.pth', 'x/data/0', 'missing');
  throwsCugan(() => readPthModel(makeZip([['x/data.pkl', new Uint8Array(0)]]), src), 'WEIGHTS_CORRUPT', 'bad.pth', 'pickle');
  if (!need(t, PTH_SE2)) return;
  const full = readBytes(PTH_SE2);
  throwsCugan(() => readPthModel(full.subarray(0, full.byteLength - 100), { source: PTH_SE2 }), 'WEIGHTS_CORRUPT', 'up2x-latest-conservative.pth');
  throwsCugan(() => readPthModel(full.subarray(0, 3_000_000), { source: PTH_SE2 }), 'WEIGHTS_CORRUPT', 'up2x-latest-conservative.pth', 'zip');
});

test('unknown model ids are MODEL_UNKNOWN', async (t) => {
  throwsCugan(() => readNcnnModel('7767517\n0 0\n', new Uint8Array(), 'se/up5x-conservative', { param: 'a.param', bin: 'a.bin' }), 'MODEL_UNKNOWN', 'a.param', 'se/up5x-conservative');
  throwsCugan(() => readPthModel(new Uint8Array(), { source: 'dir/model.pth' }), 'MODEL_UNKNOWN', 'model.pth');
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2), PTH_SE2)) return;
  await rejectsCugan(convertModel(ncnnParam(SE2), 'f32', { id: 'se/up2x-superb' }), 'MODEL_UNKNOWN', 'se/up2x-superb');
  const odd = join(tmp, 'renamed.pth');
  copyFileSync(PTH_SE2, odd);
  await rejectsCugan(convertModel(odd, 'f32'), 'MODEL_UNKNOWN', 'renamed.pth');
  assert.equal(readPackedModel(await convertModel(odd, 'f16', { id: 'se/up2x-conservative' })).model.id, 'se/up2x-conservative');
  // An ncnn pair outside a models-<family> folder cannot be named either.
  copyFileSync(ncnnParam(SE2), join(tmp, 'up2x-conservative.param'));
  copyFileSync(ncnnBin(SE2), join(tmp, 'up2x-conservative.bin'));
  await rejectsCugan(convertModel(join(tmp, 'up2x-conservative.param'), 'f32'), 'MODEL_UNKNOWN', 'up2x-conservative.param');
});

test('missing files are WEIGHTS_NOT_FOUND naming them; unknown formats WEIGHTS_CORRUPT', async (t) => {
  await rejectsCugan(convertModel(join(tmp, 'models-se', 'up2x-nothing.param'), 'f32'), 'WEIGHTS_NOT_FOUND', 'up2x-nothing.param');
  await rejectsCugan(convertModel(join(tmp, 'up2x-latest-conservative.pth'), 'f32'), 'WEIGHTS_NOT_FOUND', 'up2x-latest-conservative.pth');
  await rejectsCugan(convertModel(join(tmp, 'nothing'), 'f32'), 'WEIGHTS_NOT_FOUND', 'nothing');
  await rejectsCugan(findModelSources(join(tmp, 'no-such-folder')), 'WEIGHTS_NOT_FOUND', 'no-such-folder');
  writeFileSync(join(tmp, 'mystery'), 'hello');
  await rejectsCugan(convertModel(join(tmp, 'mystery'), 'f32'), 'WEIGHTS_CORRUPT', 'mystery');
  if (!need(t, ncnnParam(SE2))) return;
  const folder = join(tmp, 'lonely', 'models-se');
  mkdirSync(folder, { recursive: true });
  copyFileSync(ncnnParam(SE2), join(folder, 'up2x-conservative.param'));
  await rejectsCugan(convertModel(join(folder, 'up2x-conservative.param'), 'f32'), 'WEIGHTS_NOT_FOUND', 'up2x-conservative.bin');
});

test('packed reader: damaged .cugan files are WEIGHTS_CORRUPT', (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const bytes = writePackedModel(readNcnnModel(readBytes(ncnnParam(SE2)), readBytes(ncnnBin(SE2)), SE2.id), 'f16');
  throwsCugan(() => readPackedModel(bytes.subarray(0, bytes.byteLength - 256), 'x.cugan'), 'WEIGHTS_CORRUPT', 'x.cugan');
  const wrong = bytes.slice();
  wrong[0] = 0x58;
  throwsCugan(() => readPackedModel(wrong, 'x.cugan'), 'WEIGHTS_CORRUPT', 'x.cugan', 'magic');
});

/** The same model as a version 1 file (before the checksum): a 64-byte header, the table at 64. */
function asVersion1(v2: Uint8Array): Uint8Array {
  const dv2 = new DataView(v2.buffer, v2.byteOffset);
  const layers = dv2.getUint32(24, true);
  const [dataOffset, dataBytes] = [dv2.getUint32(32, true), dv2.getUint32(36, true)];
  const v1DataOffset = align(64 + layers * TABLE_ENTRY_BYTES);
  const v1 = new Uint8Array(v1DataOffset + dataBytes);
  v1.set(v2.subarray(0, 64));
  v1.set(v2.subarray(HEADER_BYTES, HEADER_BYTES + layers * TABLE_ENTRY_BYTES), 64);
  v1.set(v2.subarray(dataOffset), v1DataOffset);
  const dv1 = new DataView(v1.buffer);
  dv1.setUint32(8, 1, true);
  dv1.setUint32(28, 64, true);
  dv1.setUint32(32, v1DataOffset, true);
  return v1;
}

test('packed reader: one flipped byte anywhere is WEIGHTS_CORRUPT (the header checksum)', (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const bytes = writePackedModel(readNcnnModel(readBytes(ncnnParam(SE2)), readBytes(ncnnBin(SE2)), SE2.id), 'f32');
  const p = readPackedModel(bytes, 'x.cugan');
  // A weight in the middle of a conv layer: still finite, the right shape, wrong pixels.
  const layer = p.layers[5]!;
  const at = bytes.byteLength - p.data.byteLength + layer.weightOffset + 1001;
  for (const bit of [0, 3, 7]) {
    const flipped = bytes.slice();
    flipped[at]! ^= 1 << bit;
    throwsCugan(() => readPackedModel(flipped, 'x.cugan'), 'WEIGHTS_CORRUPT', 'x.cugan', 'damaged', 'CRC-32');
  }
  // A model id one bit away from another released model of the same architecture
  // (denoise1x -> denoise3x): without the checksum it would load as the wrong model.
  const D1 = findModel('se/up2x-denoise1x')!;
  if (need(t, ncnnParam(D1), ncnnBin(D1))) {
    const renamed = writePackedModel(readNcnnModel(readBytes(ncnnParam(D1)), readBytes(ncnnBin(D1)), D1.id), 'f16');
    renamed[40 + D1.id.indexOf('1')]! ^= 0x02;
    assert.equal(new TextDecoder().decode(renamed.subarray(40, 40 + D1.id.length)), 'se/up2x-denoise3x');
    throwsCugan(() => readPackedModel(renamed, 'x.cugan'), 'WEIGHTS_CORRUPT', 'x.cugan', 'damaged');
  }
  // A bias byte, a table byte, the checksum itself.
  for (const k of [bytes.byteLength - p.data.byteLength + layer.biasOffset, HEADER_BYTES + 70, 64]) {
    const flipped = bytes.slice();
    flipped[k]! ^= 0x10;
    throwsCugan(() => readPackedModel(flipped, 'x.cugan'), 'WEIGHTS_CORRUPT', 'x.cugan', 'damaged');
  }
  // Truncated: said so.
  throwsCugan(() => readPackedModel(bytes.subarray(0, bytes.byteLength - 256), 'x.cugan'), 'WEIGHTS_CORRUPT', 'truncated');
});

test('packed reader: a version 1 file (no checksum) says to re-convert with npx cugan-weights', (t) => {
  if (!need(t, ncnnParam(SE2), ncnnBin(SE2))) return;
  const v1 = asVersion1(writePackedModel(readNcnnModel(readBytes(ncnnParam(SE2)), readBytes(ncnnBin(SE2)), SE2.id), 'f16'));
  throwsCugan(() => readPackedModel(v1, 'old.cugan'), 'WEIGHTS_CORRUPT', 'old.cugan', 'version 1', 're-convert', 'npx cugan-weights --out DIR SOURCE');
  const future = writePackedModel(readNcnnModel(readBytes(ncnnParam(SE2)), readBytes(ncnnBin(SE2)), SE2.id), 'f16');
  new DataView(future.buffer).setUint32(8, 3, true);
  throwsCugan(() => readPackedModel(future, 'new.cugan'), 'WEIGHTS_CORRUPT', 'new.cugan', 'version 3', 'update cugan-webgpu');
});
