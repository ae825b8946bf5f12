// Every option check in one place (src/runtime/options.ts): the words each bad value gets,
// what stills default to, and the stored choices that go through the same checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CuganError } from '../../src/runtime/errors.js';
import { ALPHA_RANGE, ALPHA_RANGE_TEXT, checkAlpha, checkPluginOptions, checkStillOptions, checkVideoOptions } from '../../src/runtime/options.js';
import { pickChoices } from '../../src/player-plugin/videojs/storage.js';

const throwsWith = (fn: () => unknown, code: string, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof CuganError && e.code === code && pattern.test(e.message));

test('the alpha range, in numbers and in the words every message uses', () => {
  assert.deepEqual(ALPHA_RANGE, { min: 0, max: 4, officialMin: 0.75, officialMax: 1.3 });
  assert.equal(ALPHA_RANGE_TEXT, 'a number in (0, 4] (official range 0.75-1.3)');
  assert.equal(checkAlpha(4), 4);
  for (const bad of [0, -1, 4.01, Number.NaN, Infinity, '1', null]) {
    throwsWith(() => checkAlpha(bad), 'BAD_OPTION', /^alpha must be a number in \(0, 4\] \(official range 0\.75-1\.3\), got /);
  }
});

test('video options: each bad value is refused with its name and value', () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ scale: '2x' }, 'BAD_OPTION', /scale must be 'auto', 2, 3 or 4, got 2x/],
    [{ denoise: 'max' }, 'BAD_OPTION', /denoise must be one of no-denoise, conservative, denoise1x, denoise2x, denoise3x, got max/],
    [{ pro: 'yes' }, 'BAD_OPTION', /pro must be a boolean, got yes/],
    [{ precision: 'f8' }, 'BAD_OPTION', /precision must be 'f32', 'f16' or 'auto', got f8/],
    [{ model: '' }, 'BAD_OPTION', /model must be a non-empty string/],
    [{ model: 'se/up9x' }, 'MODEL_UNKNOWN', /unknown model "se\/up9x"; known models: se\/up2x-no-denoise/],
    [{ modelBaseUrl: 5 }, 'BAD_OPTION', /modelBaseUrl must be a non-empty string, got 5/],
    [{ modelTimeoutMs: 0 }, 'BAD_OPTION', /modelTimeoutMs must be a positive number of milliseconds, got 0/],
    [{ device: {} }, 'BAD_OPTION', /device must be a GPUDevice/],
    [{ adaptive: 1 }, 'BAD_OPTION', /adaptive must be a boolean, got 1/],
  ];
  for (const [o, code, pattern] of cases) throwsWith(() => checkVideoOptions(o as never), code, pattern);
  const good = { scale: 3 as const, denoise: 'denoise3x' as const, alpha: 1.3, model: 'nose/up2x-no-denoise', adaptive: true };
  assert.equal(checkVideoOptions(good), good);
});

test('the video.js plugin adds its own keys to the same checks', () => {
  throwsWith(() => checkPluginOptions({ storageKey: '' }), 'BAD_OPTION', /storageKey must be a non-empty string or false/);
  throwsWith(() => checkPluginOptions({ hotkey: 3 as never }), 'BAD_OPTION', /hotkey must be a key name such as 'u', or false, got 3/);
  throwsWith(() => checkPluginOptions({ scale: '2x' as never, storageKey: false }), 'BAD_OPTION', /scale must be/);
  assert.deepEqual(checkPluginOptions({ storageKey: false, hotkey: false, alpha: 0.75 }), { storageKey: false, hotkey: false, alpha: 0.75 });
});

test("stills give the official pixels by default: precision 'f32' unless asked otherwise", () => {
  assert.deepEqual(checkStillOptions({}), { alpha: 1, precision: 'f32', tileLimits: {} });
  assert.equal(checkStillOptions({ precision: 'auto' }).precision, 'auto');
  throwsWith(() => checkStillOptions({ tileLimits: { maxTotalBytes: -1 } }), 'BAD_OPTION', /tileLimits\.maxTotalBytes must be a positive number of bytes/);
  throwsWith(() => checkStillOptions({ modelBaseUrl: 3 }), 'BAD_OPTION', /modelBaseUrl must be a string/);
});

test('stored choices keep only what the option checks accept', () => {
  assert.deepEqual(pickChoices({ enabled: false, scale: 3, denoise: 'denoise3x', pro: true, alpha: 1.15 }), { enabled: false, scale: 3, denoise: 'denoise3x', pro: true, alpha: 1.15 });
  assert.deepEqual(pickChoices({ enabled: 'yes', scale: '3', denoise: 'max', pro: 1, alpha: 9, other: 1 }), {});
});
