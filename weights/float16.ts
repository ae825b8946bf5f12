// IEEE 754 binary16 <-> binary32. ncnn stores the released weights as f16 and the packed
// format can store them as f16 too, so both directions must be exact: decoding is lossless and
// encoding rounds to nearest, ties to even (so any f16-representable float32 round-trips).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value of the f16 bit pattern `h` (exact; subnormals, infinities and NaN kept). */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero or subnormal
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/** The f16 bit pattern nearest to `x` (round to nearest even; overflow gives infinity). */
export function f32ToF16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0); // inf / NaN (stays NaN)
  // Unbiased exponent, rebias for f16 (bias 15).
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: infinity
  if (e <= 0) {
    // Subnormal f16 (or zero): the value is m * 2^-24 with m = full mantissa shifted right.
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const full = mant | 0x800000; // implicit leading 1
    const shift = 14 - e; // 24-bit significand down to the subnormal's 10 bits
    let m = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (m & 1) !== 0)) m++; // may carry into the smallest normal: still correct
    return sign | m;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++; // a carry may roll into the exponent / up to infinity: correct
  return sign | h;
}

/** Decodes `count` little-endian f16 values starting at `offset` of `bytes`. */
export function decodeF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  // A lookup table is much faster than the arithmetic for millions of weights.
  const table = f16Table();
  const out = new Float32Array(count);
  for (let n = 0, p = offset; n < count; n++, p += 2) out[n] = table[bytes[p]! | (bytes[p + 1]! << 8)]!;
  return out;
}

let table: Float32Array | undefined;
function f16Table(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = f16ToF32(h);
  }
  return table;
}
