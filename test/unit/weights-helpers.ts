// Shared by the weights-*.test.ts files: where the source weights are (never copied into the
// repo: read from ../shared next to the checkout, or $CUGAN_WEIGHTS), tiny zip / torch.save
// writers to build test inputs, a seeded PRNG and an assertion for CuganError codes.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import type { TestContext } from 'node:test';
import { CuganError, type CuganErrorCode } from '../../src/runtime/errors.js';
import type { ModelInfo } from '../../src/runtime/model/architecture.js';

const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
/** The realcugan folder: models-se/, models-pro/, models-nose/. */
export const REALCUGAN = process.env.CUGAN_WEIGHTS ? resolve(process.env.CUGAN_WEIGHTS) : join(SHARED, 'weights', 'realcugan');
/** The two .pth fixtures sit next to the realcugan folder. */
export const PTH = resolve(REALCUGAN, '..', 'pth');

export const ncnnParam = (m: Pick<ModelInfo, 'id'>): string => {
  const [family, name] = m.id.split('/') as [string, string];
  return join(REALCUGAN, `models-${family}`, `${name}.param`);
};
export const ncnnBin = (m: Pick<ModelInfo, 'id'>): string => ncnnParam(m).replace(/\.param$/, '.bin');

/** Skips the test (with a message) unless every path exists. */
export function need(t: TestContext, ...paths: string[]): boolean {
  const missing = paths.find((p) => !existsSync(p));
  if (missing) t.skip(`source weights not found: ${missing} (set CUGAN_WEIGHTS to the realcugan folder)`);
  return !missing;
}

export const readBytes = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/** Asserts that `fn` throws a CuganError with `code` whose message contains every `parts`. */
export function throwsCugan(fn: () => unknown, code: CuganErrorCode, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CuganError, `expected a CuganError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const p of parts) assert.ok(err.message.includes(p), `message "${err.message}" should contain "${p}"`);
    return true;
  });
}

export async function rejectsCugan(p: Promise<unknown>, code: CuganErrorCode, ...parts: string[]): Promise<void> {
  let err: unknown;
  await p.then(() => assert.fail(`expected ${code}`), (e: unknown) => (err = e));
  throwsCugan(() => {
    throw err;
  }, code, ...parts);
}

/** Deterministic PRNG (mulberry32): fuzz runs are reproducible. */
export { rng as prng } from '../helpers/reference.js';

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

/** A minimal zip writer (CRCs left 0: the reader does not check them). */
export function makeZip(entries: [string, Uint8Array][], opts: { deflate?: boolean } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const body = opts.deflate ? new Uint8Array(deflateRawSync(data)) : data;
    const method = opts.deflate ? 8 : 0;
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    lh.setUint16(4, 20, true);
    lh.setUint16(8, method, true);
    lh.setUint32(18, body.byteLength, true);
    lh.setUint32(22, data.byteLength, true);
    lh.setUint16(26, nameBytes.byteLength, true);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(4, 20, true);
    ch.setUint16(6, 20, true);
    ch.setUint16(10, method, true);
    ch.setUint32(20, body.byteLength, true);
    ch.setUint32(24, data.byteLength, true);
    ch.setUint16(28, nameBytes.byteLength, true);
    ch.setUint32(42, offset, true);
    locals.push(new Uint8Array(lh.buffer), nameBytes, body);
    centrals.push(new Uint8Array(ch.buffer), nameBytes);
    offset += 30 + nameBytes.byteLength + body.byteLength;
  }
  const cd = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cd.byteLength, true);
  end.setUint32(16, offset, true);
  return concat([...locals, cd, new Uint8Array(end.buffer)]);
}

export interface FakeTensor {
  shape: number[];
  /** Float32 values, or raw f16 bits for a HalfStorage, or int64 as numbers for a LongStorage. */
  data: Float32Array | Uint16Array | number[];
  /** Defaults: contiguous strides, offset 0. */
  stride?: number[];
  offset?: number;
  /** Elements announced for the storage (default: the length of `data`). */
  storageNumel?: number;
}

/** What torch.save(state_dict) writes, for the given tensors: a zip with data.pkl + data/<n>. */
export function fakeTorchSave(name: string, tensors: [string, FakeTensor][], opts: { deflate?: boolean } = {}): Uint8Array {
  const te = new TextEncoder();
  const out: number[] = [0x80, 0x02, 0x7d, 0x28]; // PROTO 2, EMPTY_DICT, MARK
  const str = (s: string): void => {
    const b = te.encode(s);
    out.push(0x58, b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b);
  };
  const int = (v: number): void => {
    out.push(0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  };
  const global = (m: string, n: string): void => {
    out.push(0x63, ...te.encode(`${m}\n${n}\n`));
  };
  const tuple = (vs: number[]): void => {
    out.push(0x28);
    vs.forEach(int);
    out.push(0x74);
  };
  const storages: [string, Uint8Array][] = [];
  tensors.forEach(([key, t], n) => {
    const kind = t.data instanceof Float32Array ? 'FloatStorage' : t.data instanceof Uint16Array ? 'HalfStorage' : 'LongStorage';
    const stride = t.stride ?? t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    const storageNumel = t.storageNumel ?? t.data.length;
    str(key);
    global('torch._utils', '_rebuild_tensor_v2');
    out.push(0x28, 0x28); // MARK (args) MARK (persistent id)
    str('storage');
    global('torch', kind);
    str(String(n));
    str('cpu');
    int(storageNumel);
    out.push(0x74, 0x51); // TUPLE, BINPERSID
    int(t.offset ?? 0);
    tuple(t.shape);
    tuple(stride);
    out.push(0x89); // requires_grad False
    global('collections', 'OrderedDict');
    out.push(0x29, 0x52, 0x74, 0x52); // EMPTY_TUPLE REDUCE (hooks), TUPLE, REDUCE
    let bytes: Uint8Array;
    if (t.data instanceof Float32Array) bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    else if (t.data instanceof Uint16Array) bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    else bytes = new Uint8Array(new BigInt64Array(t.data.map((v) => BigInt(v))).buffer);
    storages.push([`${name}/data/${n}`, bytes]);
  });
  out.push(0x75, 0x2e); // SETITEMS, STOP
  return makeZip([[`${name}/data.pkl`, new Uint8Array(out)], ...storages, [`${name}/version`, te.encode('3\n')]], opts);
}
