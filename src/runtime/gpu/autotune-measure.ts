// The autotune's timing (autotune.ts, class-tune.ts), a chunk of its own: loaded only when a
// choice is measured. The probe layer, the candidates' passes, and their times per dispatch
// (timeDispatches: also bench/conv-gflops.ts).

import type { ConvOp, Tensor } from '../plan/graph.js';
import type { Exclusive } from './autotune.js';
import { CONV_BLOCKS, convSpec, kernelFor, setSupported, usesTextures, type ConvBlock } from './conv-kernels.js';
import { ConvTextureSet } from './conv-textures.js';
import { buildPasses, run, type BuiltPasses, type Pass } from './pass.js';
import type { PipelineCache } from './pipelines.js';
import { tensorDefines, type TensorPrecision } from './tensor-format.js';

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
export async function measure(device: GPUDevice, pipelines: PipelineCache, exclusive: Exclusive, precision: TensorPrecision): Promise<ConvBlock> {
  const storage = tensorDefines(precision, device);
  const candidates = CONV_BLOCKS.filter((b) => setSupported(device, b, storage));
  if (candidates.length === 1) return candidates[0]!;
  const op = probeOp();
  const floats = (t: Tensor) => t.w * t.h * t.c4 * 4;
  const make = (n: number) => device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  // Zero-filled data: the time of these kernels does not depend on the values.
  const buffers = { src: make(floats(op.input.tensor)), wts: make(16 * 16 * 16 * 9), bias: make(64), dst: make(floats(op.output)) };
  const textures = candidates.some((b) => usesTextures(kernelFor(b, op))) ? new ConvTextureSet(device, [op.input.tensor], storage) : undefined;
  const built: BuiltPasses[] = [];
  try {
    built.push(...(await Promise.all(candidates.map((b) => buildPasses(device, pipelines, [convSpec(op, kernelFor(b, op), storage, buffers, textures)], 'autotune')))));
    const [times] = await exclusive(() => timeCandidates(device, [built.map(({ passes: [p] }) => p!)]));
    return candidates[times!.indexOf(Math.min(...times!))]!;
  } finally {
    for (const b of [...Object.values(buffers), ...built.map((x) => x.uniforms)]) b.destroy();
    textures?.destroy();
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

/** Milliseconds per dispatch of `p` run `n` times in one submit, until the queue is done. */
export async function timeDispatches(device: GPUDevice, p: Pass, n: number): Promise<number> {
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let i = 0; i < n; i++) run(pass, p);
  pass.end();
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / n;
}
