// The autotune's second stage: per layer class. The first (autotune.ts) picks the kernel set on
// one 64 -> 64 3x3 conv; the other layers differ in channel counts and map sizes (3 -> 32 at
// the input, 256 -> 128 on UNet2's small maps, the 2x2 stride-2 convs and the deconvs), and a
// set's kernel is not the fastest for every one of them. So for each class of the model's
// layers (conv-kernels.ts, layerClass: 'conv3x3 3→32', 'deconv4x4s2 64→3', ...) that more than
// one set computes with different kernels, each distinct kernel is timed on the model's own
// layer of that class, and where another set's kernel wins, that set computes the class.
// The choice is kept per adapter, precision, set and class: in memory, and in localStorage.

import type { ConvOp } from '../plan/graph.js';
import { tensorBytes } from '../plan/memory.js';
import { choiceKey, readStored, writeStored, type Exclusive } from './autotune.js';
import { timeCandidates } from './autotune-measure.js';
import { ConvTextureSet } from './conv-textures.js';
import { CONV_BLOCKS, convSpec, kernelFor, layerClass, setSupported, usesTextures, type ClassKernels, type ConvBlock, type StorageDefines } from './conv-kernels.js';
import type { ConvProgram } from '../../shaders/programs/conv.js';
import { buildPasses } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import { tensorDefines, type TensorPrecision } from './tensor-format.js';

const STORAGE_PREFIX = 'cugan-webgpu:conv-class:';
const chosen = new Map<string, ConvBlock>();

const keyOf = (device: GPUDevice, precision: TensorPrecision, block: ConvBlock, cls: string) => `${choiceKey(device, precision)}|${block}|${cls}`;

/**
 * The per-class kernels for a run on set `block`: for every class of `ops` with more than one
 * candidate kernel, the remembered choice, or a measurement of the ones not yet known (all in
 * one `exclusive` call). A failed measurement keeps the set's own kernels and is not kept.
 */
export async function tuneLayerClasses(
  device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive, precision: TensorPrecision, block: ConvBlock, ops: readonly ConvOp[],
): Promise<ClassKernels> {
  const storage = tensorDefines(precision, device);
  const open: { cls: string; op: ConvOp; candidates: ReturnType<typeof classCandidates> }[] = [];
  for (const op of representatives(ops)) {
    const cls = layerClass(op);
    if (known(device, precision, block, cls) !== undefined) continue;
    const candidates = classCandidates(device, op, storage);
    if (candidates.length > 1) open.push({ cls, op, candidates });
  }
  if (open.length > 0) {
    try {
      const picks = await measure(device, pipelines, exclusive, precision, block, open);
      open.forEach((o, i) => remember(keyOf(device, precision, block, o.cls), picks[i]!));
    } catch {
      return knownClasses(device, precision, block, ops); // e.g. the device was lost meanwhile
    }
  }
  return knownClasses(device, precision, block, ops);
}

/** The per-class kernels known for these ops (measured, or remembered), without measuring. */
export function knownClasses(device: GPUDevice, precision: TensorPrecision, block: ConvBlock, ops: readonly ConvOp[]): ClassKernels {
  const out: Record<string, ConvBlock> = {};
  for (const op of representatives(ops)) {
    const cls = layerClass(op);
    const v = known(device, precision, block, cls);
    if (v !== undefined && v !== block && kernelFor(v, op).name !== kernelFor(block, op).name) out[cls] = v;
  }
  return out;
}

/** Forgets the choices made in this process (tests). */
export function forgetClassChoices(): void {
  chosen.clear();
}

/** The distinct kernels the supported sets have for `op`, each with the first set (in preference order) that has it. */
export function classCandidates(device: GPUDevice, op: Pick<ConvOp, 'kind' | 'spec' | 'input' | 'output'>, storage: StorageDefines): { block: ConvBlock; program: ConvProgram }[] {
  const out: { block: ConvBlock; program: ConvProgram }[] = [];
  for (const block of CONV_BLOCKS) {
    if (!setSupported(device, block, storage)) continue;
    const program = kernelFor(block, op);
    if (!out.some((c) => c.program.name === program.name)) out.push({ block, program });
  }
  return out;
}

/** One op of each class (the first in network order). */
function representatives(ops: readonly ConvOp[]): ConvOp[] {
  const seen = new Map<string, ConvOp>();
  for (const op of ops) if (!seen.has(layerClass(op))) seen.set(layerClass(op), op);
  return [...seen.values()];
}

function known(device: GPUDevice, precision: TensorPrecision, block: ConvBlock, cls: string): ConvBlock | undefined {
  const key = keyOf(device, precision, block, cls);
  const v = chosen.get(key) ?? readStored(STORAGE_PREFIX + key);
  // A stored set this device cannot run at this precision is measured again.
  return v !== undefined && setSupported(device, v, tensorDefines(precision, device)) ? v : undefined;
}

function remember(key: string, v: ConvBlock): void {
  chosen.set(key, v);
  writeStored(STORAGE_PREFIX + key, v);
}

/** How much faster another set's kernel must be than the set's own to compute a class. */
const MARGIN = 0.1;

/**
 * The set that computes each class: each class's candidates timed on its class's layer, with
 * the layer's shape and zero-filled data. The fusions are the probe's (leaky ReLU only): they do
 * not change a kernel's main loop, and so every candidate compiles once for all classes. One
 * round first (the classes are many, and a software adapter's dispatches long); where another
 * kernel than the set's own was fastest, the two are timed again, and the class leaves the set's
 * kernel only if the other is faster by MARGIN over all rounds (one round alone is noisy enough
 * on a software adapter to rank a much slower kernel first).
 */
async function measure(
  device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive, precision: TensorPrecision, block: ConvBlock,
  open: readonly { op: ConvOp; candidates: ReturnType<typeof classCandidates> }[],
): Promise<ConvBlock[]> {
  const storage = tensorDefines(precision, device);
  const made: GPUBuffer[] = [];
  const make = (bytes: number) => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    made.push(b);
    return b;
  };
  const inputs = open.filter((o) => o.candidates.some((c) => usesTextures(c.program))).map((o) => o.op.input.tensor);
  const textures = inputs.length ? new ConvTextureSet(device, inputs, storage) : undefined;
  try {
    const built = await Promise.all(open.map(async ({ op, candidates }) => {
      const probe = { ...op, lrelu: true, skip: undefined, inScale: undefined, skipScale: undefined };
      const s = op.spec;
      const buffers = {
        src: make(tensorBytes(op.input.tensor)),
        wts: make(Math.ceil(s.inC / 4) * Math.ceil(s.outC / 4) * s.kernel * s.kernel * 64),
        bias: make(Math.ceil(s.outC / 4) * 16),
        dst: make(tensorBytes(op.output)),
      };
      const b = await buildPasses(device, pipelines, candidates.map((c) => convSpec(probe, c.program, storage, buffers, textures)), 'class autotune');
      made.push(b.uniforms);
      return b.passes;
    }));
    const own = open.map((o) => o.candidates.findIndex((c) => c.program.name === kernelFor(block, o.op).name));
    return await exclusive(async () => {
      const first = await timeCandidates(device, built, 1);
      const best = first.map((t) => t.indexOf(Math.min(...t)));
      const contested = open.map((_, i) => i).filter((i) => best[i] !== own[i]);
      const again = await timeCandidates(device, contested.map((i) => [built[i]![own[i]!]!, built[i]![best[i]!]!]), 2);
      return open.map((o, i) => {
        const k = contested.indexOf(i);
        if (k < 0) return block;
        const ownMs = Math.min(first[i]![own[i]!]!, again[k]![0]!);
        const bestMs = Math.min(first[i]![best[i]!]!, again[k]![1]!);
        return bestMs * (1 + MARGIN) < ownMs ? o.candidates[best[i]!]!.block : block;
      });
    });
  } finally {
    for (const b of made) b.destroy();
    textures?.destroy();
  }
}
