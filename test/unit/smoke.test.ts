import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS } from '../../src/runtime/model/architecture.js';
test('18 models', () => assert.equal(MODELS.length, 18));
