// A minimal ZIP reader, enough for PyTorch's torch.save files: it finds the central directory
// from the end-of-central-directory record (ZIP64 included), and reads stored entries (what
// torch writes) or deflated ones. Sizes come from the central directory because torch sets the
// "data descriptor" flag and leaves the local headers' sizes at 0. All offsets are bounds-checked.

import { inflateRawSync } from 'node:zlib';
import { CuganError } from '../src/runtime/errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  /** The uncompressed bytes of an entry (a view into the archive for stored entries). */
  read(name: string): Uint8Array;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

export function readZip(buf: Uint8Array, source = 'zip'): ZipArchive {
  const bad = (what: string): never => {
    throw new CuganError('WEIGHTS_CORRUPT', `${source}: corrupt zip: ${what}`);
  };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (p: number): number => (p + 2 <= buf.byteLength ? dv.getUint16(p, true) : bad(`read past the end at ${p}`));
  const u32 = (p: number): number => (p + 4 <= buf.byteLength ? dv.getUint32(p, true) : bad(`read past the end at ${p}`));
  const u64 = (p: number): number => {
    const v = u32(p) + u32(p + 4) * 2 ** 32;
    return Number.isSafeInteger(v) ? v : bad('64-bit size out of range');
  };

  // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
  let eocd = -1;
  for (let p = buf.byteLength - 22; p >= Math.max(0, buf.byteLength - 22 - 65535); p--) {
    if (dv.getUint32(p, true) === EOCD_SIG) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record (not a zip file, or truncated)');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== ZIP64_LOCATOR_SIG) bad('ZIP64 locator missing');
    const z = u64(loc + 8);
    if (u32(z) !== ZIP64_EOCD_SIG) bad('ZIP64 end record missing');
    count = u64(z + 32);
    cdSize = u64(z + 40);
    cdOffset = u64(z + 48);
  }
  if (cdOffset + cdSize > buf.byteLength) bad(`central directory (${cdOffset}+${cdSize}) lies outside the ${buf.byteLength}-byte file`);
  // Each central record is at least 46 bytes: this caps the loop whatever `count` says.
  if (count * 46 > cdSize) bad(`${count} entries cannot fit in a ${cdSize}-byte central directory`);

  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cdOffset + cdSize || u32(p) !== CENTRAL_SIG) bad(`central directory entry ${n} at ${p} is damaged`);
    const method = u16(p + 10);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let localOffset = u32(p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) bad(`central directory entry ${n} runs past the directory`);
    const name = decoder.decode(buf.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field (id 1): the 64-bit values, in this order, for the fields set to 0xffffffff.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (e + 4 + len > p + 46 + nameLen + extraLen) bad(`extra field of "${name}" runs past its record`);
      if (id === 1) {
        let q = e + 4;
        const next = (): number => (q + 8 <= e + 4 + len ? ((q += 8), u64(q - 8)) : bad(`short ZIP64 field in "${name}"`));
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    entries.set(name, { name, method, compressedSize, size, localOffset });
    p = end;
  }

  const read = (name: string): Uint8Array => {
    const e = entries.get(name);
    if (!e) return bad(`no entry "${name}"`);
    if (u32(e.localOffset) !== LOCAL_SIG) bad(`local header of "${name}" at ${e.localOffset} is damaged`);
    const start = e.localOffset + 30 + u16(e.localOffset + 26) + u16(e.localOffset + 28);
    if (start + e.compressedSize > buf.byteLength) bad(`data of "${name}" (${start}+${e.compressedSize}) runs past the end of the file`);
    const raw = buf.subarray(start, start + e.compressedSize);
    if (e.method === 0) {
      if (e.size !== e.compressedSize) bad(`stored entry "${name}" has different sizes`);
      return raw;
    }
    if (e.method !== 8) bad(`entry "${name}" uses compression method ${e.method} (only stored and deflate are supported)`);
    let out: Uint8Array;
    try {
      // maxOutputLength: a damaged stream must not inflate into gigabytes.
      out = inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      return bad(`entry "${name}" does not inflate (${(err as Error).message})`);
    }
    if (out.byteLength !== e.size) bad(`entry "${name}" inflates to ${out.byteLength} bytes, expected ${e.size}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
  return { entries, read };
}
