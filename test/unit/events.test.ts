// The event map is the README's: its events table lists exactly UPSCALE_EVENTS (and the hls.js
// controller's own upscale:hls-error); a sink dispatches each event once, with its detail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dispatchOn, UPSCALE_EVENTS, type UpscaleEventDetails } from '../../src/runtime/video/events.js';

test("the README's events table lists the event map's events, in its order", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Events'), readme.indexOf('\n## Errors'));
  const rows = [...section.matchAll(/^\| `(upscale:[a-z-]+)`/gm)].map((m) => m[1]);
  assert.deepEqual(rows, [...UPSCALE_EVENTS, 'upscale:hls-error']);
});

test('a sink dispatches each event once on its target, with the detail (and bubbling when asked)', () => {
  const target = new EventTarget();
  const seen: Array<[string, unknown, boolean]> = [];
  target.addEventListener('upscale:enabled', (e) => seen.push([e.type, (e as CustomEvent).detail, e.bubbles]));
  const emit = dispatchOn<UpscaleEventDetails>(target, true);
  emit('upscale:enabled', { model: 'se/up2x-conservative' });
  emit('upscale:disabled', { reason: 'user' });
  assert.deepEqual(seen, [['upscale:enabled', { model: 'se/up2x-conservative' }, true]]);
});
