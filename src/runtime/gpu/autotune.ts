// Picks the conv kernel set for an adapter (conv-kernels.ts: 'compact', the kernels that serve
// every layer; 'wide', the larger register blocks of the *-wide.wgsl files; 'tiled', 'quad',
// 'texture' and 'f16', 'wide' with a workgroup-tiled, subgroup, texture-reading subgroup or
// native-f16 conv3x3). Each candidate the
// device supports is timed on the network's commonest layer (a plain 64 -> 64 3x3 conv) with the
// very pipeline the executor would use for it, the first time a device of that adapter needs one
// at that precision ('f16' is a candidate only for f16 feature maps, so an f32 run keeps the
// exact kernels). Which wins depends on the hardware: large blocks pay where loads are emulated
// gathers and accumulators live on the stack (SwiftShader); on a GPU they may spill registers.
// The choice is kept per adapter and precision: in memory, and in localStorage where there is one.

import { CONV_BLOCKS, setSupported, type ConvBlock } from './conv-kernels.js';
import type { PipelineCache } from './pipelines.js';
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
      // The timing code is a chunk of its own: a pinned set or a remembered choice never loads it.
      const { measure } = await import('./autotune-measure.js');
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
