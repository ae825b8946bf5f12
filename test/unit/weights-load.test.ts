// Fetching a model over HTTP (as in a browser) and reading one by id: a 404, a server that never
// answers, one that stalls mid-body, and a file holding another model each give a typed error
// with a clear message, in bounded time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CuganError } from '../../src/runtime/errors.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { MODELS_DIR, modelsAvailable } from '../helpers/models.js';

let server: Server;
let base = '';
const sockets = new Set<import('node:net').Socket>();
const models = modelsAvailable() ? MODELS_DIR : undefined;

before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/hang/')) return; // never answers
    if (url.startsWith('/stall/')) {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(new Uint8Array(1000)); // then nothing more
      return;
    }
    if (url.startsWith('/wrong/') && models && !url.endsWith('/manifest.json')) {
      // Every model name gets the 3x model's bytes: a mixed-up deployment (and no manifest).
      res.writeHead(200);
      res.end(readFileSync(join(models, 'se', 'up3x-conservative.f32.cugan')));
      return;
    }
    res.writeHead(404);
    res.end('not here');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const rejectsWith = (p: Promise<unknown>, code: string, pattern: RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CuganError, `expected a CuganError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });

test('a weights URL that answers 404: WEIGHTS_NOT_FOUND naming the URL and status', async () => {
  await rejectsWith(loadModel('se/up2x-conservative', { dtype: 'f32', baseUrl: `${base}/missing/` }), 'WEIGHTS_NOT_FOUND', /\/missing\/se\/up2x-conservative\.f32\.cugan answered HTTP 404/);
});

test('a server that never answers, or stalls mid-download: WEIGHTS_TIMEOUT after the timeout', async () => {
  for (const path of ['hang', 'stall']) {
    const t0 = performance.now();
    await rejectsWith(loadModel('se/up2x-conservative', { dtype: 'f32', baseUrl: `${base}/${path}/`, timeoutMs: 300 }), 'WEIGHTS_TIMEOUT', /nothing received from .* for 300 ms/);
    const ms = performance.now() - t0;
    assert.ok(ms >= 250 && ms < 3000, `${path}: gave up after ${ms.toFixed(0)} ms`);
  }
});

test('a host that refuses the connection: WEIGHTS_NOT_FOUND', async () => {
  await rejectsWith(loadModel('se/up2x-conservative', { dtype: 'f32', baseUrl: 'http://127.0.0.1:9/' }), 'WEIGHTS_NOT_FOUND', /could not fetch/);
});

test('a file holding another model (a 3x file under a 2x name), over HTTP and on disk: WEIGHTS_SHAPE', { skip: !models && 'no converted models' }, async () => {
  await rejectsWith(loadModel('se/up2x-conservative', { dtype: 'f32', baseUrl: `${base}/wrong/` }), 'WEIGHTS_SHAPE', /holds the model se\/up3x-conservative, not the requested se\/up2x-conservative/);
  const dir = mkdtempSync(join(tmpdir(), 'cugan-wrong-'));
  try {
    mkdirSync(join(dir, 'se'));
    copyFileSync(join(models!, 'se', 'up3x-conservative.f32.cugan'), join(dir, 'se', 'up2x-conservative.f32.cugan'));
    await rejectsWith(loadModel('se/up2x-conservative', { dtype: 'f32', baseUrl: dir }), 'WEIGHTS_SHAPE', /up3x-conservative, not the requested se\/up2x-conservative/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
