// The CLI's file-backed localStorage for the autotune's choices (src/cli/tune-cache.ts), without a GPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStorage, installTuneCache, tuneCachePath } from '../../src/cli/tune-cache.js';

test('where the cache goes: $CUGAN_CACHE_DIR, else $XDG_CACHE_HOME/cugan-webgpu, else ~/.cache/cugan-webgpu; off keeps nothing', () => {
  assert.equal(tuneCachePath({ CUGAN_CACHE_DIR: '/c' }), join('/c', 'autotune.json'));
  assert.equal(tuneCachePath({ XDG_CACHE_HOME: '/x' }), join('/x', 'cugan-webgpu', 'autotune.json'));
  assert.match(tuneCachePath({})!, /[/\\]\.cache[/\\]cugan-webgpu[/\\]autotune\.json$/);
  assert.equal(tuneCachePath({ CUGAN_CACHE_DIR: 'off' }), undefined);
});

test('values are written to the file (its folder made) and read back by the next process; a corrupt file starts empty', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cugan-cache-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'autotune.json');
  const a = fileStorage(path);
  assert.equal(a.getItem('k'), null);
  a.setItem('k', 'quad');
  a.setItem('cugan-webgpu:conv-class:x|quad|conv3x3 64→64', 'wide');
  const b = fileStorage(path);
  assert.equal(b.getItem('k'), 'quad');
  assert.equal(b.getItem('cugan-webgpu:conv-class:x|quad|conv3x3 64→64'), 'wide');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { k: 'quad', 'cugan-webgpu:conv-class:x|quad|conv3x3 64→64': 'wide' });
  writeFileSync(path, '{"k": "wi');
  assert.equal(fileStorage(path).getItem('k'), null);
  writeFileSync(path, '{"k": 3, "j": "wide"}');
  const c = fileStorage(path);
  assert.equal(c.getItem('k'), null, 'a non-string value is dropped');
  assert.equal(c.getItem('j'), 'wide');
});

test('installTuneCache gives the process a localStorage unless it has one or caching is off', (t) => {
  const g = globalThis as { localStorage?: unknown };
  const before = g.localStorage;
  t.after(() => {
    if (before === undefined) delete g.localStorage;
    else g.localStorage = before;
  });
  delete g.localStorage;
  installTuneCache({ CUGAN_CACHE_DIR: 'off' });
  assert.equal(g.localStorage, undefined);
  installTuneCache({ CUGAN_CACHE_DIR: tmpdir() });
  assert.equal(typeof (g.localStorage as unknown as Storage).getItem, 'function');
  const mine = { getItem: () => 'x', setItem: () => {} };
  g.localStorage = mine;
  installTuneCache({ CUGAN_CACHE_DIR: tmpdir() });
  assert.equal(g.localStorage, mine, 'an existing localStorage is kept');
});
