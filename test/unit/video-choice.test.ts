// Model choice for the video path and the present pass's placement (pure functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoScale, chooseModel, denoiseLevels } from '../../src/runtime/video/model-choice.js';
import { contentRect } from '../../src/runtime/video/presenter.js';
import { CuganError } from '../../src/runtime/errors.js';

test('auto scale from the displayed size over the source size', () => {
  assert.equal(autoScale({ w: 1920, h: 1080 }, { w: 960, h: 540 }), 2);
  assert.equal(autoScale({ w: 1920, h: 1080 }, { w: 640, h: 360 }), 3);
  assert.equal(autoScale({ w: 3840, h: 2160 }, { w: 854, h: 480 }), 4);
  assert.equal(autoScale({ w: 800, h: 450 }, { w: 1280, h: 720 }), 2); // shrinking: the cheapest
  assert.equal(autoScale({ w: 100, h: 100 }, { w: 0, h: 0 }), 2);
});

test('model ids: explicit id wins, missing denoise levels fall back to the nearest, pro only 2x/3x', () => {
  assert.equal(chooseModel({}, 2), 'se/up2x-conservative');
  assert.equal(chooseModel({ denoise: 'denoise1x' }, 2), 'se/up2x-denoise1x');
  assert.equal(chooseModel({ denoise: 'denoise1x' }, 3), 'se/up3x-conservative');
  assert.equal(chooseModel({ denoise: 'denoise2x' }, 4), 'se/up4x-denoise3x');
  assert.equal(chooseModel({ pro: true, denoise: 'no-denoise' }, 3), 'pro/up3x-no-denoise');
  assert.equal(chooseModel({ pro: true }, 4), 'se/up4x-conservative');
  assert.equal(chooseModel({ model: 'nose/up2x-no-denoise', pro: true }, 4), 'nose/up2x-no-denoise');
  assert.deepEqual(denoiseLevels(2, false), ['no-denoise', 'conservative', 'denoise1x', 'denoise2x', 'denoise3x']);
  assert.deepEqual(denoiseLevels(3, true), ['no-denoise', 'conservative', 'denoise3x']);
  assert.throws(() => chooseModel({ model: 'se/up9x' }, 2), (e: unknown) => e instanceof CuganError && e.code === 'MODEL_UNKNOWN');
  assert.throws(() => chooseModel({ denoise: 'max' as never }, 2), (e: unknown) => e instanceof CuganError && e.code === 'BAD_OPTION');
});

test('object-fit placement of the picture in the canvas', () => {
  assert.deepEqual(contentRect('contain', 400, 400, 160, 90), { x: 0, y: 87.5, w: 400, h: 225 });
  assert.deepEqual(contentRect('cover', 400, 400, 160, 90), { x: -155.55555555555554, y: 0, w: 711.1111111111111, h: 400 });
  assert.deepEqual(contentRect('fill', 400, 300, 160, 90), { x: 0, y: 0, w: 400, h: 300 });
  assert.deepEqual(contentRect('none', 400, 300, 160, 90), { x: 120, y: 105, w: 160, h: 90 });
});
