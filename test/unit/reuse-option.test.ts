// The reuseFrames / reuseThreshold options (checks, the gate threshold they give) and the stats
// from the reuse counters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CuganError } from '../../src/runtime/errors.js';
import { reuseStats } from '../../src/runtime/video/reuse-counters.js';
import { checkVideoOptions, DEFAULT_REUSE_THRESHOLD_DB } from '../../src/runtime/options.js';
import { reuseGateThreshold } from '../../src/runtime/video/reuse-option.js';

test('reuseFrames: near by default (true is near), exact is threshold 0, false is off', () => {
  const near = (255 * 255) / 10 ** (DEFAULT_REUSE_THRESHOLD_DB / 10);
  assert.equal(reuseGateThreshold({}), near);
  assert.equal(reuseGateThreshold({ reuseFrames: true }), near);
  assert.equal(reuseGateThreshold({ reuseFrames: 'near' }), near);
  assert.equal(reuseGateThreshold({ reuseFrames: 'exact' }), 0);
  assert.equal(reuseGateThreshold({ reuseFrames: 'exact', reuseThreshold: 30 }), 0, 'the threshold is for near only');
  assert.equal(reuseGateThreshold({ reuseFrames: false }), undefined);
  // 40 dB: a block's mean squared difference of 6.5 levels; 30 dB: 65.
  assert.ok(Math.abs(reuseGateThreshold({ reuseThreshold: 40 })! - 6.5025) < 1e-9);
  assert.ok(Math.abs(reuseGateThreshold({ reuseThreshold: 30 })! - 65.025) < 1e-9);
});

test('bad reuse options are BAD_OPTION errors that name the option', () => {
  for (const [o, name] of [
    [{ reuseFrames: 'yes' }, /reuseFrames/],
    [{ reuseFrames: 1 }, /reuseFrames/],
    [{ reuseThreshold: '40' }, /reuseThreshold/],
    [{ reuseThreshold: 10 }, /reuseThreshold/],
    [{ reuseThreshold: Number.NaN }, /reuseThreshold/],
    [{ reuseThreshold: Infinity }, /reuseThreshold/],
  ] as const) {
    assert.throws(() => checkVideoOptions(o as never), (e: unknown) => e instanceof CuganError && e.code === 'BAD_OPTION' && name.test(e.message));
  }
  checkVideoOptions({ reuseFrames: 'exact', reuseThreshold: 45 });
  checkVideoOptions({ reuseFrames: false });
  checkVideoOptions({});
});

test('the stats from the reuse counters: the share re-shown and the network work per frame', () => {
  // changed, frames 10, run whole 3, run as tiles 2 (5 tiles together), ...
  const words = new Uint32Array([0, 10, 3, 2, 5, 0, 0, 0]);
  const s = reuseStats(words, { tiles: 8, tileWork: 0.175 });
  assert.deepEqual({ ...s, work: Math.round(s.work * 1e6) / 1e6 }, {
    frames: 10, computed: 3, regionFrames: 2, regionTiles: 5, tiles: 8, reused: 0.5, work: 0.3875,
  });
  assert.deepEqual(reuseStats(new Uint32Array(8), { tiles: 0, tileWork: 0 }).reused, 0, 'no frames yet: nothing re-shown');
});
