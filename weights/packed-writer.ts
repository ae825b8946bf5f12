// Writes the packed `.cugan` format that src/runtime/model/packed-format.ts reads (the spec is
// there and in docs/packed-format.md). The output is a pure function of the weights and dtype,
// so the same model read from ncnn or from .pth gives identical bytes.

import { CuganError } from '../src/runtime/errors.js';
import { torchWeightShape, type LayerSpec } from '../src/runtime/model/architecture.js';
import {
  align,
  CHECKSUM_OFFSET,
  DTYPE_CODE,
  HEADER_BYTES,
  ID_BYTES,
  KIND_CODE,
  NAME_BYTES,
  PACKED_MAGIC,
  PACKED_VERSION,
  packedBiasBytes,
  packedChecksum,
  packedConvIndex,
  packedWeightBytes,
  TABLE_ENTRY_BYTES,
  type WeightDType,
} from '../src/runtime/model/packed-format.js';
import { f32ToF16 } from './float16.js';
import { checkModelWeights, type LayerWeights, type ModelWeights } from './model-weights.js';

function writeAscii(out: Uint8Array, offset: number, text: string, max: number, what: string): void {
  // NUL-terminated unless it fills the field exactly (the reader stops at the first NUL or the field end).
  if (text.length > max || !/^[\x20-\x7e]*$/.test(text)) {
    throw new CuganError('BAD_OPTION', `${what} "${text}" does not fit a ${max}-byte ASCII field`);
  }
  for (let k = 0; k < text.length; k++) out[offset + k] = text.charCodeAt(k);
}

// Typed-array views write in the platform's byte order; the format is little-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes a conv/deconv weight in the mat4x4 block order of packedConvIndex (`base` is 256-aligned). */
function packConv(l: LayerWeights, out: Uint8Array, base: number, dtype: WeightDType): void {
  const s: LayerSpec = l.spec;
  const [d0, d1, kh, kw] = torchWeightShape(s) as [number, number, number, number];
  const w = l.weight;
  const count = packedWeightBytes(s, dtype) / (dtype === 'f16' ? 2 : 4);
  const f32 = dtype === 'f32' ? new Float32Array(out.buffer, out.byteOffset + base, count) : undefined;
  const f16 = dtype === 'f16' ? new Uint16Array(out.buffer, out.byteOffset + base, count) : undefined;
  const deconv = s.kind === 'deconv';
  let src = 0;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      // Conv2d is w[o][i][ky][kx]; ConvTranspose2d is w[i][o][ky][kx].
      const o = deconv ? b : a;
      const i = deconv ? a : b;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++, src++) {
          const idx = packedConvIndex(s, o, i, ky, kx);
          if (f16) f16[idx] = f32ToF16(w[src]!);
          else f32![idx] = w[src]!;
        }
      }
    }
  }
}

/** The packed model file for `weights`, with conv/deconv weights as `dtype` (biases and SE weights stay f32). */
export function writePackedModel(weights: ModelWeights, dtype: WeightDType): Uint8Array<ArrayBuffer> {
  if (!LITTLE_ENDIAN) throw new CuganError('BAD_OPTION', 'the packed-model writer needs a little-endian platform');
  checkModelWeights(weights);
  const { model, layers } = weights;
  const tableOffset = HEADER_BYTES;
  const dataOffset = align(tableOffset + layers.length * TABLE_ENTRY_BYTES);
  // Lay out the data: each layer's weights, then its bias, each starting on a 256-byte boundary.
  let cursor = 0;
  const place = (bytes: number): number => {
    const at = cursor;
    cursor = align(at + bytes);
    return at;
  };
  const slots = layers.map((l) => {
    const weightBytes = packedWeightBytes(l.spec, dtype);
    const weightOffset = place(weightBytes);
    const biasBytes = packedBiasBytes(l.spec);
    return { weightOffset, weightBytes, biasOffset: place(biasBytes), biasBytes };
  });
  const dataBytes = cursor; // the tail is padded to 256 as well
  const out = new Uint8Array(dataOffset + dataBytes); // zero-filled: padding channels and gaps are 0
  const dv = new DataView(out.buffer);

  writeAscii(out, 0, PACKED_MAGIC, 8, 'magic');
  dv.setUint32(8, PACKED_VERSION, true);
  dv.setUint32(12, DTYPE_CODE[dtype], true);
  dv.setUint32(16, model.scale, true);
  dv.setUint32(20, (model.se ? 1 : 0) | (model.pro ? 2 : 0), true);
  dv.setUint32(24, layers.length, true);
  dv.setUint32(28, tableOffset, true);
  dv.setUint32(32, dataOffset, true);
  dv.setUint32(36, dataBytes, true);
  writeAscii(out, 40, model.id, ID_BYTES, 'model id');

  layers.forEach((l, n) => {
    const e = tableOffset + n * TABLE_ENTRY_BYTES;
    const s = l.spec;
    const slot = slots[n]!;
    writeAscii(out, e, s.name, NAME_BYTES, 'layer name');
    dv.setUint8(e + 40, KIND_CODE[s.kind]);
    dv.setUint8(e + 41, s.kernel);
    dv.setUint8(e + 42, s.stride);
    dv.setUint8(e + 43, s.pad);
    dv.setUint16(e + 44, s.inC, true);
    dv.setUint16(e + 46, s.outC, true);
    dv.setUint32(e + 48, slot.weightOffset, true);
    dv.setUint32(e + 52, slot.weightBytes, true);
    dv.setUint32(e + 56, slot.biasOffset, true);
    dv.setUint32(e + 60, slot.biasBytes, true);

    const wBase = dataOffset + slot.weightOffset;
    if (s.kind === 'fc') {
      // SE weights: f32 [out][in], which is PyTorch's [out][in][1][1] as is.
      new Float32Array(out.buffer, wBase, l.weight.length).set(l.weight);
    } else {
      packConv(l, out, wBase, dtype);
    }
    // Biases: f32, conv/deconv ones zero-padded to ceil4(outC) (the buffer is already zero).
    const bBase = dataOffset + slot.biasOffset;
    new Float32Array(out.buffer, bBase, l.bias.length).set(l.bias);
  });
  dv.setUint32(CHECKSUM_OFFSET, packedChecksum(out), true); // last: it covers every other byte
  return out;
}
