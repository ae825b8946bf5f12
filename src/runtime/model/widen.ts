// The kernels read conv/deconv weights as f32. A `.f16.cugan` file (half the download) holds the
// same numbers, since the released weights are float16 values: widening it gives exactly the
// data section of the `.f32.cugan` file, laid out the same way (each tensor 256-byte aligned).

import { align, packedWeightBytes, type PackedModel } from './packed-format.js';

/** f32 bit pattern of the f16 bit pattern `h` (exact: subnormals, infinities and NaN kept). */
function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  let exp = (h >> 10) & 0x1f;
  let frac = h & 0x3ff;
  if (exp === 0x1f) return sign | 0x7f800000 | (frac << 13); // infinity / NaN
  if (exp === 0) {
    if (frac === 0) return sign; // ±0
    // Subnormal: normalise the fraction.
    exp = 1;
    while ((frac & 0x400) === 0) {
      frac <<= 1;
      exp--;
    }
    frac &= 0x3ff;
  }
  return (sign | ((exp + 112) << 23) | (frac << 13)) >>> 0;
}

/** The model with f32 conv/deconv weights (an f32 model is returned as it is). */
export function widenToF32(packed: PackedModel): PackedModel {
  if (packed.dtype === 'f32') return packed;
  let cursor = 0;
  const place = (bytes: number): number => {
    const at = cursor;
    cursor = align(at + bytes);
    return at;
  };
  const layers = packed.layers.map((l) => {
    const weightBytes = packedWeightBytes(l.spec, 'f32');
    const weightOffset = place(weightBytes);
    return { ...l, weightOffset, weightBytes, biasOffset: place(l.biasBytes) };
  });
  const data = new Uint8Array(cursor);
  const src = packed.data;
  packed.layers.forEach((l, n) => {
    const to = layers[n]!;
    if (l.spec.kind === 'fc') {
      data.set(src.subarray(l.weightOffset, l.weightOffset + l.weightBytes), to.weightOffset); // SE weights are f32 already
    } else {
      const halves = new DataView(src.buffer, src.byteOffset + l.weightOffset, l.weightBytes);
      const out = new DataView(data.buffer, to.weightOffset, to.weightBytes);
      for (let i = 0; i < l.weightBytes / 2; i++) out.setUint32(4 * i, f16BitsToF32Bits(halves.getUint16(2 * i, true)), true);
    }
    data.set(src.subarray(l.biasOffset, l.biasOffset + l.biasBytes), to.biasOffset);
  });
  return { ...packed, dtype: 'f32', layers, data };
}
