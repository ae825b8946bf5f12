// The passes of one frame, built once per executor from its graph: every op becomes the pass
// spec of its program (uniforms by name, bindings by name, dispatch from the declaration), and
// all are built together (pass.ts). A tiled frame gets per-tile pack, SE-sum and output passes;
// the conv passes serve every tile (all tiles have one size and share the buffers).

import { output as outputProgram, pack as packProgram } from '../../shaders/programs/pixels.js';
import { se as seProgram, seFc, seSum } from '../../shaders/programs/se.js';
import { PAD } from '../model/architecture.js';
import type { PackedModel } from '../model/packed-format.js';
import type { ConvOp, OutputOp, PackOp, ScaleVec, SeOp, Tensor, View } from '../plan/graph.js';
import type { TilePlan } from '../plan/tiling.js';
import { convSpec, kernelFor, usesTextures, type KernelChoice, type StorageDefines } from './conv-kernels.js';
import { buildPasses, passSpec, type BuiltPass, type Pass, type PassSpec } from './pass.js';
import type { PipelineCache } from './pipelines.js';

/** One step of a tile's network after the pack pass. */
export type Step =
  | { kind: 'conv'; op: ConvOp; pass: Pass }
  /** Untiled: one fused pass. Tiled: a sum pass per tile, then one FC pass. */
  | { kind: 'se'; op: SeOp; fused?: Pass; sums: Pass[]; fc?: Pass };

export interface FramePasses {
  /** Per tile: the pack pass reading the source copy (other sources rebind it). */
  pack: BuiltPass[];
  steps: Step[];
  /** Per tile: the output pass writing the 8-bit texture (RAW rebinds it). */
  output: BuiltPass[];
  /** The uniforms of every pass. */
  uniforms: GPUBuffer;
  /** The texture convs' textures, where one runs (conv-textures.ts): the executor counts and destroys them. */
  textures?: { readonly bytes: number; destroy(): void };
}

export interface FrameResources {
  device: GPUDevice;
  pipelines: PipelineCache;
  plan: TilePlan;
  model: PackedModel;
  weights: GPUBuffer;
  /** The alpha uniform (x), read by UNet2's fourth SE block. */
  alpha: GPUBuffer;
  storage: StorageDefines;
  kernels: KernelChoice;
  tensor(t: Tensor): GPUBufferBinding;
  scale(s: ScaleVec): GPUBuffer;
  /** Tiled: the buffer gathering the sums of the n-th SE block. */
  sums(n: number): GPUBuffer;
  /** The source copy the pack passes read, and the output texture. */
  input: GPUTextureView;
  output: GPUTextureView;
}

const viewOffset = (v: View) => (v.y * v.tensor.w + v.x) * v.tensor.c4;

export async function buildFramePasses(r: FrameResources): Promise<FramePasses> {
  const { plan } = r;
  const g = plan.tile;
  const specs: PassSpec[] = [];
  const add = (s: PassSpec) => specs.push(s) - 1;
  const seOps = g.ops.filter((o): o is SeOp => o.kind === 'se');
  const convs = g.ops.filter((o): o is ConvOp => o.kind === 'conv3x3' || o.kind === 'conv2x2s2' || o.kind === 'deconv');
  // A chunk of its own, loaded only where a texture kernel runs.
  const inputs = convs.filter((op) => usesTextures(kernelFor(r.kernels.block, op, r.kernels.classes))).map((op) => op.input.tensor);
  const textures = inputs.length ? new (await import('./conv-textures.js')).ConvTextureSet(r.device, inputs, r.storage) : undefined;
  const tiled = plan.tiles.length > 1;
  const pack = plan.tiles.map((_, k) => add(packSpec(r, g.ops[0] as PackOp, k)));
  const steps = g.ops.filter((op): op is ConvOp | SeOp => op.kind !== 'pack' && op.kind !== 'output').map((op) => {
    if (op.kind !== 'se') return { op, pass: add(convSpec(op, kernelFor(r.kernels.block, op, r.kernels.classes), r.storage, convResources(r, op), textures)) };
    if (!tiled) return { op, fused: add(seSpec(r, op)) };
    const n = seOps.indexOf(op);
    return { op, sums: plan.tiles.map((_, k) => add(seSumSpec(r, op, n, k))), fc: add(seFcSpec(r, op, n)) };
  });
  const output = plan.tiles.map((_, k) => add(outputSpec(r, g.ops[g.ops.length - 1] as OutputOp, k)));
  const built = await buildPasses(r.device, r.pipelines, specs, plan.tiles.length > 1 ? 'tiled frame' : 'frame').catch((e: unknown) => {
    textures?.destroy();
    throw e;
  });
  const at = (i: number) => built.passes[i]!;
  return {
    pack: pack.map(at),
    steps: steps.map((s): Step => {
      if ('pass' in s) return { kind: 'conv', op: s.op as ConvOp, pass: at(s.pass!) };
      const op = s.op as SeOp;
      return 'fused' in s ? { kind: 'se', op, fused: at(s.fused!), sums: [] } : { kind: 'se', op, sums: s.sums!.map(at), fc: at(s.fc!) };
    }),
    output: output.map(at),
    uniforms: built.uniforms,
    textures,
  };
}

function packSpec(r: FrameResources, op: PackOp, k: number): PassSpec {
  const frame = r.plan.frame;
  const t = r.plan.tiles[k]!;
  const pad = PAD[frame.variant.scale];
  const out = op.output;
  return passSpec({
    label: 'pack',
    program: packProgram,
    defines: { ...r.storage, PRO: frame.variant.pro },
    // A tile inside the frame has a negative pad: its window starts at its origin minus PAD.
    params: { src_w: frame.width, src_h: frame.height, pad_left: pad - t.x, pad_top: pad - t.y, out_w: out.w, out_h: out.h },
    resources: { source: r.input, dst: r.tensor(out) },
    extent: { w: out.w, h: out.h },
  });
}

function convResources(r: FrameResources, op: ConvOp) {
  const layer = r.model.layers[op.layer]!;
  return {
    src: r.tensor(op.input.tensor),
    wts: { buffer: r.weights, offset: layer.weightOffset, size: layer.weightBytes },
    bias: { buffer: r.weights, offset: layer.biasOffset, size: layer.biasBytes },
    dst: r.tensor(op.output),
    skip: op.skip && r.tensor(op.skip.tensor),
    in_scale: op.inScale && r.scale(op.inScale),
    skip_scale: op.skipScale && r.scale(op.skipScale),
  };
}

/** The excitation's weights, its output scale and (UNet2's fourth block) alpha. */
function excite(r: FrameResources, op: SeOp) {
  const fc1 = r.model.layers[op.layer]!;
  const fc2 = r.model.layers[op.layer + 1]!;
  return {
    w1: { buffer: r.weights, offset: fc1.weightOffset, size: fc1.weightBytes },
    b1: { buffer: r.weights, offset: fc1.biasOffset, size: fc1.biasBytes },
    w2: { buffer: r.weights, offset: fc2.weightOffset, size: fc2.weightBytes },
    b2: { buffer: r.weights, offset: fc2.biasOffset, size: fc2.biasBytes },
    scale: r.scale(op.output),
    alpha: op.alpha ? r.alpha : undefined,
  };
}

function seSpec(r: FrameResources, op: SeOp): PassSpec {
  const i = op.input;
  return passSpec({
    label: op.output.name,
    program: seProgram,
    defines: { ...r.storage, ALPHA: op.alpha },
    params: { off: 0, row: i.w, w: i.w, h: i.h, c4: i.c4 },
    resources: { src: r.tensor(i), ...excite(r, op) },
    extent: { w: 1, h: 1 },
  });
}

/** Tile k's part of SE block n's map: it adds its sums into the block's buffer (the first tile overwrites it). */
function seSumSpec(r: FrameResources, op: SeOp, n: number, k: number): PassSpec {
  const i = op.input;
  const rect = r.plan.tiles[k]!.se[n]!;
  return passSpec({
    label: `${op.output.name} sum`,
    program: seSum,
    defines: r.storage,
    params: { off: (rect.y * i.w + rect.x) * i.c4, row: i.w, w: rect.w, h: rect.h, c4: i.c4, accumulate: k > 0 ? 1 : 0 },
    resources: { src: r.tensor(i), sums: r.sums(n) },
    extent: { w: 1, h: 1 },
  });
}

/** The scales from the means over the whole frame's map. */
function seFcSpec(r: FrameResources, op: SeOp, n: number): PassSpec {
  const whole = r.plan.frame.ops.find((o): o is SeOp => o.kind === 'se' && o.layer === op.layer)!.input;
  return passSpec({
    label: `${op.output.name} fc`,
    program: seFc,
    defines: { ALPHA: op.alpha },
    params: { count: whole.w * whole.h, c4: op.input.c4 },
    resources: { sums: r.sums(n), ...excite(r, op) },
    extent: { w: 1, h: 1 },
  });
}

/** Tile k's output pass: the pixels it owns, into the frame's output texture. */
function outputSpec(r: FrameResources, op: OutputOp, k: number): PassSpec {
  const frame = r.plan.frame;
  const t = r.plan.tiles[k]!;
  const n = op.nearest;
  return passSpec({
    label: 'output',
    program: outputProgram,
    defines: { ...r.storage, PRO: frame.variant.pro, SHUFFLE4: op.shuffle4 },
    params: {
      off: viewOffset(op.input), row: op.input.tensor.w, c4: op.input.tensor.c4, x_row: n ? n.tensor.w : 0,
      out_w: t.out.w, out_h: t.out.h, x_off: n ? viewOffset(n) : 0, raw_w: frame.outWidth,
      src_x: t.out.x, src_y: t.out.y, dst_x: t.outX, dst_y: t.outY,
    },
    resources: { y: r.tensor(op.input.tensor), dst: r.output, x_in: n && r.tensor(n.tensor) },
    extent: { w: t.out.w, h: t.out.h },
  });
}
