// Random and damaged inputs into every parser: the only thing allowed to escape is a
// CuganError, and nothing may hang. Seeded, so a failure names a reproducible iteration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CuganError } from '../../src/runtime/errors.js';
import { findModel } from '../../src/runtime/model/architecture.js';
import { CHECKSUM_OFFSET, HEADER_BYTES, packedChecksum, readPackedModel } from '../../src/runtime/model/packed-format.js';
import { parseNcnnParam, readNcnnModel } from '../../weights/ncnn-reader.js';
import { writePackedModel } from '../../weights/packed-writer.js';
import { unpickle } from '../../weights/pickle.js';
import { readPthModel } from '../../weights/pth-reader.js';
import { loadTorchZip } from '../../weights/torch-load.js';
import { readZip } from '../../weights/zip-reader.js';
import { fakeTorchSave, ncnnBin, ncnnParam, prng, PTH, readBytes } from './weights-helpers.js';

// FUZZ_ITERATIONS / FUZZ_SEED allow longer runs by hand; the suite uses the defaults.
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 0xc06a);
const TIME_LIMIT_MS = 10_000;
const PER_CASE_LIMIT_MS = 2_000;

test(`fuzz: ${ITERATIONS} random / damaged inputs give only CuganErrors`, (t) => {
  const rnd = prng(SEED);
  const int = (n: number): number => Math.floor(rnd() * n);
  const se2 = findModel('se/up2x-conservative')!;
  const pthPath = join(PTH, 'up2x-latest-conservative.pth');
  const haveReal = [ncnnParam(se2), ncnnBin(se2), pthPath].every(existsSync);
  if (!haveReal) t.diagnostic('source weights not found: fuzzing synthetic inputs only');

  // Inputs to damage: real files when present, plus small synthetic ones (always).
  const fakeZip = fakeTorchSave('f', [
    ['a.weight', { shape: [2, 3, 1, 1], data: new Float32Array(6).fill(0.5) }],
    ['a.bias', { shape: [2], data: Uint16Array.from([0x3c00, 0xbc00]) }],
    ['pro', { shape: [], data: [1] }],
  ]);
  const fakeDeflated = fakeTorchSave('f', [['w', { shape: [4, 4], data: new Float32Array(16).fill(1) }]], { deflate: true });
  const param = haveReal ? readBytes(ncnnParam(se2)) : new TextEncoder().encode('7767517\n1 1\nInput in0 0 1 in0\n');
  const bin = haveReal ? readBytes(ncnnBin(se2)) : new Uint8Array(8);
  const pth = haveReal ? readBytes(pthPath) : fakeZip;
  const packed = haveReal ? writePackedModel(readNcnnModel(param, bin, se2.id), 'f16') : new Uint8Array(64);

  const randomBytes = (): Uint8Array => {
    const prefixes = ['', '7767517\n', 'PK\x03\x04', 'CUGANWGT', '\x80\x02', '7767517\n55 63\nConvolution c 1 1 a b 0='];
    const head = new TextEncoder().encode(prefixes[int(prefixes.length)]!);
    const out = new Uint8Array(head.length + int(2048));
    out.set(head);
    for (let k = head.length; k < out.length; k++) out[k] = int(256);
    return out;
  };
  /** A copy with a few bits flipped inside [from, to), and sometimes truncated. */
  const damage = (src: Uint8Array, from = 0, to = src.byteLength): Uint8Array => {
    const out = src.slice();
    for (let n = 1 + int(4); n > 0; n--) out[from + int(to - from)]! ^= 1 << int(8);
    return rnd() < 0.3 ? out.subarray(0, int(out.byteLength + 1)) : out;
  };
  const pklEnd = Math.min(8192, pth.byteLength);
  const hooks = {
    reduce: () => {
      throw new CuganError('WEIGHTS_CORRUPT', 'fuzz: no calls');
    },
    persistentLoad: () => null,
  };

  // Each case is built and run in turn (copies of the 5 MB .pth are not kept around).
  const nextCase = (n: number): [string, () => unknown] => {
    switch (n % 8) {
      case 0: {
        const r = randomBytes();
        return [`random bytes (${r.length})`, () => {
          for (const f of [
            () => parseNcnnParam(r, 'fuzz.param'),
            () => readNcnnModel(r, r, se2.id, { param: 'fuzz.param', bin: 'fuzz.bin' }),
            () => readPthModel(r, { id: se2.id, source: 'fuzz.pth' }),
            () => readZip(r, 'fuzz.zip'),
            () => unpickle(r, hooks, 'fuzz.pkl'),
            () => readPackedModel(r, 'fuzz.cugan'),
          ]) {
            try {
              f();
            } catch (e) {
              if (!(e instanceof CuganError)) throw e;
            }
          }
        }];
      }
      case 1: {
        // Text damage: bit flips, or a digit changed, in the .param.
        const flip = rnd() < 0.5;
        const p = flip ? damage(param) : param.slice();
        if (!flip) p[int(p.length)] = 0x30 + int(10);
        return ['damaged .param', () => readNcnnModel(p, bin, se2.id, { param: 'fuzz.param', bin: 'fuzz.bin' })];
      }
      case 2: {
        const b = damage(bin, 0, Math.min(bin.byteLength, 1 << 16));
        return ['damaged .bin', () => readNcnnModel(param, b, se2.id, { param: 'fuzz.param', bin: 'fuzz.bin' })];
      }
      case 3: {
        const z = damage(pth, 0, pklEnd); // the pickle (and the first local headers)
        return ['damaged .pth pickle', () => readPthModel(z, { id: se2.id, source: 'fuzz.pth' })];
      }
      case 4: {
        const z = damage(pth, Math.max(0, pth.byteLength - 8192)); // the central directory
        return ['damaged .pth directory', () => readPthModel(z, { id: se2.id, source: 'fuzz.pth' })];
      }
      case 5:
      case 7: {
        const z = damage(n % 8 === 5 ? fakeZip : fakeDeflated);
        return ['damaged small torch zip', () => loadTorchZip(z, 'fuzz.pth')];
      }
      default: {
        const p = damage(packed, 0, Math.min(packed.byteLength, HEADER_BYTES + 64 * 60));
        // Half the time with the checksum made to match, so the field checks behind it are fuzzed too.
        if (rnd() < 0.5 && p.byteLength >= CHECKSUM_OFFSET + 4) new DataView(p.buffer, p.byteOffset).setUint32(CHECKSUM_OFFSET, packedChecksum(p), true);
        return ['damaged .cugan header/table', () => readPackedModel(p, 'fuzz.cugan')];
      }
    }
  };

  const t0 = performance.now();
  for (let n = 0; n < ITERATIONS; n++) {
    const c0 = performance.now();
    const [what, run] = nextCase(n);
    try {
      run();
    } catch (e) {
      assert.ok(e instanceof CuganError, `iteration ${n} (${what}, seed ${SEED}): threw ${e instanceof Error ? e.stack : String(e)}`);
      assert.ok(e.message.includes('fuzz'), `iteration ${n}: message should name the input: ${e.message}`);
    }
    const ms = performance.now() - c0;
    assert.ok(ms < PER_CASE_LIMIT_MS, `iteration ${n} (${what}) took ${ms.toFixed(0)} ms`);
  }
  const total = performance.now() - t0;
  t.diagnostic(`${ITERATIONS} cases in ${total.toFixed(0)} ms`);
  assert.ok(total < TIME_LIMIT_MS, `fuzz took ${total.toFixed(0)} ms`);
});

// Cut short anywhere: every prefix length class of the .param, the .bin and the .pth (random
// cut points, plus the edges: empty, one byte, one byte short) into the ncnn and .pth readers.
// A truncated file must be refused with a typed error, never read as a smaller valid model.
test('fuzz: random truncations of the ncnn .param/.bin and the .pth give typed errors', (t) => {
  const rnd = prng(SEED ^ 0x5eed);
  const se2 = findModel('se/up2x-conservative')!;
  const pthPath = join(PTH, 'up2x-latest-conservative.pth');
  if (![ncnnParam(se2), ncnnBin(se2), pthPath].every(existsSync)) return t.skip('source weights not found');
  const param = readBytes(ncnnParam(se2));
  const bin = readBytes(ncnnBin(se2));
  const pth = readBytes(pthPath);
  const cuts = (n: number): number[] => [0, 1, n - 1, ...Array.from({ length: 40 }, () => Math.floor(rnd() * n))];
  const cases: Array<[string, () => unknown]> = [
    // (Cutting only the .param's final newline leaves the same text: that one is valid.)
    ...cuts(param.length).filter((n) => /\S/.test(new TextDecoder().decode(param.subarray(n)))).map((n): [string, () => unknown] => [`.param cut at ${n}`, () => readNcnnModel(param.subarray(0, n), bin, se2.id, { param: 'fuzz.param', bin: 'fuzz.bin' })]),
    ...cuts(bin.length).map((n): [string, () => unknown] => [`.bin cut at ${n}`, () => readNcnnModel(param, bin.subarray(0, n), se2.id, { param: 'fuzz.param', bin: 'fuzz.bin' })]),
    ...cuts(pth.length).map((n): [string, () => unknown] => [`.pth cut at ${n}`, () => readPthModel(pth.subarray(0, n), { id: se2.id, source: 'fuzz.pth' })]),
  ];
  const t0 = performance.now();
  for (const [what, run] of cases) {
    const c0 = performance.now();
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof CuganError, `${what}: threw ${e instanceof Error ? e.stack : String(e)}`);
      assert.ok(e.message.includes('fuzz'), `${what}: the message should name the file: ${e.message}`);
      return true;
    }, `${what}: was accepted`);
    assert.ok(performance.now() - c0 < PER_CASE_LIMIT_MS, `${what} took too long`);
  }
  t.diagnostic(`${cases.length} truncations in ${(performance.now() - t0).toFixed(0)} ms`);
});
