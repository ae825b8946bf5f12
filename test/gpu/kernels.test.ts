// Each WGSL kernel against the plain TypeScript reference (test/helpers/reference.ts), on tiny
// odd-sized tensors so the edge guards run: partial 4-pixel blocks, odd row counts, odd numbers
// of vec4 channel groups, channels padded to 4, views with offsets and row strides. Each pass
// is built from its program declaration (src/shaders/programs) as the executor builds it: conv
// passes by the executor's own convSpec(), the others with named params and bindings. Every test also checks that
// the reference with the feature under test removed (skip, scale, lrelu, alpha, periodic
// mirroring, ...) differs from the GPU result by far more than the tolerance, so a kernel
// that dropped it would fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as G from '../helpers/gpu.js';
import { convSpec, usesTextures } from '../../src/runtime/gpu/conv-kernels.js';
import { ConvTextureSet } from '../../src/runtime/gpu/conv-textures.js';
import * as P from '../../src/shaders/programs/conv.js';
import { programFeatures, resolveDefines } from '../../src/shaders/program.js';
import type { ConvProgram } from '../../src/shaders/programs/conv.js';
import { output as outputProgram, pack as packProgram } from '../../src/shaders/programs/pixels.js';
import { se as seProgram } from '../../src/shaders/programs/se.js';
import type { LayerKind } from '../../src/runtime/model/architecture.js';
import type { View } from '../../src/runtime/plan/graph.js';
import * as R from '../helpers/reference.js';
import type { Tensor, Embedding } from '../helpers/reference.js';

/** Tensors stored as f32 vec4 (the exact path; f16 storage is covered by test/gpu/f16.test.ts). */
const F32_STORAGE = { F16: false, F16_NATIVE: false };
const SENTINEL = -777.25;
const div = (a: number, b: number) => Math.ceil(a / b);
const f32 = Math.fround;

let device: GPUDevice;
before(async () => {
  device = await G.getDevice();
});
after(() => G.closeDevice());

/** The feature must matter: the GPU result is far from the reference without it. */
function assertSensitive(gpu: ArrayLike<number>, without: ArrayLike<number>, feature: string, min = 1e-2): void {
  const d = R.maxAbsDiff(gpu, without);
  assert.ok(d > min, `test cannot see ${feature}: the result without it differs by only ${d}`);
}

/** Skips `t` where the device lacks a feature `program` needs (its F32 variant). */
function lacksFeature(program: ConvProgram, t: { skip(msg: string): void }): boolean {
  const missing = programFeatures(program, resolveDefines(program, F32_STORAGE)).filter((f) => !device.features.has(f));
  if (missing.length) t.skip(`the device has no ${missing.join(', ')}`);
  return missing.length > 0;
}

/** The sentinel tail after a kernel's output is untouched (no writes past the tensor). */
function assertTail(buf: Float32Array, from: number, what: string): void {
  for (let i = from; i < buf.length; i++) assert.equal(buf[i], SENTINEL, `${what}: write past the output at float ${i}`);
}

// ---------------------------------------------------------------- conv / deconv

type ConvKind = 'conv3x3' | 'conv2x2s2' | 'deconv';

interface ConvCase {
  kind: ConvKind;
  inC: number;
  outC: number;
  /** Input view size. */
  inW: number;
  inH: number;
  k?: number;
  stride?: number;
  pad?: number;
  lrelu: boolean;
  inScale?: boolean;
  skip?: boolean;
  skipScale?: boolean;
  /** The input as a view of a larger tensor. */
  inEmbed?: Embedding;
  /** The skip tensor as a view of a larger tensor (its c4 is the output's, as in the graph). */
  skipEmbed?: Embedding;
  /** Another kernel for the same op (its wide-block variant). */
  variant?: ConvProgram;
  seed: number;
}

interface Features {
  lrelu: boolean;
  inScale: boolean;
  skip: boolean;
  skipScale: boolean;
}

async function runConv(c: ConvCase) {
  const k = c.k ?? (c.kind === 'conv3x3' ? 3 : 2);
  const stride = c.stride ?? (c.kind === 'conv3x3' ? 1 : 2);
  const pad = c.pad ?? 0;
  const rand = R.rng(c.seed);
  const x = R.randomTensor(c.inC, c.inH, c.inW, rand);
  const weight = R.randomArray(c.inC * c.outC * k * k, rand, -0.5, 0.5);
  const bias = R.randomArray(c.outC, rand, -0.5, 0.5);
  const inScale = R.randomArray(c.inC, rand, 0.2, 1.5);
  const skipScale = R.randomArray(c.outC, rand, 0.2, 1.5);
  const outW = c.kind === 'deconv' ? (c.inW - 1) * stride - 2 * pad + k : Math.floor((c.inW - k) / stride) + 1;
  const outH = c.kind === 'deconv' ? (c.inH - 1) * stride - 2 * pad + k : Math.floor((c.inH - k) / stride) + 1;
  const skip = R.randomTensor(c.outC, outH, outW, rand);

  const reference = (f: Features): Tensor => {
    const xs = f.inScale ? R.scaleChannels(x, inScale) : x;
    let y = c.kind === 'deconv'
      ? R.convTranspose2d(xs, weight, bias, c.outC, k, stride, pad)
      : R.conv2d(xs, weight, bias, c.outC, k, stride);
    if (f.lrelu) y = R.lrelu(y);
    if (f.skip) y = R.add(y, f.skipScale ? R.scaleChannels(skip, skipScale) : skip);
    return y;
  };
  const features: Features = { lrelu: c.lrelu, inScale: !!c.inScale, skip: !!c.skip, skipScale: !!c.skipScale };
  const ref = reference(features);
  assert.equal(ref.w, outW);
  assert.equal(ref.h, outH);

  // Outside a view: values that would wreck the result if a kernel read them.
  const garbage = (i: number) => 50 + (i % 7);
  const input = R.toNHWC4(x, { fill: garbage, ...c.inEmbed });
  const outC4 = div(c.outC, 4);
  const skipT = R.toNHWC4(skip, { fill: garbage, ...c.skipEmbed, c4: outC4 });
  const outFloats = outW * outH * outC4 * 4;
  const dst = G.filledBuffer(device, outFloats + 64, SENTINEL);
  // The op as the graph has it: the input and skip as views of their tensors.
  const view = (w: number, h: number, c4: number, e: Embedding = {}): View => ({
    tensor: { id: 0, name: 'view', w: e.w ?? w, h: e.h ?? h, c4: e.c4 ?? c4, step: 1 }, x: e.x ?? 0, y: e.y ?? 0, w, h,
  });
  const inC4 = div(c.inC, 4);
  const kind: LayerKind = c.kind === 'deconv' ? 'deconv' : 'conv';
  const op = {
    kind: c.kind, stage: 'unet1' as const,
    spec: { name: c.kind, kind, inC: c.inC, outC: c.outC, kernel: k, stride, pad },
    input: view(c.inW, c.inH, inC4, c.inEmbed),
    output: view(outW, outH, outC4).tensor,
    lrelu: c.lrelu,
    skip: c.skip ? view(outW, outH, outC4, c.skipEmbed) : undefined,
    inScale: c.inScale ? { id: 0, name: 'in scale', channels: c.inC } : undefined,
    skipScale: c.skipScale ? { id: 1, name: 'skip scale', channels: c.outC } : undefined,
  };
  const program = c.variant ?? { conv3x3: P.conv3x3, conv2x2s2: P.conv2x2s2, deconv: P.deconv }[c.kind];
  const textures = usesTextures(program) ? new ConvTextureSet(device, [op.input.tensor], F32_STORAGE) : undefined;
  await G.runPass(device, convSpec(op, program, F32_STORAGE, {
    src: G.storageBuffer(device, input.data, 'input'),
    wts: G.storageBuffer(device, R.packConvWeights(kind, c.inC, c.outC, k, weight), 'weights'),
    bias: G.storageBuffer(device, R.padToVec4(bias), 'bias'),
    dst,
    skip: c.skip ? G.storageBuffer(device, skipT.data, 'skip') : undefined,
    in_scale: c.inScale ? G.storageBuffer(device, R.padToVec4(inScale), 'in scale') : undefined,
    skip_scale: c.skipScale ? G.storageBuffer(device, R.padToVec4(skipScale), 'skip scale') : undefined,
  }, textures));
  textures?.destroy();
  const raw = await G.readFloats(device, dst);
  const name = `${program.name} k${k}/s${stride}/p${pad} ${c.inC}->${c.outC}`;
  assertTail(raw, outFloats, name);
  const gpu = R.fromNHWC4(raw, c.outC, outH, outW);
  R.assertClose(gpu.data, ref.data, name);
  const without = (change: Partial<Features>) => reference({ ...features, ...change }).data;
  return { gpu: gpu.data, without, outW, outH };
}

describe('conv3x3', () => {
  test('3->8 (input channels padded to 4), LRELU, 13x9 -> 11x7', async () => {
    const r = await runConv({ kind: 'conv3x3', inC: 3, outC: 8, inW: 13, inH: 9, lrelu: true, seed: 1 });
    assertSensitive(r.gpu, r.without({ lrelu: false }), 'LRELU');
  });

  test('8->12 (odd number of vec4 groups), LRELU, 39x21 -> 37x19 (2x2 workgroups)', async () => {
    const r = await runConv({ kind: 'conv3x3', inC: 8, outC: 12, inW: 39, inH: 21, lrelu: true, seed: 2 });
    assertSensitive(r.gpu, r.without({ lrelu: false }), 'LRELU');
  });

  test('12->4 (one vec4 group), no activation, 13x9 -> 11x7', async () => {
    const r = await runConv({ kind: 'conv3x3', inC: 12, outC: 4, inW: 13, inH: 9, lrelu: false, seed: 3 });
    assertSensitive(r.gpu, r.without({ lrelu: true }), 'the absence of LRELU');
  });

  test('SKIP: input and skip are crop views (offset, row stride) of larger tensors, LRELU before the add', async () => {
    const r = await runConv({
      kind: 'conv3x3', inC: 8, outC: 8, inW: 13, inH: 9, lrelu: true, skip: true,
      inEmbed: { w: 17, h: 12, x: 3, y: 2 },
      skipEmbed: { w: 16, h: 13, x: 2, y: 5 },
      seed: 4,
    });
    assertSensitive(r.gpu, r.without({ skip: false }), 'SKIP');
    assertSensitive(r.gpu, R.lrelu(R.tensor(8, r.outH, r.outW, Float32Array.from(r.without({ lrelu: false })))).data, 'LRELU before the skip add');
  });

  test('SKIP + SKIP_SCALE: 8->12, skip view scaled per channel', async () => {
    const r = await runConv({
      kind: 'conv3x3', inC: 8, outC: 12, inW: 13, inH: 9, lrelu: true, skip: true, skipScale: true,
      skipEmbed: { w: 15, h: 10, x: 4, y: 3 },
      seed: 5,
    });
    assertSensitive(r.gpu, r.without({ skipScale: false }), 'SKIP_SCALE');
  });

  test('IN_SCALE: 12->8, input scaled per channel as it is loaded', async () => {
    const r = await runConv({ kind: 'conv3x3', inC: 12, outC: 8, inW: 13, inH: 9, lrelu: true, inScale: true, seed: 6 });
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
  });
});

// The wide-block variant (8x4 px x 16 channels per invocation) and the other conv3x3 families
// of 16 channels per invocation (conv3x3-tiled: workgroup memory; conv3x3-quad: subgroups, where
// the device has them, and conv3x3-texture, quad reading flat textures after its stage pass;
// conv3x3-f16 is inexact: test/gpu/kernel-families.test.ts): partial
// channel blocks (the second pair of groups absent), row counts that are not multiples of the
// block, maps of several workgroups, views, every fusion.
for (const wide of [P.conv3x3Wide, P.conv3x3Tiled, P.conv3x3Quad, P.conv3x3Texture]) describe(wide.name, () => {
  test('8->20 (5 groups: a full block of 4 and one alone), LRELU, 21x11 -> 19x9', async (t) => {
    if (lacksFeature(wide, t)) return;
    const r = await runConv({ kind: 'conv3x3', variant: wide, inC: 8, outC: 20, inW: 21, inH: 11, lrelu: true, seed: 11 });
    assertSensitive(r.gpu, r.without({ lrelu: false }), 'LRELU');
  });

  test('12->24 (6 groups: the last block half full), 3 input groups, 70x38 -> 68x36 (3 workgroups)', async (t) => {
    if (lacksFeature(wide, t)) return;
    const r = await runConv({ kind: 'conv3x3', variant: wide, inC: 12, outC: 24, inW: 70, inH: 38, lrelu: true, seed: 12 });
    assertSensitive(r.gpu, r.without({ lrelu: false }), 'LRELU');
  });

  test('3->4 (one group), no activation, 13x10 -> 11x8', async (t) => {
    if (lacksFeature(wide, t)) return;
    const r = await runConv({ kind: 'conv3x3', variant: wide, inC: 3, outC: 4, inW: 13, inH: 10, lrelu: false, seed: 13 });
    assertSensitive(r.gpu, r.without({ lrelu: true }), 'the absence of LRELU');
  });

  test('SKIP + SKIP_SCALE + IN_SCALE on crop views, 8->16, 15x9 -> 13x7', async (t) => {
    if (lacksFeature(wide, t)) return;
    const r = await runConv({
      kind: 'conv3x3', variant: wide, inC: 8, outC: 16, inW: 15, inH: 9, lrelu: true, skip: true, skipScale: true, inScale: true,
      inEmbed: { w: 19, h: 12, x: 3, y: 2 },
      skipEmbed: { w: 16, h: 11, x: 2, y: 3 },
      seed: 14,
    });
    assertSensitive(r.gpu, r.without({ skip: false }), 'SKIP');
    assertSensitive(r.gpu, r.without({ skipScale: false }), 'SKIP_SCALE');
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
  });
});

describe('conv2x2s2-wide', () => {
  const wide = P.conv2x2s2Wide;
  test('8->20 (5 groups: a full block of 4 and one alone), LRELU, 38x10 -> 19x5', async () => {
    const r = await runConv({ kind: 'conv2x2s2', variant: wide, inC: 8, outC: 20, inW: 38, inH: 10, lrelu: true, seed: 21 });
    assertSensitive(r.gpu, r.without({ lrelu: false }), 'LRELU');
  });

  test('12->16 with IN_SCALE, input a view of a larger tensor, 2 workgroups: 140x38 -> 70x19', async () => {
    const r = await runConv({
      kind: 'conv2x2s2', variant: wide, inC: 12, outC: 16, inW: 140, inH: 38, lrelu: true, inScale: true,
      inEmbed: { w: 143, h: 41, x: 2, y: 1 },
      seed: 22,
    });
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
  });
});

describe('conv2x2s2', () => {
  test('8->12, LRELU, 22x14 -> 11x7', async () => {
    const r = await runConv({ kind: 'conv2x2s2', inC: 8, outC: 12, inW: 22, inH: 14, lrelu: true, seed: 7 });
    assertSensitive(r.gpu, r.without({ lrelu: false }), 'LRELU');
  });

  test('12->8 with IN_SCALE, input a view of a larger tensor, 26x18 -> 13x9', async () => {
    const r = await runConv({
      kind: 'conv2x2s2', inC: 12, outC: 8, inW: 26, inH: 18, lrelu: true, inScale: true,
      inEmbed: { w: 29, h: 21, x: 1, y: 2 },
      seed: 8,
    });
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
  });
});

describe('deconv2x2s2-wide (the U-Net upsampling)', () => {
  const wide = P.deconv2x2s2Wide;
  test('8->20 with IN_SCALE, SKIP (a view), LRELU: 11x5 -> 22x10', async () => {
    const r = await runConv({
      kind: 'deconv', variant: wide, inC: 8, outC: 20, inW: 11, inH: 5, k: 2, stride: 2, pad: 0, lrelu: true, inScale: true, skip: true,
      skipEmbed: { w: 25, h: 13, x: 2, y: 1 },
      seed: 31,
    });
    assertSensitive(r.gpu, r.without({ skip: false }), 'SKIP');
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
  });

  test('12->16 with SKIP and SKIP_SCALE, input a view, 2 workgroups: 70x9 -> 140x18', async () => {
    const r = await runConv({
      kind: 'deconv', variant: wide, inC: 12, outC: 16, inW: 70, inH: 9, k: 2, stride: 2, pad: 0, lrelu: false, skip: true, skipScale: true,
      inEmbed: { w: 73, h: 12, x: 1, y: 2 },
      seed: 32,
    });
    assertSensitive(r.gpu, r.without({ skipScale: false }), 'SKIP_SCALE');
  });
});

describe('deconv4x4s2-wide (UNet1 tail of the 2x and 4x models)', () => {
  const wide = P.deconv4x4s2Wide;
  test('8->3 (one channel group), no activation, input a view: 9x6 -> 14x8', async () => {
    const r = await runConv({
      kind: 'deconv', variant: wide, k: 4, stride: 2, pad: 3, inC: 8, outC: 3, inW: 9, inH: 6, lrelu: false,
      inEmbed: { w: 12, h: 9, x: 2, y: 1 },
      seed: 33,
    });
    assertSensitive(r.gpu, r.without({ lrelu: true }), 'the absence of LRELU');
  });

  test('12->20 with IN_SCALE, SKIP (a view) and SKIP_SCALE, LRELU, 2 workgroups, partial blocks: 70x7 -> 136x10', async () => {
    const r = await runConv({
      kind: 'deconv', variant: wide, k: 4, stride: 2, pad: 3, inC: 12, outC: 20, inW: 70, inH: 7,
      lrelu: true, inScale: true, skip: true, skipScale: true,
      skipEmbed: { w: 139, h: 13, x: 1, y: 3 },
      seed: 34,
    });
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
    assertSensitive(r.gpu, r.without({ skipScale: false }), 'SKIP_SCALE');
  });
});

describe('deconv', () => {
  test('2x2/s2/p0 8->12 with IN_SCALE, SKIP (a view), LRELU: 7x5 -> 14x10', async () => {
    const r = await runConv({
      kind: 'deconv', k: 2, stride: 2, pad: 0, inC: 8, outC: 12, inW: 7, inH: 5,
      lrelu: true, inScale: true, skip: true,
      skipEmbed: { w: 22, h: 18, x: 4, y: 4 },
      seed: 9,
    });
    assertSensitive(r.gpu, r.without({ inScale: false }), 'IN_SCALE');
    assertSensitive(r.gpu, r.without({ skip: false }), 'SKIP');
  });

  test('2x2/s2/p0 12->8 with IN_SCALE, SKIP and SKIP_SCALE (UNet2 conv3_up): 5x3 -> 10x6', async () => {
    const r = await runConv({
      kind: 'deconv', k: 2, stride: 2, pad: 0, inC: 12, outC: 8, inW: 5, inH: 3,
      lrelu: true, inScale: true, skip: true, skipScale: true,
      skipEmbed: { w: 18, h: 14, x: 4, y: 4 },
      seed: 10,
    });
    assertSensitive(r.gpu, r.without({ skipScale: false }), 'SKIP_SCALE');
  });

  test('4x4/s2/p3 8->3 (UNet1 tail), no activation: 9x6 -> 14x8', async () => {
    const r = await runConv({ kind: 'deconv', k: 4, stride: 2, pad: 3, inC: 8, outC: 3, inW: 9, inH: 6, lrelu: false, seed: 11 });
    assertSensitive(r.gpu, r.without({ lrelu: true }), 'the absence of LRELU');
  });

  test('5x5/s3/p2 8->3 (the 3x model tail: ONE_GROUP, one channel group), no activation: 5x4 -> 13x10', async () => {
    const r = await runConv({ kind: 'deconv', k: 5, stride: 3, pad: 2, inC: 8, outC: 3, inW: 5, inH: 4, lrelu: false, seed: 13 });
    assertSensitive(r.gpu, r.without({ lrelu: true }), 'the absence of LRELU');
  });

  test('5x5/s3/p2 12->12 (UNet1x3 tail), no activation: 5x4 -> 13x10', async () => {
    const r = await runConv({ kind: 'deconv', k: 5, stride: 3, pad: 2, inC: 12, outC: 12, inW: 5, inH: 4, lrelu: false, seed: 12 });
    assertSensitive(r.gpu, r.without({ lrelu: true }), 'the absence of LRELU');
  });

  // Not in the model: with these, taps fall outside the input on every side, so the kernel's
  // bounds checks (which the released K/S/PAD never need) decide the result.
  test('generic 3x3/s1/p0 8->4 (taps outside the input on all sides): 7x5 -> 9x7', async () => {
    await runConv({ kind: 'deconv', k: 3, stride: 1, pad: 0, inC: 8, outC: 4, inW: 7, inH: 5, lrelu: false, inEmbed: { w: 10, h: 8, x: 2, y: 1 }, seed: 13 });
  });

  test('generic 4x4/s2/p1 4->8: 6x5 -> 12x10', async () => {
    await runConv({ kind: 'deconv', k: 4, stride: 2, pad: 1, inC: 4, outC: 8, inW: 6, inH: 5, lrelu: true, inEmbed: { w: 9, h: 7, x: 1, y: 1 }, seed: 14 });
  });
});

// ---------------------------------------------------------------- squeeze-excitation

async function runSe(C: number, w: number, h: number, seed: number, alpha?: number) {
  const rand = R.rng(seed);
  const r = C / 8;
  // Per-channel offsets so the channel means differ clearly.
  const x = R.map(R.randomTensor(C, h, w, rand), (v, c) => v + ((c * 7) % 11) * 0.2 - 1);
  const w1 = R.randomArray(r * C, rand, -0.5, 0.5);
  const b1 = R.randomArray(r, rand, -0.5, 0.5);
  const w2 = R.randomArray(C * r, rand, -1, 1);
  const b2 = R.randomArray(C, rand, -0.5, 0.5);
  const ref = R.seScale(x, w1, b1, w2, b2, alpha);
  const input = R.toNHWC4(x);
  const scale = G.filledBuffer(device, C + 16, SENTINEL);
  await G.runPass(device, {
    label: 'se',
    program: seProgram,
    defines: { ...F32_STORAGE, ALPHA: alpha !== undefined },
    params: { off: 0, row: w, w, h, c4: C / 4 },
    resources: {
      src: G.storageBuffer(device, input.data, 'feature'),
      w1: G.storageBuffer(device, w1, 'fc1 w'),
      b1: G.storageBuffer(device, b1, 'fc1 b'),
      w2: G.storageBuffer(device, w2, 'fc2 w'),
      b2: G.storageBuffer(device, b2, 'fc2 b'),
      scale,
      alpha: alpha === undefined ? undefined : G.uniformBuffer(device, [alpha, 0, 0, 0], true, 'alpha'),
    },
    extent: { w: 1, h: 1 },
  });
  const out = await G.readFloats(device, scale);
  assertTail(out, C, `se ${C}`);
  const gpu = out.subarray(0, C);
  R.assertClose(gpu, ref, `se C=${C} ${w}x${h}${alpha !== undefined ? ` alpha ${alpha}` : ''}`);
  // The mean must cover the whole map: leaving out the last row changes the scales.
  const partial = R.seScale(R.crop(x, 0, 0, w, h - 1), w1, b1, w2, b2, alpha);
  assertSensitive(gpu, partial, 'the mean over the whole map', 1e-3);
  return { gpu, noAlpha: R.seScale(x, w1, b1, w2, b2) };
}

describe('se', () => {
  test('C=24 (6 groups: 256 threads do not split evenly), 11x7', async () => {
    await runSe(24, 11, 7, 21);
  });

  test('C=256 (the largest block: 64 groups, 32 hidden), 9x5', async () => {
    await runSe(256, 9, 5, 22);
  });

  test('C=64 with ALPHA 0.75 (UNet2 conv4), 13x11', async () => {
    const r = await runSe(64, 13, 11, 23, 0.75);
    assertSensitive(r.gpu, r.noAlpha, 'ALPHA');
  });
});

// ---------------------------------------------------------------- pack (input pass)

function randomImage(w: number, h: number, seed: number): Uint8Array<ArrayBuffer> {
  const rand = R.rng(seed);
  const img = new Uint8Array(w * h * 4);
  for (let i = 0; i < img.length; i++) img[i] = i % 4 === 3 ? 255 : Math.floor(rand() * 256);
  img[0] = 0; // both extremes present
  img[1] = 255;
  return img;
}

const toModel = (p: number, pro: boolean) =>
  pro ? f32(f32(p / f32(255 / 0.7)) + f32(0.15)) : f32(p / 255);

const roundHalfEven = (v: number) => (v - Math.floor(v) === 0.5 ? (Math.floor(v) % 2 === 0 ? Math.floor(v) : Math.floor(v) + 1) : Math.round(v));

/** BOX2: a 2w x 2h source, each network pixel the rounded (half to even) mean of a 2x2 block. */
function box2(src: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 4; c++) {
        const at = (dx: number, dy: number) => src[((2 * y + dy) * 2 * w + 2 * x + dx) * 4 + c]!;
        out[(y * w + x) * 4 + c] = roundHalfEven((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4);
      }
    }
  }
  return out;
}

async function runPack(pro: boolean, box = false) {
  const [w, h, padL, padT, outW, outH] = [5, 4, 7, 7, 19, 20];
  const source = randomImage(box ? 2 * w : w, box ? 2 * h : h, pro ? 31 : 32);
  const img = box ? box2(source, w, h) : source;
  const dst = G.filledBuffer(device, outW * outH * 4 + 64, SENTINEL);
  await G.runPass(device, {
    label: 'pack',
    program: packProgram,
    defines: { ...F32_STORAGE, PRO: pro, EXTERNAL: false, BOX2: box },
    params: { src_w: w, src_h: h, pad_left: padL, pad_top: padT, out_w: outW, out_h: outH },
    resources: { source: G.sourceTexture(device, box ? 2 * w : w, box ? 2 * h : h, source).createView(), dst },
    extent: { w: outW, h: outH },
  });
  const out = await G.readFloats(device, dst);
  assertTail(out, outW * outH * 4, 'pack');
  const padded = R.reflectPad(img, w, h, 4, padL, padT, outW, outH);
  const expected = new Float32Array(outW * outH * 4);
  for (let i = 0; i < expected.length; i++) expected[i] = i % 4 === 3 ? 0 : toModel(padded[i]!, pro);
  // Within 1e-6 of the f32 result, not bit-exact: WGSL lets f32 division be off by 2.5 ulp, and
  // SwiftShader's p / 255.0 is 1 ulp off for about a third of the bytes.
  R.assertClose(out.subarray(0, expected.length), expected, `pack pro=${pro}`, 0, 1e-6);
  // Clamping at the edge instead of mirroring periodically would be visible.
  const clampIdx = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);
  const clamped = new Float32Array(expected.length);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const s = (clampIdx(y - padT, h) * w + clampIdx(x - padL, w)) * 4;
      for (let c = 0; c < 3; c++) clamped[(y * outW + x) * 4 + c] = toModel(img[s + c]!, pro);
    }
  }
  assertSensitive(out.subarray(0, expected.length), clamped, 'periodic mirroring');
  return { out: out.subarray(0, expected.length), expected, padded };
}

describe('pack', () => {
  test('5x4 image, pad 7 (periodic mirroring), p/255', async () => {
    const r = await runPack(false);
    const other = r.padded.map((p, i) => (i % 4 === 3 ? 0 : toModel(p, true)));
    assertSensitive(r.out, other, 'the input scaling');
  });

  test('PRO: p/(255/0.7) + 0.15', async () => {
    const r = await runPack(true);
    const other = r.padded.map((p, i) => (i % 4 === 3 ? 0 : toModel(p, false)));
    assertSensitive(r.out, other, 'PRO scaling');
  });

  test('BOX2 (adaptive half-input tier): a 10x8 source averaged 2x2, rounded half to even', async () => {
    const r = await runPack(false, true);
    // Rounding half up instead would be visible on this image.
    const [w, h] = [5, 4];
    const source = randomImage(2 * w, 2 * h, 32);
    const halfUp = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 4; c++) {
          const at = (dx: number, dy: number) => source[((2 * y + dy) * 2 * w + 2 * x + dx) * 4 + c]!;
          halfUp[(y * w + x) * 4 + c] = Math.floor((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4 + 0.5);
        }
      }
    }
    const padded = R.reflectPad(halfUp, w, h, 4, 7, 7, 19, 20);
    assertSensitive(r.out, padded.map((p, i) => (i % 4 === 3 ? 0 : toModel(p, false))), 'round half to even', 1e-3);
  });
});

// ---------------------------------------------------------------- output pass

const fromModel = (y: number, pro: boolean) => (pro ? f32(f32(y - f32(0.15)) * f32(255 / 0.7)) : f32(y * 255));

interface OutputRun {
  raw: Float32Array;
  rgba: Uint8Array;
}

// The 4x path reads the network input (the packed input tensor, 1 channel group, padded by
// X_PAD here) to add it upscaled by nearest neighbour.
const X_PAD = 2;
const xOffset = (w: number) => X_PAD * (w + 2 * X_PAD) + X_PAD;
function packedInput(src: { w: number; h: number; rgba: Uint8Array }): Float32Array {
  const row = src.w + 2 * X_PAD;
  const x = new Float32Array(row * (src.h + 2 * X_PAD) * 4).fill(SENTINEL);
  for (let y = 0; y < src.h; y++) {
    for (let i = 0; i < src.w; i++) {
      for (let c = 0; c < 3; c++) x[(xOffset(src.w) + y * row + i) * 4 + c] = toModel(src.rgba[(y * src.w + i) * 4 + c]!, false);
    }
  }
  return x;
}

/** Runs output.wgsl with and without RAW; both textures must be identical. */
async function runOutput(
  tensor: Float32Array, view: R.View4, outW: number, outH: number,
  opts: { pro: boolean; shuffle4: boolean; source?: { w: number; h: number; rgba: Uint8Array<ArrayBuffer> } },
): Promise<OutputRun> {
  const results: Partial<OutputRun>[] = [];
  for (const rawMode of [true, false]) {
    const tex = G.outputTexture(device, outW, outH);
    const raw = G.filledBuffer(device, outW * outH * 3 + 64, SENTINEL, 'raw');
    await G.runPass(device, {
      label: 'output',
      program: outputProgram,
      defines: { ...F32_STORAGE, PRO: opts.pro, SHUFFLE4: opts.shuffle4, RAW: rawMode },
      params: {
        off: view.off, row: view.row, c4: view.c4, x_row: (opts.source?.w ?? 0) + 2 * X_PAD, out_w: outW, out_h: outH,
        x_off: xOffset(opts.source?.w ?? 0), raw_w: outW, src_x: 0, src_y: 0, dst_x: 0, dst_y: 0,
      },
      resources: {
        y: G.storageBuffer(device, tensor, 'y'),
        dst: tex.createView(),
        x_in: opts.shuffle4 ? G.storageBuffer(device, packedInput(opts.source!), 'x_in') : undefined,
        raw: rawMode ? raw : undefined,
      },
      extent: { w: outW, h: outH },
    });
    const rgba = await G.readRGBA(device, tex);
    if (rawMode) {
      const r = await G.readFloats(device, raw);
      assertTail(r, outW * outH * 3, 'output raw');
      results.push({ raw: r.subarray(0, outW * outH * 3), rgba });
    } else {
      results.push({ rgba });
    }
  }
  assert.deepEqual(results[1]!.rgba, results[0]!.rgba, 'texture with RAW != texture without RAW');
  return results[0] as OutputRun;
}

/** The texture is the raw value rounded half to even and clamped, alpha 1. */
function assertTextureOf(rgba: Uint8Array, raw: ArrayLike<number>, what: string): void {
  const n = rgba.length / 4;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const want = Math.min(255, Math.max(0, R.roundHalfEven(raw[i * 3 + c]!)));
      if (rgba[i * 4 + c] !== want) assert.fail(`${what}: pixel ${i} channel ${c} is ${rgba[i * 4 + c]}, raw ${raw[i * 3 + c]} should give ${want}`);
    }
    assert.equal(rgba[i * 4 + 3], 255, `${what}: alpha of pixel ${i}`);
  }
}

/** The output pass's reference for 2x/3x: the view's top-left outW x outH, RGB, mapped back. */
function expectedCrop(t: Tensor, outW: number, outH: number, pro: boolean): Float32Array {
  const out = new Float32Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) for (let c = 0; c < 3; c++) out[(y * outW + x) * 3 + c] = fromModel(R.at(t, c, y, x), pro);
  }
  return out;
}

describe('output', () => {
  test('2x/3x path: top-left crop of a whole tensor (3 channels), values beyond 0..255 clamp', async () => {
    const [outW, outH] = [11, 7];
    const t = R.randomTensor(3, 9, 14, R.rng(41), -0.1, 1.1);
    const { data, view } = R.toNHWC4(t, { fill: 9 });
    const r = await runOutput(data, view, outW, outH, { pro: false, shuffle4: false });
    const expected = expectedCrop(t, outW, outH, false);
    R.assertClose(r.raw, expected, 'output raw', 1e-6, 1e-5);
    assertTextureOf(r.rgba, r.raw, 'output texture');
    assert.ok(r.rgba.includes(0) && r.rgba.includes(255), 'test data should clamp at both ends');
  });

  test('PRO, from a view (offset, row stride, 2 channel groups)', async () => {
    const [outW, outH] = [11, 7];
    const t = R.randomTensor(8, 8, 12, R.rng(42), 0.1, 0.9);
    const { data, view } = R.toNHWC4(t, { w: 15, h: 11, x: 2, y: 3, fill: 9 });
    const r = await runOutput(data, view, outW, outH, { pro: true, shuffle4: false });
    const expected = expectedCrop(t, outW, outH, true);
    R.assertClose(r.raw, expected, 'output raw pro', 1e-6, 1e-4);
    assertTextureOf(r.rgba, r.raw, 'output texture pro');
    assertSensitive(r.raw, expectedCrop(t, outW, outH, false), 'PRO');
  });

  test('SHUFFLE4: 12 channels (a crop-1 view) pixel-shuffled by 2, plus the source upscaled 4x', async () => {
    const [sw, sh] = [5, 3];
    const [outW, outH] = [sw * 4, sh * 4];
    const src = randomImage(sw, sh, 43);
    const q = R.randomTensor(12, sh * 2 + 2, sw * 2 + 2, R.rng(44), -0.3, 0.3);
    const { data, view } = R.toNHWC4(q);
    const cropView = { off: (1 * q.w + 1) * view.c4, row: q.w, c4: view.c4 };
    const r = await runOutput(data, cropView, outW, outH, { pro: false, shuffle4: true, source: { w: sw, h: sh, rgba: src } });
    const shuffled = R.pixelShuffle2(R.crop(q, 1, 1, sw * 2, sh * 2));
    const expected = (addSource: boolean, sh2: Tensor) => {
      const e = new Float32Array(outW * outH * 3);
      for (let y = 0; y < outH; y++) {
        for (let x = 0; x < outW; x++) {
          for (let c = 0; c < 3; c++) {
            const s = addSource ? toModel(src[(Math.floor(y / 4) * sw + Math.floor(x / 4)) * 4 + c]!, false) : 0;
            e[(y * outW + x) * 3 + c] = fromModel(f32(R.at(sh2, c, y, x) + s), false);
          }
        }
      }
      return e;
    };
    R.assertClose(r.raw, expected(true, shuffled), 'output raw shuffle4', 1e-6, 1e-4);
    assertTextureOf(r.rgba, r.raw, 'output texture shuffle4');
    assertSensitive(r.raw, expected(false, shuffled), 'the source add', 1);
    // Transposed sub-pixel order (4c + 2j + i instead of 4c + 2i + j).
    const transposed = R.map(q, (v) => v);
    for (let c = 0; c < 3; c++) {
      const plane = q.h * q.w;
      transposed.data.set(q.data.subarray((4 * c + 2) * plane, (4 * c + 3) * plane), (4 * c + 1) * plane);
      transposed.data.set(q.data.subarray((4 * c + 1) * plane, (4 * c + 2) * plane), (4 * c + 2) * plane);
    }
    assertSensitive(r.raw, expected(true, R.pixelShuffle2(R.crop(transposed, 1, 1, sw * 2, sh * 2))), 'the sub-pixel order', 1);
  });

  test('rounding: half to even on exact .5 values, clamping below 0 and above 255', async () => {
    const targets = [
      0.5, 1.5, 2.5, 3.5, 4.5, 126.5, 127.5, 253.5, 254.5, 255.5, 256.5,
      -0.5, -0.4, -0.6, -1.5, -3, 255.4, 255.6, 300, 1000, 7.49, 7.51, 0, 255,
    ].map(f32);
    // Model-space y with f32(y * 255) exactly the target (searching neighbouring floats); the
    // .5 targets must be hit exactly, the others just closely.
    const ys = targets.map((t) => {
      const b = new Float32Array([t / 255]);
      const u = new Uint32Array(b.buffer);
      const u0 = u[0]!;
      for (const d of [0, 1, -1, 2, -2, 3, -3]) {
        u[0] = u0 + d;
        if (f32(b[0]! * 255) === t) return b[0]!;
      }
      if (Math.abs(t % 1) === 0.5) throw new Error(`no f32 y with y*255 == ${t}`);
      return f32(t / 255);
    });
    const values = ys.map((y) => f32(y * 255));
    const n = targets.length;
    // R = target, G = reversed targets, B = target of the next pixel.
    const t = R.tensor(3, 1, n);
    for (let i = 0; i < n; i++) {
      t.data[i] = ys[i]!;
      t.data[n + i] = ys[n - 1 - i]!;
      t.data[2 * n + i] = ys[(i + 1) % n]!;
    }
    const { data, view } = R.toNHWC4(t);
    const r = await runOutput(data, view, n, 1, { pro: false, shuffle4: false });
    const expectedRaw = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      expectedRaw[i * 3] = values[i]!;
      expectedRaw[i * 3 + 1] = values[n - 1 - i]!;
      expectedRaw[i * 3 + 2] = values[(i + 1) % n]!;
    }
    assert.deepEqual(Array.from(r.raw), Array.from(expectedRaw), 'raw values must be exactly y * 255');
    const clampRound = (v: number) => Math.min(255, Math.max(0, R.roundHalfEven(v)));
    const got = targets.map((_, i) => r.rgba[i * 4]!);
    assert.deepEqual(got, values.map(clampRound), `values ${values.join(', ')}`);
    assert.deepEqual(got.slice(0, 11), [0, 2, 2, 4, 4, 126, 128, 254, 254, 255, 255]);
    // Round half up (Math.round) would give other bytes.
    assert.notDeepEqual(got, values.map((v) => Math.min(255, Math.max(0, Math.round(v)))));
    assertTextureOf(r.rgba, r.raw, 'rounding texture');
  });
});

// ---------------------------------------------------------------- the harness itself

test('harness: a WGSL compile error fails with its message', async () => {
  await assert.rejects(
    G.runCode(device, '@compute @workgroup_size(1) fn main() { let x: u32 = undefined_name; }', [], [1, 1, 1]),
    /undefined_name/,
  );
});
