// Which conv kernel computes each layer (src/runtime/gpu/conv-kernels.ts): the compact kernels
// serve every layer; a candidate set's kernels replace them for the layers of their shape where
// they pay; a set needing device features the adapter lacks is not supported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONV_KERNEL_SETS, convDefines, kernelFor, kernelsByClass, layerClass, sameKernels, setSupported } from '../../src/runtime/gpu/conv-kernels.js';
import { programFeatures, resolveDefines } from '../../src/shaders/program.js';
import * as K from '../../src/shaders/programs/conv.js';
import type { ConvProgram } from '../../src/shaders/programs/conv.js';
import { MODELS } from '../../src/runtime/model/architecture.js';
import { buildGraph, type ConvOp } from '../../src/runtime/plan/graph.js';

const convs = (id: string) => buildGraph(MODELS.find((m) => m.id === id)!, 24, 24).ops.filter((o): o is ConvOp => o.kind !== 'se' && o.kind !== 'pack' && o.kind !== 'output');
const byName = (ops: ConvOp[], name: string) => ops.find((o) => o.spec.name === name)!;

test('compact: the compact kernel of each kind for every layer', () => {
  for (const op of convs('se/up2x-conservative')) assert.equal(kernelFor('compact', op).name, op.kind);
});

test('wide: the wide kernels where the layer has 16+ output channels; the 4x4/s2/p3 tail always; other tails compact', () => {
  const x2 = convs('se/up2x-conservative');
  assert.equal(kernelFor('wide', byName(x2, 'unet2.conv5')).name, 'conv3x3-wide');
  assert.equal(kernelFor('wide', byName(x2, 'unet2.conv1_down')).name, 'conv2x2s2-wide');
  assert.equal(kernelFor('wide', byName(x2, 'unet2.conv3_up')).name, 'deconv2x2s2-wide');
  assert.equal(kernelFor('wide', byName(x2, 'unet1.conv_bottom')).name, 'deconv4x4s2-wide', 'the 3-channel 4x4 tail');
  assert.equal(kernelFor('wide', byName(x2, 'unet2.conv_bottom')).name, 'conv3x3', '3 output channels: compact');
  const x3 = convs('se/up3x-conservative');
  assert.equal(kernelFor('wide', byName(x3, 'unet1.conv_bottom')).name, 'deconv', 'the 3x model 5x5/s3 tail');
});

test('the families: each set is the wide set with its own conv3x3', () => {
  const x2 = convs('se/up2x-conservative');
  const conv5 = byName(x2, 'unet2.conv5');
  const down = byName(x2, 'unet2.conv1_down');
  for (const [set, name] of [['tiled', 'conv3x3-tiled'], ['quad', 'conv3x3-quad'], ['texture', 'conv3x3-texture'], ['f16', 'conv3x3-f16']] as const) {
    assert.equal(kernelFor(set, conv5).name, name);
    assert.equal(kernelFor(set, down).name, 'conv2x2s2-wide');
    assert.equal(kernelFor(set, byName(x2, 'unet2.conv_bottom')).name, 'conv3x3', `${set}: the 3-channel tail stays compact`);
  }
});

test('texture: an input too large for a flat texture (4096 x 8192 texels) takes quad\'s kernel', () => {
  const conv5 = byName(convs('se/up2x-conservative'), 'unet2.conv5');
  const sized = (w: number, h: number) => ({ ...conv5, input: { ...conv5.input, tensor: { ...conv5.input.tensor, w, h } } });
  assert.equal(kernelFor('texture', sized(2048, 1024)).name, 'conv3x3-texture', '2048 x 1024 x 16 groups: exactly the limit');
  assert.equal(kernelFor('texture', sized(2048, 1025)).name, 'conv3x3-quad');
});

test('defines: only those the kernel declares (the deconv shape and ONE_GROUP go to deconv.wgsl alone)', () => {
  const x3 = convs('se/up3x-conservative');
  const tail = byName(x3, 'unet1.conv_bottom');
  const storage = { F16: false, F16_NATIVE: false };
  assert.deepEqual(convDefines(kernelFor('compact', tail), tail, storage), { ...storage, LRELU: false, SKIP: false, IN_SCALE: false, SKIP_SCALE: false, TEXTURES: false, K: 5, S: 3, PAD: 2, ONE_GROUP: true });
  const c = byName(x3, 'unet2.conv5');
  assert.deepEqual(Object.keys(convDefines(kernelFor('compact', c), c, storage)).sort(), ['F16', 'F16_NATIVE', 'IN_SCALE', 'LRELU', 'SKIP', 'SKIP_SCALE', 'TEXTURES']);
});

test('a set is supported only where the device has every feature its kernels need', () => {
  const device = (features: readonly string[]) => ({ features: new Set(features) }) as unknown as GPUDevice;
  for (const storage of [{ F16: true, F16_NATIVE: true }, { F16: true, F16_NATIVE: false }, { F16: false, F16_NATIVE: false }]) {
    for (const set of CONV_KERNEL_SETS) {
      // Its own kernels and the compact ones it falls back to.
      const programs: ConvProgram[] = [...set.kernels, K.conv3x3, K.conv2x2s2, K.deconv];
      const needed = [...new Set(programs.flatMap((p) => programFeatures(p, resolveDefines(p, storage))))];
      if ('f16Only' in set && !storage.F16) {
        assert.equal(setSupported(device(['shader-f16', 'subgroups', ...needed]), set.id, storage), false, `${set.id}: never for f32 feature maps`);
        continue;
      }
      assert.equal(setSupported(device(needed), set.id, storage), true, `${set.id} with ${needed.join(', ') || 'no features'}`);
      for (const f of needed) assert.equal(setSupported(device(needed.filter((x) => x !== f)), set.id, storage), false, `${set.id} without ${f}`);
    }
  }
  assert.equal(setSupported(device([]), 'compact', { F16: true, F16_NATIVE: true }), false, 'native f16 needs shader-f16');
  assert.equal(setSupported(device(['shader-f16']), 'f16', { F16: true, F16_NATIVE: false }), true, 'f16 math on half floats stored in u32');
  assert.equal(setSupported(device(['shader-f16']), 'f16', { F16: false, F16_NATIVE: false }), false, 'f16 math never for an f32 run');
  assert.equal(setSupported(device([]), 'quad', { F16: false, F16_NATIVE: false }), false, 'quad needs subgroups');
  assert.equal(setSupported(device(['subgroups']), 'quad', { F16: false, F16_NATIVE: false }), true);
  assert.equal(setSupported(device([]), 'tiled', { F16: false, F16_NATIVE: false }), true, 'tiled: core WebGPU');
});

test('layer classes: a conv shape with its channel counts; a class override takes that set\'s kernel for its layers only', () => {
  const x2 = convs('se/up2x-conservative');
  assert.equal(layerClass(byName(x2, 'unet2.conv5')), 'conv3x3 64→64');
  assert.equal(layerClass(byName(x2, 'unet2.conv1_down')), 'conv2x2s2 64→64');
  assert.equal(layerClass(byName(x2, 'unet1.conv_bottom')), 'deconv4x4s2 64→3');
  const k = { block: 'wide' as const, classes: { 'conv3x3 64→64': 'compact' as const } };
  const by = kernelsByClass(x2, k);
  assert.equal(by['conv3x3 64→64'], 'conv3x3');
  assert.equal(by['conv3x3 64→128'], 'conv3x3-wide');
  assert.equal(by['deconv2x2s2 64→64'], 'deconv2x2s2-wide');
  assert.equal(Object.keys(by).length, new Set(x2.map(layerClass)).size);
  for (const op of x2) assert.equal(kernelFor('wide', op, k.classes).name, layerClass(op) === 'conv3x3 64→64' ? 'conv3x3' : kernelFor('wide', op).name);
  assert.ok(sameKernels(k, { block: 'wide', classes: { 'conv3x3 64→64': 'compact' } }));
  assert.ok(!sameKernels(k, { block: 'wide', classes: {} }));
  assert.ok(!sameKernels(k, { block: 'quad', classes: { 'conv3x3 64→64': 'compact' } }));
});
