// Picks the conv kernel set for an adapter (conv-kernels.ts: 'compact', the kernels that serve
// every layer; 'wide', the larger register blocks of the *-wide.wgsl files; 'tiled', 'quad' and
// 'f16', 'wide' with a workgroup-tiled, subgroup or native-f16 conv3x3). Each candidate the
// device supports is timed on the network's commonest layer (a plain 64 -> 64 3x3 conv) with the
// very pipeline the executor would use for it, the first time a device of that adapter needs one
// at that precision ('f16' is a candidate only for f16 feature maps, so an f32 run keeps the
// exact kernels). Which wins depends on the hardware: large blocks pay where loads are emulated
// gathers and accumulators live on the stack (SwiftShader); on a GPU they may spill registers.
// The choice is kept per adapter and precision: in memory, and in localStorage where there is one.

import type { ConvOp, Tensor } from '../plan/graph.js';
import { CONV_BLOCKS, convSpec, kernelFor, setSupported, type ConvBlock } from './conv-kernels.js';
import { buildPasses, type Pass } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import { timeDispatches } from './profile.js';
import { tensorDefines, type TensorPrecision } from './tensor-format.js';

export { CONV_BLOCKS, type ConvBlock } from './conv-kernels.js';

const STORAGE_PREFIX = 'cugan-webgpu:conv-block:';
const chosen = new Map<string, Promise<ConvBlock>>();
const settled = new Map<string, ConvBlock>();

/** What a choice is kept under: the adapter, and the precision unless f32 (keys stored before f16 runs had a set of their own stay valid). */
export function choiceKey(device: GPUDevice, precision: TensorPrecision): string {
  return precision === 'f32' ? adapterKey(device) : `${adapterKey(device)}|${precision}`;
}

/** What identifies an adapter across page loads. */
export function adapterKey(device: GPUDevice): string {
  const i = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return i ? [i.vendor, i.architecture, i.device, i.description].join('|') : 'unknown';
}

/**
 * Runs the timed dispatches with nothing else on the queue: a video holds its frames meanwhile
 * (the kernels are compiled before, so that is a pause of a few dispatches, once per adapter).
 */
export type Exclusive = <T>(measure: () => Promise<T>) => Promise<T>;
const alone: Exclusive = (m) => m();

/**
 * The kernel set for this device's adapter and precision: remembered, or measured once. A failed
 * measurement (e.g. the device was lost meanwhile) gives 'compact' this time and is not kept.
 */
export function tuneConvBlock(device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive = alone, precision: TensorPrecision = 'f32'): Promise<ConvBlock> {
  const key = choiceKey(device, precision);
  let p = chosen.get(key);
  if (!p) {
    p = (async () => {
      const storage = tensorDefines(precision, device);
      const stored = readStored(STORAGE_PREFIX + key);
      if (stored && setSupported(device, stored, storage)) return stored;
      const best = await measure(device, pipelines, exclusive, precision);
      writeStored(STORAGE_PREFIX + key, best);
      return best;
    })();
    chosen.set(key, p);
    p.then(
      (v) => settled.set(key, v),
      () => chosen.delete(key),
    );
  }
  return p.catch(() => 'compact' as const);
}

/** The kernel set for this device's adapter and precision if already known (measured, or remembered), without measuring. */
export function knownConvBlock(device: GPUDevice, precision: TensorPrecision = 'f32'): ConvBlock | undefined {
  const key = choiceKey(device, precision);
  const v = settled.get(key) ?? readStored(STORAGE_PREFIX + key);
  return v && setSupported(device, v, tensorDefines(precision, device)) ? v : undefined;
}

/** Forgets the choices made in this process (tests). */
export function forgetConvBlockChoices(): void {
  chosen.clear();
  settled.clear();
}

/** A kernel set kept in localStorage under `key` (the set choice's, or class-tune.ts's); an unknown value reads as none. */
export function readStored(key: string): ConvBlock | undefined {
  try {
    const v = globalThis.localStorage?.getItem(key);
    return CONV_BLOCKS.find((x) => x === v);
  } catch {
    return undefined; // storage blocked (sandboxed iframe, privacy mode)
  }
}

export function writeStored(key: string, v: ConvBlock): void {
  try {
    globalThis.localStorage?.setItem(key, v);
  } catch {
    // not kept across page loads; measured again next time
  }
}

/** The probe: a plain 64 -> 64 3x3 conv with leaky ReLU and a 64x64 output (as UNet2's conv5). */
function probeOp(): Omit<ConvOp, 'layer' | 'macs'> {
  const C4 = 16;
  const OUT = 64;
  const tensor = (id: number, w: number): Tensor => ({ id, name: `probe ${id}`, w, h: w, c4: C4, step: 1 });
  const input = tensor(0, OUT + 2);
  return {
    kind: 'conv3x3',
    stage: 'unet2',
    spec: { name: 'autotune probe', kind: 'conv', inC: 64, outC: 64, kernel: 3, stride: 1, pad: 0 },
    input: { tensor: input, x: 0, y: 0, w: input.w, h: input.h },
    output: tensor(1, OUT),
    lrelu: true,
  };
}

/** Milliseconds per dispatch of each candidate on the probe layer; the fastest wins. */
async function measure(device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive, precision: TensorPrecision): Promise<ConvBlock> {
  const storage = tensorDefines(precision, device);
  const candidates = CONV_BLOCKS.filter((b) => setSupported(device, b, storage));
  if (candidates.length === 1) return candidates[0]!;
  const op = probeOp();
  const floats = (t: Tensor) => t.w * t.h * t.c4 * 4;
  const make = (n: number) => device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE });
  // Zero-filled data: the time of these kernels does not depend on the values.
  const buffers = { src: make(floats(op.input.tensor)), wts: make(16 * 16 * 16 * 9), bias: make(64), dst: make(floats(op.output)) };
  const built = await Promise.all(candidates.map((b) => buildPasses(device, pipelines, [convSpec(op, kernelFor(b, op), storage, buffers)], 'autotune')));
  try {
    const [times] = await exclusive(() => timeCandidates(device, [built.map(({ passes: [p] }) => p!)]));
    return candidates[times!.indexOf(Math.min(...times!))]!;
  } finally {
    for (const b of [...Object.values(buffers), ...built.map((x) => x.uniforms)]) b.destroy();
  }
}

/**
 * Milliseconds per dispatch of each pass of each group (groups: the candidates for one layer),
 * the best of `rounds` after a warm-up, enough dispatches per submit that one group's first
 * takes >= 10 ms (a fast GPU needs many). Call it inside `exclusive`.
 */
export async function timeCandidates(device: GPUDevice, groups: readonly (readonly Pass[])[], rounds = 2): Promise<number[][]> {
  const out: number[][] = [];
  for (const passes of groups) {
    for (const p of passes) await timeDispatches(device, p, 1); // warm-up (first-use costs)
    let n = 1;
    while (n < 1024 && (await timeDispatches(device, passes[0]!, n)) * n < 10) n *= 4;
    const best = passes.map(() => Infinity);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < passes.length; i++) best[i] = Math.min(best[i]!, await timeDispatches(device, passes[i]!, n));
    }
    out.push(best);
  }
  return out;
}
