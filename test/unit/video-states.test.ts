// The video path's explicit states: VideoUpscaler's lifecycle transitions, the frame gate, and
// what adaptive quality asks the upscaler to do (pure logic, no GPU, no DOM).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveQuality } from '../../src/runtime/video/adaptive.js';
import { FrameGate } from '../../src/runtime/video/frame-gate.js';
import { isOn, transition, type VideoEvent, type VideoState } from '../../src/runtime/video/lifecycle.js';
import { graphSize, sourceScaleOf, type TierCache } from '../../src/runtime/video/tiers.js';

const OFF: VideoState = { kind: 'off' };
const RUNNING: VideoState = { kind: 'running' };
const starting = (attempt: number): VideoState => ({ kind: 'starting', attempt });
const recovering = (attempt: number): VideoState => ({ kind: 'recovering', attempt });

/** Runs events from `from`; the state after each (null: the event did not apply) and the disabled reasons said. */
function run(from: VideoState, events: VideoEvent[]): { states: Array<VideoState | null>; disabled: string[]; end: VideoState } {
  let s = from;
  const states: Array<VideoState | null> = [];
  const disabled: string[] = [];
  for (const e of events) {
    const t = transition(s, e);
    states.push(t ? t.to : null);
    if (t?.disabled) disabled.push(t.disabled);
    if (t) s = t.to;
  }
  return { states, disabled, end: s };
}

test('a start: off -> starting -> running, and the viewer wants it all along', () => {
  const r = run(OFF, [{ type: 'enable', attempt: 1 }, { type: 'ready', attempt: 1 }]);
  assert.deepEqual(r.states, [starting(1), RUNNING]);
  assert.deepEqual(r.disabled, []);
  assert.deepEqual([OFF, starting(1), RUNNING, recovering(2), { kind: 'destroyed' } as VideoState].map(isOn), [false, true, true, true, false]);
});

test('a start that finishes after off and on again is ignored: only the newest attempt runs', () => {
  const r = run(OFF, [
    { type: 'enable', attempt: 1 },
    { type: 'disable' },
    { type: 'enable', attempt: 2 },
    { type: 'ready', attempt: 1 },
    { type: 'ready', attempt: 2 },
  ]);
  assert.deepEqual(r.states, [starting(1), OFF, starting(2), null, RUNNING]);
  assert.deepEqual(r.disabled, ['user']);
});

test('enable while on does nothing; a ready without a start does nothing', () => {
  for (const s of [starting(1), RUNNING, recovering(3)]) assert.equal(transition(s, { type: 'enable', attempt: 9 }), undefined, s.kind);
  assert.equal(transition(OFF, { type: 'ready', attempt: 1 }), undefined);
  assert.equal(transition(RUNNING, { type: 'ready', attempt: 1 }), undefined);
});

test('disable, a failure and adaptive-off turn every on-state off with their reason; off stays quiet', () => {
  for (const s of [starting(1), RUNNING, recovering(2)]) {
    assert.deepEqual(transition(s, { type: 'disable' }), { to: OFF, disabled: 'user' }, s.kind);
    assert.deepEqual(transition(s, { type: 'fail' }), { to: OFF, disabled: 'error' }, s.kind);
    assert.deepEqual(transition(s, { type: 'adaptive-off' }), { to: OFF, disabled: 'adaptive' }, s.kind);
  }
  for (const e of ['disable', 'fail', 'adaptive-off'] as const) assert.equal(transition(OFF, { type: e }), undefined, e);
});

test('a lost device: our own is recovered, a page-given one turns upscaling off, off stays off', () => {
  assert.deepEqual(transition(RUNNING, { type: 'device-lost', recoverable: true, attempt: 4 }), { to: recovering(4) });
  assert.deepEqual(transition(starting(1), { type: 'device-lost', recoverable: true, attempt: 2 }), { to: recovering(2) });
  assert.deepEqual(transition(RUNNING, { type: 'device-lost', recoverable: false, attempt: 4 }), { to: OFF, disabled: 'error' });
  assert.deepEqual(transition(OFF, { type: 'device-lost', recoverable: true, attempt: 4 }), { to: OFF });
  // Lost again while recovering: the newer recovery is the one that may finish.
  const r = run(RUNNING, [
    { type: 'device-lost', recoverable: true, attempt: 2 },
    { type: 'device-lost', recoverable: true, attempt: 3 },
    { type: 'ready', attempt: 2 },
    { type: 'ready', attempt: 3 },
  ]);
  assert.deepEqual(r.states, [recovering(2), recovering(3), null, RUNNING]);
  assert.deepEqual(r.disabled, []);
});

test('destroy ends every state for good, without a disabled event', () => {
  for (const s of [OFF, starting(1), RUNNING, recovering(2)]) assert.deepEqual(transition(s, { type: 'destroy' }), { to: { kind: 'destroyed' } });
  const gone: VideoState = { kind: 'destroyed' };
  const all: VideoEvent[] = [
    { type: 'enable', attempt: 1 }, { type: 'ready', attempt: 1 }, { type: 'disable' }, { type: 'fail' }, { type: 'adaptive-off' },
    { type: 'device-lost', recoverable: true, attempt: 1 }, { type: 'destroy' },
  ];
  for (const e of all) assert.equal(transition(gone, e), undefined, e.type);
});

test('frame gate: one frame in flight; a frame dropped meanwhile is owed once the gate opens', () => {
  const g = new FrameGate();
  assert.equal(g.admit(), true);
  g.submitted();
  assert.equal(g.busy, true);
  assert.equal(g.admit(), false, 'busy: dropped');
  assert.equal(g.done(), true, 'the dropped frame may run now');
  assert.equal(g.done(), false, 'owed once only');
  g.submitted();
  assert.equal(g.done(), false, 'nothing was dropped');
});

test('frame gate: holds nest, and a frame done while held is owed only when the last hold ends', () => {
  const g = new FrameGate();
  g.submitted();
  g.hold();
  g.hold();
  assert.equal(g.admit(), false);
  assert.equal(g.done(), false, 'still held');
  assert.equal(g.open, false);
  assert.equal(g.release(), false, 'one hold left');
  assert.equal(g.release(), true);
  assert.equal(g.open, true);
});

test('frame gate: waiting for idle (autotune) and for open (a redraw); a lost device frees both', async () => {
  const g = new FrameGate();
  g.submitted();
  g.hold();
  const order: string[] = [];
  const idle = g.idle().then(() => order.push('idle'));
  const opened = g.opened().then(() => order.push('opened'));
  await Promise.resolve();
  assert.deepEqual(order, []);
  g.done();
  await idle;
  assert.deepEqual(order, ['idle'], 'idle ignores holds, open does not');
  g.release();
  await opened;
  assert.deepEqual(order, ['idle', 'opened']);
  g.submitted();
  const freed = g.idle();
  g.admit();
  g.reset();
  await freed;
  assert.equal(g.busy, false);
  assert.equal(g.done(), false, 'a reset forgets the dropped frame (its device is gone)');
});

test('the tier input scale: one conversion to the executor source scale and graph size', () => {
  assert.equal(sourceScaleOf(undefined), 1);
  assert.equal(sourceScaleOf({ model: 'nose/up2x-no-denoise', inputScale: 1 }), 1);
  assert.equal(sourceScaleOf({ model: 'nose/up2x-no-denoise', inputScale: 0.5 }), 2);
  assert.deepEqual(graphSize({ model: 'nose/up2x-no-denoise', inputScale: 0.5 }, 97, 55), [48, 27]);
  assert.deepEqual(graphSize({ model: 'nose/up2x-no-denoise', inputScale: 0.5 }, 1, 1), [1, 1]);
  assert.deepEqual(graphSize(undefined, 97, 55), [97, 55]);
});

function memoryCache(init: Record<string, number> = {}): TierCache & { store: Record<string, number> } {
  const store = { ...init };
  return { store, get: (k) => store[k], set: (k, v) => void (store[k] = v) };
}

test('adaptive: the probe steps down with a forced switch, settles, and remembers per adapter and size', () => {
  const cache = memoryCache();
  const a = new AdaptiveQuality(cache);
  a.select({ adaptive: true, requested: 'se/up2x-conservative', width: 96, height: 54 }, 'gpu');
  assert.equal(a.probing, true);
  const probe = (ms: number) => [ms, ms, ms, ms].map((x) => a.frameTime(x, 24, 96, 54, 'gpu')).at(-1)!;
  const down = probe(50);
  assert.equal(down.kind, 'change');
  assert.deepEqual(down.kind === 'change' && [down.tier?.model, down.tier?.inputScale, down.force, down.change.tier], ['nose/up2x-no-denoise', 1, true, 'nose/up2x-no-denoise']);
  const fits = probe(10);
  assert.deepEqual(fits.kind === 'change' && [fits.force, fits.change.model], [false, 'nose/up2x-no-denoise']);
  assert.deepEqual(cache.store, { 'cugan-webgpu:tier:gpu:se/up2x-conservative:96x54': 1 });
  assert.equal(a.probing, false);
  assert.equal(a.off, false);
});

test('adaptive: a remembered "off" for this adapter and size, found before the first frame or once the size is known', () => {
  const key = 'cugan-webgpu:tier:gpu:se/up2x-conservative:96x54';
  const a = new AdaptiveQuality(memoryCache({ [key]: 3 }));
  a.select({ adaptive: true, requested: 'se/up2x-conservative', width: 96, height: 54 }, 'gpu');
  assert.equal(a.off, true);
  assert.deepEqual(a.rememberedOff(), { tier: 'off', reason: 'remembered: no setting kept up on this adapter at this size' });

  const late = new AdaptiveQuality(memoryCache({ [key]: 1 }));
  late.select({ adaptive: true, requested: 'se/up2x-conservative', width: 0, height: 0 }, 'gpu');
  assert.equal(late.awaitingSize, true);
  assert.equal(late.probing, true);
  const action = late.sizeKnown(96, 54, 'gpu');
  assert.deepEqual(action.kind === 'change' && [action.tier?.model, action.force, action.change.reason], ['nose/up2x-no-denoise', true, 'remembered for this adapter and size']);
  assert.equal(late.awaitingSize, false);
  assert.equal(late.probing, false);
  assert.deepEqual(late.sizeKnown(96, 54, 'gpu'), { kind: 'none' });
});

test('without adaptive: sustained drops give one warning, and the setting is never lowered', () => {
  const a = new AdaptiveQuality(memoryCache());
  a.select({ adaptive: false, requested: 'se/up4x-conservative', width: 96, height: 54 }, 'gpu');
  const windows = () => [1, 2, 3].map(() => a.window(24, 12, 96, 54, 'gpu')).at(-1)!;
  const first = windows();
  assert.equal(first.kind, 'warn');
  assert.match(first.kind === 'warn' ? first.message : '', /adaptive: true, would keep up/);
  assert.deepEqual(windows(), { kind: 'none' }, 'warned once');
  assert.equal(a.tier?.model, 'se/up4x-conservative');
});
