// Loading a model from a hosted folder (the HTTP path, run in Node against a local server) and
// from a converted folder: the manifest the converter writes, progress, size and hash checks,
// the typed errors (404, timeout, hash mismatch), the Cache API (a stand-in in Node) keyed by hash.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CuganError } from '../../src/runtime/errors.js';
import { loadModel, MODEL_CACHE_NAME, type LoadProgress } from '../../src/runtime/model/load.js';
import { readManifest } from '../../src/runtime/model/manifest.js';
import { updateManifest } from '../../weights/manifest-writer.js';
import { serveStatic, type TestServer } from '../helpers/server.js';

const MODELS = process.env.CUGAN_MODELS ?? fileURLToPath(new URL('../../models/', import.meta.url));
const ID = 'se/up2x-conservative';
const FILE = join(MODELS, 'se', 'up2x-conservative.f32.cugan');
const skip = existsSync(FILE) ? false : 'no converted models (npm run weights)';

const codeOf = (e: unknown): string => (e instanceof CuganError ? e.code : `not a CuganError: ${String(e)}`);

/** Cache API stand-in (Node has none): a Map per cache name, keyed by request URL. */
function fakeCaches(): { storage: CacheStorage; entries: Map<string, Uint8Array>; puts: string[] } {
  const entries = new Map<string, Uint8Array>();
  const puts: string[] = [];
  const cache = {
    async match(key: string) {
      const b = entries.get(key);
      return b ? new Response(b.slice()) : undefined;
    },
    async put(key: string, res: Response) {
      puts.push(key);
      entries.set(key, new Uint8Array(await res.arrayBuffer()));
    },
    async delete(key: string | Request) {
      return entries.delete(typeof key === 'string' ? key : key.url);
    },
    async keys() {
      return [...entries.keys()].map((url) => new Request(url));
    },
  };
  const storage = {
    async open(name: string) {
      assert.equal(name, MODEL_CACHE_NAME);
      return cache;
    },
  } as unknown as CacheStorage;
  return { storage, entries, puts };
}

describe('a hosted models folder (HTTP)', { skip }, () => {
  let dir = '';
  let server: TestServer;
  let hang: Server;
  let hangUrl = '';
  const bytes = existsSync(FILE) ? readFileSync(FILE) : Buffer.alloc(0);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cugan-load-test-'));
    // good/: what `npm run weights -- --out` writes for one model; bad/: same file, wrong hash;
    // bare/: no manifest at all.
    for (const sub of ['good', 'bad', 'bare']) {
      mkdirSync(join(dir, sub, 'se'), { recursive: true });
      copyFileSync(FILE, join(dir, sub, 'se', 'up2x-conservative.f32.cugan'));
    }
    await updateManifest(join(dir, 'good'), [{ id: ID, dtype: 'f32', path: join(dir, 'good', 'se', 'up2x-conservative.f32.cugan') }]);
    const m = JSON.parse(readFileSync(join(dir, 'good', 'manifest.json'), 'utf8'));
    m.models[0].sha256 = m.models[0].sha256.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    writeFileSync(join(dir, 'bad', 'manifest.json'), JSON.stringify(m));
    // flipped/: one bit of a weight flipped after conversion, beside the intact file's manifest;
    // flipped-bare/: the same file, no manifest.
    for (const sub of ['flipped', 'flipped-bare']) {
      mkdirSync(join(dir, sub, 'se'), { recursive: true });
      const damaged = Buffer.from(bytes);
      damaged[damaged.byteLength - 100_000]! ^= 0x04;
      writeFileSync(join(dir, sub, 'se', 'up2x-conservative.f32.cugan'), damaged);
    }
    copyFileSync(join(dir, 'good', 'manifest.json'), join(dir, 'flipped', 'manifest.json'));
    server = await serveStatic(dir);
    // Answers the manifest, then never sends the model's body.
    hang = createServer((req, res) => {
      if (req.url?.endsWith('manifest.json')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(readFileSync(join(dir, 'good', 'manifest.json')));
      } else {
        res.writeHead(200, { 'Content-Length': String(bytes.byteLength) });
        res.write(bytes.subarray(0, 1000)); // a few bytes, then silence
      }
    });
    await new Promise<void>((ok) => hang.listen(0, '127.0.0.1', ok));
    hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
  });
  after(async () => {
    delete (globalThis as { caches?: unknown }).caches;
    hang?.closeAllConnections();
    hang?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the converter writes a manifest: id, scale, family, denoise, dtype, bytes, sha256', () => {
    const m = readManifest(JSON.parse(readFileSync(join(dir, 'good', 'manifest.json'), 'utf8')));
    assert.deepEqual(m.models, [{
      id: ID, file: 'se/up2x-conservative.f32.cugan', scale: 2, family: 'se', denoise: 'conservative', dtype: 'f32',
      bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'),
    }]);
  });

  test('downloads with progress against the manifest size, verified, then from the cache by hash', async () => {
    const caches = fakeCaches();
    (globalThis as { caches?: CacheStorage }).caches = caches.storage;
    const events: LoadProgress[] = [];
    const model = await loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/good`, onProgress: (p) => events.push(p) });
    assert.equal(model.model.id, ID);
    assert.ok(events.length >= 3, `progress events: ${events.length}`);
    assert.ok(events.every((e) => e.total === bytes.byteLength && !e.cached));
    assert.deepEqual(events.at(-1), { model: ID, loaded: bytes.byteLength, total: bytes.byteLength, cached: false, done: true });
    assert.ok(events.slice(1).every((e, i) => e.loaded >= events[i]!.loaded), 'progress goes forward');
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.deepEqual(caches.puts, [`${server.url}/good/se/up2x-conservative.f32.cugan?sha256=${sha}`]);

    // The next load of the same file comes from the cache: no model request reaches the server.
    const before = server.requests.filter((r) => r.endsWith('.cugan')).length;
    const again: LoadProgress[] = [];
    await loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/good`, onProgress: (p) => again.push(p) });
    assert.equal(server.requests.filter((r) => r.endsWith('.cugan')).length, before);
    assert.deepEqual(again, [{ model: ID, loaded: bytes.byteLength, total: bytes.byteLength, cached: true, done: true }]);
    // The manifest is fetched once per base URL.
    assert.equal(server.requests.filter((r) => r === '/good/manifest.json').length, 1);

    // A damaged cache entry is dropped and the file downloaded again.
    const key = caches.puts[0]!;
    caches.entries.set(key, new Uint8Array(10));
    await loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/good` });
    assert.equal(server.requests.filter((r) => r.endsWith('.cugan')).length, before + 1);
    assert.equal(caches.entries.get(key)?.byteLength, bytes.byteLength);

    // A new version of the file (another hash) replaces the old one in the cache.
    const stale = key.replace(/sha256=.*/, `sha256=${'0'.repeat(64)}`);
    caches.entries.set(stale, new Uint8Array(10));
    caches.entries.delete(key);
    await loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/good` });
    assert.deepEqual([...caches.entries.keys()], [key]);
  });

  test('a hash that differs from the manifest is WEIGHTS_HASH (and nothing is cached)', async () => {
    const caches = fakeCaches();
    (globalThis as { caches?: CacheStorage }).caches = caches.storage;
    await assert.rejects(loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/bad/` }), (e) => {
      assert.equal(codeOf(e), 'WEIGHTS_HASH');
      assert.match((e as Error).message, /SHA-256/);
      return true;
    });
    assert.deepEqual(caches.puts, []);
  });

  test('a flipped byte is WEIGHTS_CORRUPT (the file\'s checksum), with or without a manifest, HTTP and Node', async () => {
    const caches = fakeCaches();
    (globalThis as { caches?: CacheStorage }).caches = caches.storage;
    for (const baseUrl of [`${server.url}/flipped/`, `${server.url}/flipped-bare/`, join(dir, 'flipped'), join(dir, 'flipped-bare')]) {
      await assert.rejects(loadModel(ID, { dtype: 'f32', baseUrl }), (e) => {
        assert.equal(codeOf(e), 'WEIGHTS_CORRUPT', `${baseUrl}: ${String(e)}`);
        assert.match((e as Error).message, /up2x-conservative\.f32\.cugan: damaged: CRC-32/);
        return true;
      });
    }
    assert.deepEqual(caches.puts, []);
  });

  test('a missing folder or model is WEIGHTS_NOT_FOUND, with the HTTP status', async () => {
    await assert.rejects(loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/nowhere/` }), (e) => {
      assert.equal(codeOf(e), 'WEIGHTS_NOT_FOUND');
      assert.match((e as Error).message, /HTTP 404/);
      return true;
    });
    // In a folder whose manifest lacks the model: said so, without a request for the file.
    await assert.rejects(loadModel('se/up4x-conservative', { dtype: 'f32', baseUrl: `${server.url}/good/` }), (e) => {
      assert.equal(codeOf(e), 'WEIGHTS_NOT_FOUND');
      assert.match((e as Error).message, /not in .*manifest\.json; convert it into that folder: npx cugan-weights --dtype f32 --out DIR SOURCE…$/);
      return true;
    });
  });

  test('a folder without a manifest still loads (unverified, uncached)', async () => {
    const caches = fakeCaches();
    (globalThis as { caches?: CacheStorage }).caches = caches.storage;
    const events: LoadProgress[] = [];
    const m = await loadModel(ID, { dtype: 'f32', baseUrl: `${server.url}/bare/`, onProgress: (p) => events.push(p) });
    assert.equal(m.model.id, ID);
    assert.equal(events.at(-1)?.total, bytes.byteLength); // from Content-Length
    assert.deepEqual(caches.puts, []);
  });

  test('a download that stalls is WEIGHTS_TIMEOUT after timeoutMs', async () => {
    const t0 = performance.now();
    await assert.rejects(loadModel(ID, { dtype: 'f32', baseUrl: hangUrl, timeoutMs: 400 }), (e) => {
      assert.equal(codeOf(e), 'WEIGHTS_TIMEOUT');
      assert.match((e as Error).message, /400 ms/);
      return true;
    });
    const ms = performance.now() - t0;
    assert.ok(ms >= 380 && ms < 5000, `gave up after ${ms.toFixed(0)} ms`);
    await assert.rejects(loadModel(ID, { dtype: 'f32', baseUrl: hangUrl, timeoutMs: 0 }), (e) => codeOf(e) === 'BAD_OPTION');
  });

  test('a converted folder (Node) is verified against its manifest too', async () => {
    await loadModel(ID, { dtype: 'f32', baseUrl: join(dir, 'good') });
    await assert.rejects(loadModel(ID, { dtype: 'f32', baseUrl: join(dir, 'bad') }), (e) => codeOf(e) === 'WEIGHTS_HASH');
    await loadModel(ID, { dtype: 'f32', baseUrl: join(dir, 'bare') });
  });

  test('a manifest that is not one is WEIGHTS_CORRUPT', () => {
    assert.throws(() => readManifest({ format: 'x' }), (e) => codeOf(e) === 'WEIGHTS_CORRUPT');
    assert.throws(() => readManifest({ format: 'cugan-models', version: 1, models: [{ id: ID, file: '../etc/passwd' }] }), (e) => codeOf(e) === 'WEIGHTS_CORRUPT');
  });
});
