// Picks the conv kernels' register block for an adapter: 'compact' (conv3x3.wgsl: 8x2 px x 8
// channels per invocation; conv2x2s2.wgsl 4x2 x 8) or 'wide' (the *-wide.wgsl files, e.g.
// conv3x3-wide.wgsl 8x4 x 16). Each is timed on the network's commonest layer (a 64 -> 64 3x3 conv) the first
// time a device of that adapter needs one. Which wins depends on the hardware: the wide block
// on SwiftShader, where loads are emulated gathers and accumulators live on the stack; on a GPU
// it may spill registers. The choice is kept per adapter: in memory, and in localStorage where
// there is one.

import type { Defines } from '../../shaders/compose.js';
import { CONV_WG, convGroups } from './dispatch.js';
import type { PipelineCache } from './pipelines.js';

export type ConvBlock = 'compact' | 'wide';
export const CONV_BLOCKS: readonly ConvBlock[] = ['compact', 'wide'];

const STORAGE_PREFIX = 'cugan-webgpu:conv-block:';
const chosen = new Map<string, Promise<ConvBlock>>();
const settled = new Map<string, ConvBlock>();

/** The defines of a plain conv3x3 pass (the executor's most common pipeline). */
const PLAIN_CONV_DEFINES: Defines = {
  WG_X: CONV_WG, WG_Y: CONV_WG, LRELU: true, SKIP: false, IN_SCALE: false, SKIP_SCALE: false, K: 3, S: 1, PAD: 0, F16: false, F16_NATIVE: false,
};

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
 * The register block for this device's adapter: remembered, or measured once. A failed
 * measurement (e.g. the device was lost meanwhile) gives 'compact' this time and is not kept.
 */
export function tuneConvBlock(device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive = alone): Promise<ConvBlock> {
  const key = adapterKey(device);
  let p = chosen.get(key);
  if (!p) {
    p = (async () => {
      const stored = readStored(key);
      if (stored) return stored;
      const best = await measure(device, pipelines, exclusive);
      writeStored(key, best);
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

/** The register block for this device's adapter if already known (measured, or remembered), without measuring. */
export function knownConvBlock(device: GPUDevice): ConvBlock | undefined {
  const key = adapterKey(device);
  return settled.get(key) ?? readStored(key);
}

/** Forgets the choices made in this process (tests). */
export function forgetConvBlockChoices(): void {
  chosen.clear();
  settled.clear();
}

function readStored(key: string): ConvBlock | undefined {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_PREFIX + key);
    return CONV_BLOCKS.find((x) => x === v);
  } catch {
    return undefined; // storage blocked (sandboxed iframe, privacy mode)
  }
}

function writeStored(key: string, v: ConvBlock): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_PREFIX + key, v);
  } catch {
    // not kept across page loads; measured again next time
  }
}

/** Seconds per dispatch of each variant on a 64 -> 64 layer with a 64x64 output; the fastest wins. */
async function measure(device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive): Promise<ConvBlock> {
  const C4 = 16;
  const OUT = 64;
  const IN = OUT + 2;
  const usage = GPUBufferUsage.STORAGE;
  const make = (floats: number) => device.createBuffer({ size: floats * 4, usage });
  // Zero-filled data: the time of these kernels does not depend on the values.
  const buffers = [make(IN * IN * C4 * 4), make(C4 * C4 * 4 * 4 * 9), make(C4 * 4), make(OUT * OUT * C4 * 4)];
  const uniform = device.createBuffer({ size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, new Uint32Array([0, IN, C4, IN, IN, 0, OUT, C4, OUT, OUT, 0, 0, 0, 0, 0, 0]));
  try {
    const runs = await Promise.all(
      CONV_BLOCKS.map(async (v) => {
        const kernel = v === 'wide' ? 'conv3x3-wide' : 'conv3x3';
        const pipeline = await pipelines.get(kernel, PLAIN_CONV_DEFINES);
        const bindGroup = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [{ binding: 0, resource: { buffer: uniform } }, ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
        });
        const groups = convGroups(kernel, OUT, OUT, C4);
        return async (n: number) => {
          const enc = device.createCommandEncoder();
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bindGroup);
          for (let i = 0; i < n; i++) pass.dispatchWorkgroups(...groups);
          pass.end();
          const t0 = performance.now();
          device.queue.submit([enc.finish()]);
          await device.queue.onSubmittedWorkDone();
          return (performance.now() - t0) / n;
        };
      }),
    );
    return await exclusive(async () => {
      for (const run of runs) await run(1); // warm-up (first-use costs)
      // Enough dispatches per submit that one takes >= 10 ms (a fast GPU needs many).
      let n = 1;
      while (n < 1024 && (await runs[0]!(n)) * n < 10) n *= 4;
      const best = runs.map(() => Infinity);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < runs.length; i++) best[i] = Math.min(best[i]!, await runs[i]!(n));
      }
      return CONV_BLOCKS[best.indexOf(Math.min(...best))]!;
    });
  } finally {
    for (const b of [...buffers, uniform]) b.destroy();
  }
}
