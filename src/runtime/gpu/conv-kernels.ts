// Which conv kernel computes each layer, and the pass that runs it. A kernel set is one of the
// autotune's candidates (autotune.ts times them on this device and keeps the fastest): its
// kernels replace the compact ones for the layers of their shape (shaders/programs/conv.ts),
// where the layer is wide enough for them to pay. A set whose kernels need device features the
// adapter lacks is never timed nor used.

import * as K from '../../shaders/programs/conv.js';
import type { ConvProgram, ConvShape } from '../../shaders/programs/conv.js';
import { resolveDefines, supports, type DefinesOf, type DefineSchema, type Resources } from '../../shaders/program.js';
import type { LayerSpec } from '../model/architecture.js';
import type { ConvOp, Op, Tensor, View } from '../plan/graph.js';
import { tensorGroups } from '../plan/memory.js';
import { passSpec, type PassSpec } from './pass.js';

/** A candidate: kernels that replace the compact ones for their shapes. */
interface KernelSet {
  readonly id: string;
  readonly kernels: readonly ConvProgram[];
  /** Not bit-exact (native f16 math): a candidate only where the feature maps are stored as f16, never for f32 runs. */
  readonly f16Only?: boolean;
}

const WIDE_REST = [K.conv2x2s2Wide, K.deconv2x2s2Wide, K.deconv4x4s2Wide] as const;

/**
 * The autotune's candidates, in order of preference on a tie. Adding a kernel set: one line
 * here. The families beyond 'wide' are 'wide' with another conv3x3 (the probe layer times
 * exactly that difference).
 */
export const CONV_KERNEL_SETS = [
  { id: 'compact', kernels: [] },
  { id: 'wide', kernels: [K.conv3x3Wide, ...WIDE_REST] },
  { id: 'tiled', kernels: [K.conv3x3Tiled, ...WIDE_REST] },
  { id: 'quad', kernels: [K.conv3x3Quad, ...WIDE_REST] },
  // Inputs too large for a flat texture take quad's kernel.
  { id: 'texture', kernels: [K.conv3x3Texture, K.conv3x3Quad, ...WIDE_REST] },
  { id: 'f16', kernels: [K.conv3x3F16, ...WIDE_REST], f16Only: true },
] as const satisfies readonly KernelSet[];

export type ConvBlock = (typeof CONV_KERNEL_SETS)[number]['id'];
export const CONV_BLOCKS: readonly ConvBlock[] = CONV_KERNEL_SETS.map((s) => s.id);

/** The kernel that serves every layer of its kind. */
const COMPACT: Record<ConvOp['kind'], ConvProgram> = { conv3x3: K.conv3x3, conv2x2s2: K.conv2x2s2, deconv: K.deconv };

/** The shape a kernel must declare to compute this layer (besides the compact one of its kind). */
export function shapeOf(spec: Pick<LayerSpec, 'kind' | 'kernel' | 'stride' | 'pad'>): ConvShape {
  if (spec.kind !== 'deconv') return spec.kernel === 3 ? 'conv3x3' : 'conv2x2s2';
  const s = `deconv${spec.kernel}x${spec.kernel}s${spec.stride}p${spec.pad}`;
  return s === 'deconv2x2s2p0' || s === 'deconv4x4s2p3' ? s : 'deconv';
}

const setOf = (block: ConvBlock): KernelSet | undefined => (CONV_KERNEL_SETS as readonly KernelSet[]).find((s) => s.id === block);

/**
 * The layers one per-class kernel choice covers: the conv's shape and channel counts, e.g.
 * 'conv3x3 64→128', 'conv2x2s2 64→64', 'deconv4x4s2 64→3'.
 */
export function layerClass(op: Pick<ConvOp, 'spec'>): string {
  const s = op.spec;
  const shape = s.kind === 'deconv' ? `deconv${s.kernel}x${s.kernel}s${s.stride}` : `conv${s.kernel}x${s.kernel}${s.stride > 1 ? `s${s.stride}` : ''}`;
  return `${shape} ${s.inC}→${s.outC}`;
}

/**
 * Per layer class, the set whose kernel computes its layers instead of the run's set's
 * (class-tune.ts): only the classes where another set's kernel was measured faster.
 */
export type ClassKernels = Readonly<Record<string, ConvBlock>>;

/** What an executor's conv layers run on: a set, and the classes another set's kernel computes. */
export interface KernelChoice {
  readonly block: ConvBlock;
  readonly classes: ClassKernels;
}

export const sameKernels = (a: KernelChoice, b: KernelChoice): boolean =>
  a.block === b.block && JSON.stringify(Object.entries(a.classes).sort()) === JSON.stringify(Object.entries(b.classes).sort());

/** The kernel of set `block` for `op`, or of the set `classes` names for the op's class. */
export function kernelFor(block: ConvBlock, op: Pick<ConvOp, 'kind' | 'spec' | 'input' | 'output'>, classes?: ClassKernels): ConvProgram {
  const set = setOf(classes?.[layerClass(op)] ?? block)!;
  const shape = shapeOf(op.spec);
  const k = set.kernels.find((p: ConvProgram) => p.shape === shape && op.output.c4 >= (p.minOutC4 ?? 1) && tensorGroups(op.input.tensor) <= (p.maxInputTexels ?? Infinity));
  return k ?? COMPACT[op.kind];
}

/** The kernel of every conv layer class of `ops`, by WGSL program name (stats, the CLI, the bench name what ran). */
export function kernelsByClass(ops: readonly Op[], k: KernelChoice): Record<string, string> {
  const out: Record<string, string> = {};
  for (const op of ops) if (op.kind === 'conv3x3' || op.kind === 'conv2x2s2' || op.kind === 'deconv') out[layerClass(op)] ??= kernelFor(k.block, op, k.classes).name;
  return out;
}


/** The storage defines (tensor-format.ts) every tensor program is compiled with. */
export type StorageDefines = { F16: boolean; F16_NATIVE: boolean };

/** The defines of `program` for `op`: its fusions, and the layer's shape where the program takes it. */
export function convDefines(program: ConvProgram, op: Pick<ConvOp, 'spec' | 'output' | 'lrelu' | 'skip' | 'inScale' | 'skipScale'>, storage: StorageDefines): DefinesOf<DefineSchema> {
  const all: Record<string, boolean | number> = {
    ...storage,
    LRELU: op.lrelu, SKIP: !!op.skip, IN_SCALE: !!op.inScale, SKIP_SCALE: !!op.skipScale,
    K: op.spec.kernel, S: op.spec.stride, PAD: op.spec.pad, ONE_GROUP: op.output.c4 === 1,
  };
  // Only what the program declares: another define would only split the pipeline cache.
  return resolveDefines(program, Object.fromEntries(Object.entries(all).filter(([k]) => k in program.defines)));
}

/**
 * Whether every kernel the set may run (its own and the compact ones) runs on this device with
 * these storage defines, and the set keeps to their precision (an f16-only set never runs f32).
 */
export function setSupported(device: GPUDevice, block: ConvBlock, storage: StorageDefines): boolean {
  const set = setOf(block);
  if (!set || (set.f16Only && !storage.F16)) return false;
  return [...set.kernels, ...Object.values(COMPACT)].every((p: ConvProgram) => supports(device, p, resolveDefines(p, storage)));
}

const viewOffset = (v: View) => (v.y * v.tensor.w + v.x) * v.tensor.c4;

export type ConvResources = Resources<'src' | 'wts' | 'bias' | 'dst' | 'skip' | 'in_scale' | 'skip_scale'>;

/** A texture conv's flat textures and stage pass (conv-textures.ts ConvTextureSet, a chunk of its own). */
export interface ConvTextures {
  /** For conv `name` reading `input`: the stage pass copying `resources.src` into a staging texture, and the textures to bind. */
  bind(name: string, input: Tensor, storage: StorageDefines, resources: ConvResources): { before: PassSpec; src: GPUTextureView; wts: GPUTextureView; wtsOff: number };
}

/** Whether `program` reads flat textures (then convSpec() needs a ConvTextures). */
export const usesTextures = (program: ConvProgram): boolean => program.defines.TEXTURES === true;

/**
 * The pass of conv `op` with `program`: the executor's, the autotune's, the bench's and the kernel
 * tests'. A texture kernel (usesTextures) reads flat textures instead of `src` and `wts`: its
 * pass gets a stage pass before it that copies the input into one.
 */
export function convSpec(op: Omit<ConvOp, 'layer' | 'macs'>, program: ConvProgram, storage: StorageDefines, resources: ConvResources, textures?: ConvTextures): PassSpec {
  const i = op.input;
  const o: Tensor = op.output;
  const s = op.skip;
  const params = {
    in_off: viewOffset(i), in_row: i.tensor.w, in_c4: i.tensor.c4, in_w: i.w, in_h: i.h,
    out_off: 0, out_row: o.w, out_c4: o.c4, out_w: o.w, out_h: o.h,
    skip_off: s ? viewOffset(s) : 0, skip_row: s ? s.tensor.w : 0, wts_off: 0,
  };
  let before: PassSpec | undefined;
  if (usesTextures(program)) {
    if (!textures) throw new Error(`internal: ${program.name} needs its textures`);
    const t = textures.bind(op.spec.name, i.tensor, storage, resources);
    before = t.before;
    params.wts_off = t.wtsOff;
    resources = { ...resources, src: t.src, wts: t.wts };
  }
  return passSpec({
    label: op.spec.name,
    program,
    defines: convDefines(program, op, storage),
    params,
    resources,
    extent: { w: o.w, h: o.h, c4: o.c4, stride: op.spec.stride },
    before,
  });
}
