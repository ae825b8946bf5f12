// The adaptive-quality policy: the ladder, the probe on the first frames, the drop watch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TierPolicy, tierLadder, tierName } from '../../src/runtime/video/tiers.js';

test('the ladder goes from the requested model to the no-SE model, then half input size', () => {
  assert.deepEqual(tierLadder('se/up2x-denoise3x').map(tierName), ['se/up2x-denoise3x', 'nose/up2x-no-denoise', 'nose/up2x-no-denoise at half input size']);
  assert.deepEqual(tierLadder('nose/up2x-no-denoise').map(tierName), ['nose/up2x-no-denoise', 'nose/up2x-no-denoise at half input size']);
  assert.equal(tierName(undefined), 'off');
});

test('the probe keeps the strongest setting whose median frame fits the budget (first frame not counted)', () => {
  const p = new TierPolicy(tierLadder('se/up2x-conservative'));
  // 30 fps: budget 1000/30 * 0.85 = 28.3 ms. Warm-up 500 ms is ignored; 20, 25, 22 fit.
  assert.equal(p.frameTime(500, 30).kind, 'keep');
  assert.equal(p.frameTime(20, 30).kind, 'keep');
  assert.equal(p.frameTime(25, 30).kind, 'keep');
  const d = p.frameTime(22, 30);
  assert.equal(d.kind, 'settled');
  assert.equal(p.index, 0);
  assert.equal(p.probing, false);
  assert.equal(p.frameTime(1000, 30).kind, 'keep', 'settled: frame times no longer matter');
});

test('too slow: step down one setting at a time, then off', () => {
  const p = new TierPolicy(tierLadder('se/up2x-conservative'));
  const probe = (ms: number) => [ms, ms, ms, ms].map((x) => p.frameTime(x, 24)).at(-1)!;
  assert.deepEqual(probe(50), { kind: 'switch', index: 1, reason: 'se/up2x-conservative: 50.0 ms a frame, budget 35.4 ms at 24 fps' });
  assert.equal(probe(40).kind, 'switch');
  assert.equal(tierName(p.tier), 'nose/up2x-no-denoise at half input size');
  const last = probe(36);
  assert.equal(last.kind, 'settled');
  assert.equal(p.tier, undefined, 'off');
  assert.match((last as { reason: string }).reason, /no lighter setting left/);
});

test('settled: three dropping windows in a row step down; a good window resets the count', () => {
  const p = new TierPolicy(tierLadder('se/up2x-conservative'), 0, false);
  assert.equal(p.window(24, 10).kind, 'keep');
  assert.equal(p.window(24, 10).kind, 'keep');
  assert.equal(p.window(24, 0).kind, 'keep', 'a good window');
  assert.equal(p.window(24, 4).kind, 'keep');
  assert.equal(p.window(24, 4).kind, 'keep');
  const d = p.window(24, 24);
  assert.equal(d.kind, 'settled');
  assert.equal(p.index, 1);
  assert.equal(p.window(0, 0).kind, 'keep', 'no video frames: nothing to judge');
});

test('a cached choice starts there without probing; off stays off', () => {
  const p = new TierPolicy(tierLadder('se/up2x-conservative'), 2, false);
  assert.equal(tierName(p.tier), 'nose/up2x-no-denoise at half input size');
  assert.equal(p.probing, false);
  const off = new TierPolicy(tierLadder('se/up2x-conservative'), 3, true);
  assert.equal(off.tier, undefined);
  assert.equal(off.probing, false);
  assert.equal(off.window(24, 24).kind, 'keep');
});

test('with frame reuse, a setting whose whole frame fits the frame interval but not the budget is timed again with reuse, and kept when its mean fits', () => {
  const p = new TierPolicy(tierLadder('se/up2x-conservative'), 0, true, { reuse: true });
  // 24 fps: interval 41.7 ms, budget 35.4 ms. Whole frames of 40 ms miss the budget, fit the interval.
  assert.equal(p.timingWholeFrames, true, 'whole frames first: reuse off');
  for (const ms of [300, 40, 40]) assert.equal(p.frameTime(ms, 24).kind, 'keep');
  assert.equal(p.frameTime(40, 24).kind, 'keep', 'not decided yet: timed with reuse next');
  assert.equal(p.timingWholeFrames, false, 'reuse on');
  // On twos: a frame runs (40 ms), the next re-shows the output (1 ms).
  for (const ms of [40, 1, 40, 1, 40]) assert.equal(p.frameTime(ms, 24).kind, 'keep');
  const d = p.frameTime(1, 24);
  assert.deepEqual(d, {
    kind: 'settled', index: 0,
    reason: 'se/up2x-conservative: 40.0 ms a whole frame, 20.5 ms a shown frame with frame reuse, budget 35.4 ms at 24 fps',
  });
});

test('with frame reuse: a mean over the budget steps down, and a whole frame past the frame interval is not given the chance', () => {
  const p = new TierPolicy(tierLadder('se/up2x-conservative'), 0, true, { reuse: true });
  for (const ms of [300, 40, 40, 40]) p.frameTime(ms, 24);
  // Every frame runs (motion on ones): the mean stays at 40 ms.
  let d = p.frameTime(40, 24);
  for (let i = 0; i < 5; i++) d = p.frameTime(40, 24);
  assert.equal(d.kind, 'switch');
  assert.equal(p.index, 1);
  assert.equal(p.timingWholeFrames, true, 'the next candidate starts with whole frames');
  // 45 ms > 41.7 ms: a frame that must run would make the next one drop, whatever reuse saves.
  for (const ms of [300, 45, 45]) p.frameTime(ms, 24);
  assert.equal(p.frameTime(45, 24).kind, 'switch');
  // Without reuse the same 40 ms steps down at once.
  const q = new TierPolicy(tierLadder('se/up2x-conservative'));
  for (const ms of [300, 40, 40]) q.frameTime(ms, 24);
  assert.equal(q.frameTime(40, 24).kind, 'switch');
});
