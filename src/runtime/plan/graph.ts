// The Real-CUGAN forward pass for one input size, as a list of GPU passes over tensors.
// Pure data (no GPU): shapes, crops (as views, never copies) and the fusions — bias, leaky
// ReLU, skip adds and SE scales ride inside the conv/deconv passes; alpha rides in a scale.

import { ALIGN, PAD, layerSpecs, type LayerSpec, type ModelVariant } from '../model/architecture.js';

/** A feature map in NHWC4 layout: w x h pixels, c4 groups of 4 channels. */
export interface Tensor {
  id: number;
  name: string;
  w: number;
  h: number;
  c4: number;
  /** Pixels of this tensor per pixel of the padded input (1/2 after a stride-2 conv, x s after a deconv). */
  step: number;
}

/** A rectangle of a tensor (crops are views). */
export interface View {
  tensor: Tensor;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A per-channel factor vector (an SE result, or alpha for the no-SE model). */
export interface ScaleVec {
  id: number;
  name: string;
  channels: number;
}

export type ConvKind = 'conv3x3' | 'conv2x2s2' | 'deconv';

/** The parts of the network a frame's GPU time is reported in (timed frames), in order. */
export const STAGES = ['input', 'unet1', 'unet2', 'output'] as const;
export type Stage = (typeof STAGES)[number];

export interface ConvOp {
  kind: ConvKind;
  stage: Stage;
  layer: number; // index into layerSpecs
  spec: LayerSpec;
  input: View;
  output: Tensor;
  lrelu: boolean;
  inScale?: ScaleVec;
  skip?: View;
  skipScale?: ScaleVec;
  /** Multiply-adds of this pass. */
  macs: number;
}

export interface SeOp {
  kind: 'se';
  stage: Stage;
  layer: number; // index of seblock.conv1; conv2 follows it
  input: Tensor;
  output: ScaleVec;
  alpha: boolean;
}

export interface PackOp {
  kind: 'pack';
  stage: 'input';
  output: Tensor;
  padLeft: number;
  padTop: number;
}

export interface OutputOp {
  kind: 'output';
  stage: 'output';
  input: View;
  shuffle4: boolean;
  /** 4x: the unpadded network input, upscaled by nearest neighbour and added. */
  nearest?: View;
}

export type Op = PackOp | ConvOp | SeOp | OutputOp;

export interface Graph {
  variant: ModelVariant;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  paddedWidth: number;
  paddedHeight: number;
  tensors: Tensor[];
  scales: ScaleVec[];
  /** Filled by writing alpha into it (no-SE model: it scales UNet2's fourth block). */
  alphaVector?: ScaleVec;
  ops: Op[];
  /** Multiply-adds of the conv passes (for GFLOP/s figures). */
  macs: number;
}

const whole = (t: Tensor): View => ({ tensor: t, x: 0, y: 0, w: t.w, h: t.h });
const crop = (t: Tensor, k: number): View => ({ tensor: t, x: k, y: k, w: t.w - 2 * k, h: t.h - 2 * k });

export function buildGraph(variant: ModelVariant, width: number, height: number): Graph {
  const specs = layerSpecs(variant);
  const index = new Map(specs.map((s, i) => [s.name, i]));
  const tensors: Tensor[] = [];
  const scales: ScaleVec[] = [];
  const ops: Op[] = [];
  let macs = 0;
  /** The stage of the ops added next. */
  let stage: Stage = 'unet1';

  const tensor = (name: string, w: number, h: number, channels: number, step: number): Tensor => {
    if (w <= 0 || h <= 0) throw new Error(`internal: tensor ${name} would be ${w}x${h}`);
    const t = { id: tensors.length, name, w, h, c4: Math.ceil(channels / 4), step };
    tensors.push(t);
    return t;
  };
  const scaleVec = (name: string, channels: number): ScaleVec => {
    const s = { id: scales.length, name, channels };
    scales.push(s);
    return s;
  };
  const layer = (name: string) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`internal: no layer ${name}`);
    return { i, spec: specs[i]! };
  };

  interface ConvOpts { lrelu?: boolean; inScale?: ScaleVec; skip?: View; skipScale?: ScaleVec }
  const conv = (name: string, input: View, o: ConvOpts = {}): Tensor => {
    const { i, spec } = layer(name);
    let w: number, h: number, kind: ConvKind;
    let step = input.tensor.step;
    if (spec.kind === 'deconv') {
      kind = 'deconv';
      step *= spec.stride;
      w = (input.w - 1) * spec.stride - 2 * spec.pad + spec.kernel;
      h = (input.h - 1) * spec.stride - 2 * spec.pad + spec.kernel;
    } else if (spec.kernel === 3) {
      kind = 'conv3x3';
      w = input.w - 2;
      h = input.h - 2;
    } else {
      kind = 'conv2x2s2';
      if (input.w % 2 || input.h % 2) throw new Error(`internal: ${name} input ${input.w}x${input.h} is odd`);
      w = input.w / 2;
      h = input.h / 2;
      step /= 2;
    }
    const output = tensor(name, w, h, spec.outC, step);
    if (o.skip && (o.skip.w !== w || o.skip.h !== h)) {
      throw new Error(`internal: ${name} skip ${o.skip.w}x${o.skip.h} != ${w}x${h}`);
    }
    const taps = spec.kind === 'deconv' ? (spec.kernel / spec.stride) ** 2 : spec.kernel ** 2;
    const opMacs = w * h * spec.outC * spec.inC * taps;
    macs += opMacs;
    ops.push({ kind, stage, layer: i, spec, input, output, lrelu: o.lrelu ?? true, inScale: o.inScale, skip: o.skip, skipScale: o.skipScale, macs: opMacs });
    return output;
  };
  const se = (block: string, input: Tensor, alpha = false): ScaleVec | undefined => {
    if (!variant.se) return undefined;
    const { i, spec } = layer(`${block}.seblock.conv1`);
    const output = scaleVec(`${block}.se`, spec.inC);
    ops.push({ kind: 'se', stage, layer: i, input, output, alpha });
    return output;
  };
  // UNetConv: two 3x3 convs with leaky ReLU, then (se) the SE scale, returned for fusing.
  const unetConv = (block: string, input: View, withSe: boolean, alpha = false) => {
    const a = conv(`${block}.conv.0`, input);
    const b = conv(`${block}.conv.2`, whole(a));
    return { t: b, s: withSe ? se(block, b, alpha) : undefined };
  };

  // Input: reflect padding to a size the U-Nets can halve.
  const pad = PAD[variant.scale];
  const align = ALIGN[variant.scale];
  const pw = Math.ceil(width / align) * align + 2 * pad;
  const ph = Math.ceil(height / align) * align + 2 * pad;
  const x = tensor('input', pw, ph, 3, 1);
  ops.push({ kind: 'pack', stage: 'input', output: x, padLeft: pad, padTop: pad });

  // UNet1 (UNet1x3 for 3x differs only in its tail, which the layer spec carries).
  const u1c1 = unetConv('unet1.conv1', whole(x), false);
  const u1d = conv('unet1.conv1_down', whole(u1c1.t));
  const u1c2 = unetConv('unet1.conv2', whole(u1d), true);
  const u1up = conv('unet1.conv2_up', whole(u1c2.t), { inScale: u1c2.s, skip: crop(u1c1.t, 4) });
  const u1c3 = conv('unet1.conv3', whole(u1up));
  const u1 = conv('unet1.conv_bottom', whole(u1c3), { lrelu: false });

  // UNet2; its result gets UNet1's output (cropped by 20) added in the last conv. The 4x
  // model's final conv is timed with it.
  stage = 'unet2';
  const c1 = unetConv('unet2.conv1', whole(u1), false);
  const d1 = conv('unet2.conv1_down', whole(c1.t));
  const c2 = unetConv('unet2.conv2', whole(d1), true);
  const d2 = conv('unet2.conv2_down', whole(c2.t), { inScale: c2.s });
  const c3 = unetConv('unet2.conv3', whole(d2), true);
  const up3 = conv('unet2.conv3_up', whole(c3.t), { inScale: c3.s, skip: crop(c2.t, 4), skipScale: c2.s });
  const c4 = unetConv('unet2.conv4', whole(up3), true, true);
  let alphaVector: ScaleVec | undefined;
  if (!variant.se) alphaVector = scaleVec('alpha', 64);
  const up4 = conv('unet2.conv4_up', whole(c4.t), { inScale: c4.s ?? alphaVector, skip: crop(c1.t, 16) });
  const c5 = conv('unet2.conv5', whole(up4));
  const y = conv('unet2.conv_bottom', whole(c5), { lrelu: false, skip: crop(u1, 20) });

  let outView: View;
  if (variant.scale === 4) {
    const q = conv('conv_final', whole(y), { lrelu: false });
    outView = crop(q, 1);
  } else {
    outView = whole(y);
  }
  const outWidth = width * variant.scale;
  const outHeight = height * variant.scale;
  const covered = variant.scale === 4 ? 2 : 1;
  if (outView.w * covered < outWidth || outView.h * covered < outHeight) {
    throw new Error(`internal: output ${outView.w}x${outView.h} does not cover ${outWidth}x${outHeight}`);
  }
  const nearest = variant.scale === 4 ? { tensor: x, x: pad, y: pad, w: width, h: height } : undefined;
  ops.push({ kind: 'output', stage: 'output', input: outView, shuffle4: variant.scale === 4, nearest });
  return {
    variant, width, height, outWidth, outHeight, paddedWidth: pw, paddedHeight: ph,
    tensors, scales, alphaVector, ops, macs,
  };
}

/** The tensors an op reads and writes (for liveness). */
export function opTensors(op: Op): { reads: Tensor[]; writes: Tensor[] } {
  switch (op.kind) {
    case 'pack': return { reads: [], writes: [op.output] };
    case 'se': return { reads: [op.input], writes: [] };
    case 'output': return { reads: op.nearest ? [op.input.tensor, op.nearest.tensor] : [op.input.tensor], writes: [] };
    default: return { reads: op.skip ? [op.input.tensor, op.skip.tensor] : [op.input.tensor], writes: [op.output] };
  }
}
