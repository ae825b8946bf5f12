// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320: the zlib / PNG / zip one), the checksum
// of a packed model file. Slicing-by-8: eight 256-entry tables, built on first use, consume 8
// bytes per loop trip (docs/packed-format.md gives its cost on a 5 MB model).

let tables: Uint32Array | undefined;

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  // Table k maps a byte to its CRC contribution k bytes further on.
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/**
 * CRC-32 of `bytes`; pass the result of a previous call as `crc` to continue over more bytes
 * (crc32(b, crc32(a)) === crc32(a followed by b)).
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = (tables ??= buildTables());
  let c = ~crc >>> 0;
  const n = bytes.byteLength;
  let i = 0;
  for (const end = n - (n % 8); i < end; i += 8) {
    const lo = (c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    c =
      t[7 * 256 + (lo & 0xff)]! ^ t[6 * 256 + ((lo >>> 8) & 0xff)]! ^ t[5 * 256 + ((lo >>> 16) & 0xff)]! ^ t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + bytes[i + 4]!]! ^ t[2 * 256 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^ t[bytes[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
