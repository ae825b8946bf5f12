// The conv kernels' register block (src/runtime/gpu/autotune.ts): the autotune measures once
// per adapter and keeps the choice (in localStorage where there is one, reading it back instead
// of measuring); both blocks give the official output on golden cases, equal to each other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adapterKey, CONV_BLOCKS, forgetConvBlockChoices, knownConvBlock, tuneConvBlock, type ConvBlock, type Exclusive } from '../../src/runtime/gpu/autotune.js';
import { classCandidates, forgetClassChoices, tuneLayerClasses } from '../../src/runtime/gpu/class-tune.js';
import { kernelFor, layerClass, setSupported } from '../../src/runtime/gpu/conv-kernels.js';
import { findModel } from '../../src/runtime/model/architecture.js';
import { buildGraph, type ConvOp } from '../../src/runtime/plan/graph.js';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { PipelineCache } from '../../src/runtime/gpu/pipelines.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import { goldenAvailable, goldenCases, goldenPath, modelId, readF32, readPng } from '../helpers/golden.js';
import { modelsAvailable } from '../helpers/models.js';

const KEY = 'cugan-webgpu:conv-block:';

/** A localStorage stand-in whose contents the tests read. */
const fakeStorage = (init: Record<string, string> = {}) => {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m } as unknown as Storage & { map: Map<string, string> };
};

describe('conv block autotune', () => {
  let device: GPUDevice;
  const g = globalThis as { localStorage?: Storage };
  before(async () => {
    device = await requestDevice();
  });
  after(() => {
    delete g.localStorage;
    forgetConvBlockChoices();
    device?.destroy();
  });


  test('measures once per adapter, keeps the choice and stores it', async () => {
    forgetConvBlockChoices();
    const storage = fakeStorage();
    g.localStorage = storage;
    const pipelines = new PipelineCache(device);
    const v = await tuneConvBlock(device, pipelines);
    assert.ok(CONV_BLOCKS.includes(v), `a known variant: ${v}`);
    assert.equal(storage.map.get(KEY + adapterKey(device)), v, 'stored under the adapter');
    assert.equal(await tuneConvBlock(device, pipelines), v, 'the same choice again, from memory');
  });

  test('the timed dispatches run inside `exclusive`; a failed measurement gives compact and is not kept', async () => {
    forgetConvBlockChoices();
    const storage = fakeStorage();
    g.localStorage = storage;
    const pipelines = new PipelineCache(device);
    let calls = 0;
    const failing: Exclusive = async () => {
      calls++;
      throw new Error('device lost meanwhile');
    };
    assert.equal(await tuneConvBlock(device, pipelines, failing), 'compact');
    assert.equal(storage.map.size, 0, 'nothing stored');
    assert.equal(knownConvBlock(device), undefined, 'nothing known');
    let timed: unknown;
    const watching: Exclusive = async (m) => {
      calls++;
      timed = await m();
      return timed as never;
    };
    const v = await tuneConvBlock(device, pipelines, watching);
    assert.equal(calls, 2, 'measured again after the failure');
    assert.ok(CONV_BLOCKS.includes(v));
    const times = (timed as number[][])[0]!;
    const supported = CONV_BLOCKS.filter((b) => setSupported(device, b, { F16: false, F16_NATIVE: false }));
    assert.equal(times.length, supported.length, 'every supported set timed');
    assert.equal(v, supported[times.indexOf(Math.min(...times))], 'the choice is the fastest of what ran inside exclusive');
    assert.equal(knownConvBlock(device), v);
    assert.equal(storage.map.get(KEY + adapterKey(device)), v);
  });

  test('a stored choice is used without measuring; a stored unknown value or one this device cannot run is ignored', async () => {
    const f32 = { F16: false, F16_NATIVE: false };
    for (const stored of CONV_BLOCKS.filter((b) => setSupported(device, b, f32))) {
      forgetConvBlockChoices();
      g.localStorage = fakeStorage({ [KEY + adapterKey(device)]: stored });
      assert.equal(await tuneConvBlock(device, new PipelineCache(device)), stored);
    }
    forgetConvBlockChoices();
    g.localStorage = fakeStorage({ [KEY + adapterKey(device)]: 'turbo' });
    assert.ok(CONV_BLOCKS.includes(await tuneConvBlock(device, new PipelineCache(device))));
    // 'f16' (native f16 math) stored for this adapter's f32 runs: never used for them.
    forgetConvBlockChoices();
    g.localStorage = fakeStorage({ [KEY + adapterKey(device)]: 'f16' });
    assert.notEqual(await tuneConvBlock(device, new PipelineCache(device)), 'f16');
  });

  test('the choice is kept per precision: an f16 run does not reuse the f32 choice', async () => {
    forgetConvBlockChoices();
    const storage = fakeStorage({ [KEY + adapterKey(device)]: 'compact', [`${KEY}${adapterKey(device)}|f16`]: 'wide' });
    g.localStorage = storage;
    assert.equal(await tuneConvBlock(device, new PipelineCache(device), undefined, 'f32'), 'compact');
    assert.equal(await tuneConvBlock(device, new PipelineCache(device), undefined, 'f16'), 'wide');
    assert.equal(knownConvBlock(device, 'f16'), 'wide');
    assert.equal(knownConvBlock(device), 'compact');
  });
});

describe('per-layer-class autotune', () => {
  let device: GPUDevice;
  const g = globalThis as { localStorage?: Storage };
  before(async () => {
    device = await requestDevice();
  });
  after(() => {
    delete g.localStorage;
    forgetClassChoices();
    device?.destroy();
  });
  const ops = buildGraph(findModel('se/up2x-conservative')!, 32, 32).ops.filter((o): o is ConvOp => o.kind === 'conv3x3' || o.kind === 'conv2x2s2' || o.kind === 'deconv');
  const classes = [...new Set(ops.map(layerClass))];
  const f32 = { F16: false, F16_NATIVE: false };
  const counting = () => {
    const c = { calls: 0, run: (async (m) => { c.calls++; return m(); }) as Exclusive };
    return c;
  };
  const classKey = (block: ConvBlock, cls: string) => `cugan-webgpu:conv-class:${adapterKey(device)}|${block}|${cls}`;

  test('times every class with more than one candidate kernel, once; keeps and stores each choice; names only the classes another set computes', async () => {
    forgetClassChoices();
    const storage = fakeStorage();
    g.localStorage = storage;
    const pipelines = new PipelineCache(device);
    const ex = counting();
    const chosen = await tuneLayerClasses(device, pipelines, ex.run, 'f32', 'wide', ops);
    assert.equal(ex.calls, 1, 'all classes timed in one exclusive call');
    const timed = classes.filter((cls) => classCandidates(device, ops.find((o) => layerClass(o) === cls)!, f32).length > 1);
    assert.ok(timed.includes('conv3x3 64→64') && timed.includes('deconv2x2s2 64→64') && !timed.includes('conv3x3 64→3'), timed.join(', '));
    for (const cls of timed) assert.ok(CONV_BLOCKS.includes(storage.map.get(classKey('wide', cls)) as ConvBlock), `${cls} stored`);
    assert.equal(storage.map.get(classKey('wide', 'conv3x3 64→3')), undefined, 'one candidate: nothing to time');
    for (const [cls, b] of Object.entries(chosen)) {
      const op = ops.find((o) => layerClass(o) === cls)!;
      assert.notEqual(kernelFor(b, op).name, kernelFor('wide', op).name, `${cls}: named although the set's own kernel won`);
    }
    assert.deepEqual(await tuneLayerClasses(device, pipelines, ex.run, 'f32', 'wide', ops), chosen, 'the same again');
    assert.equal(ex.calls, 1, 'from memory: nothing timed again');
  });

  test('stored choices are used without timing; a failed measurement keeps the set\'s own kernels and stores nothing', async () => {
    forgetClassChoices();
    const stored = Object.fromEntries(classes.map((cls) => [classKey('wide', cls), 'wide']));
    stored[classKey('wide', 'conv3x3 64→64')] = 'compact';
    stored[classKey('wide', 'deconv2x2s2 64→64')] = 'turbo'; // unknown: timed again
    g.localStorage = fakeStorage(stored);
    let calls = 0;
    const failing: Exclusive = async () => {
      calls++;
      throw new Error('device lost meanwhile');
    };
    const chosen = await tuneLayerClasses(device, new PipelineCache(device), failing, 'f32', 'wide', ops);
    assert.equal(calls, 1, 'only the class with an unknown stored value is timed');
    assert.deepEqual(chosen, { 'conv3x3 64→64': 'compact' });
    assert.equal(g.localStorage.getItem(classKey('wide', 'deconv2x2s2 64→64')), 'turbo', 'the failed class is not stored');
    const runner = new ModelRunner(device, await loadModel('se/up2x-conservative', { dtype: 'f32' }), 1, {}, 'f32', 'compact');
    try {
      const ex = await runner.build(17, 13, { block: 'compact', classes: { 'conv3x3 64→128': 'wide' } });
      assert.equal(ex.kernelsByClass['conv3x3 64→128'], 'conv3x3-wide');
      assert.equal(ex.kernelsByClass['conv3x3 64→64'], 'conv3x3');
      ex.destroy();
    } finally {
      runner.destroy();
    }
  });
});

const cases = goldenAvailable ? goldenCases().filter((c) => c.width === 17 && c.alpha === 1 && ['se/up2x-conservative', 'se/up4x-no-denoise'].includes(modelId(c))) : [];
describe('both conv blocks on golden cases', { skip: !goldenAvailable || !modelsAvailable() ? 'no golden data or models' : false }, () => {
  let device: GPUDevice;
  before(async () => {
    device = await requestDevice();
  });
  after(() => device?.destroy());

  async function raw(model: string, variant: ConvBlock, rgba: Uint8Array, w: number, h: number): Promise<Float32Array> {
    const runner = new ModelRunner(device, await loadModel(model, { dtype: 'f32' }), 1, {}, 'f32', variant);
    try {
      const ex = await runner.prepare(w, h);
      assert.equal(runner.convBlock, variant);
      await ex.enableRaw();
      const texture = device.createTexture({ size: [w, h], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
      device.queue.writeTexture({ texture }, rgba as Uint8Array<ArrayBuffer>, { bytesPerRow: w * 4 }, [w, h]);
      const pack = await ex.packFor(texture);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      ex.encode(pass, pack, true);
      pass.end();
      const read = device.createBuffer({ size: ex.raw!.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      enc.copyBufferToBuffer(ex.raw!, 0, read, 0, ex.raw!.size);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(read.getMappedRange().slice(0));
      read.destroy();
      texture.destroy();
      return out;
    } finally {
      runner.destroy();
    }
  }

  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

  for (const c of cases) {
    test(`${modelId(c)} ${c.width}x${c.height}`, async () => {
      const input = readPng(goldenPath(c.input));
      const ref = readF32(goldenPath(c.output_f32));
      const outs = [];
      // The other families: test/gpu/kernel-families.test.ts.
      for (const v of ['compact', 'wide'] as const) {
        const out = await raw(modelId(c), v, input.data, c.width, c.height);
        assert.equal(out.length, ref.length);
        const d = maxDiff(out, ref);
        assert.ok(d <= 0.05, `${v}: max |ours - official| = ${d}`);
        outs.push(out);
      }
      const between = maxDiff(outs[0]!, outs[1]!);
      assert.ok(between <= 1e-3, `the two kernels differ by ${between}`);
    });
  }
});
