// Our network in Node for the GPU benchmark: whole frames timed (wall ms, submit to
// onSubmittedWorkDone, after warm-up), one frame timed pass by pass and summed per layer class
// (conv3x3 64→64, conv2x2s2 64→128, deconv2x2s2 128→64, ...), and the unrounded output for the
// equal-work check against onnxruntime-web.

import type { ConvBlock } from '../../src/runtime/gpu/autotune.js';
import { layerClass } from '../../src/runtime/gpu/conv-kernels.js';
import type { TensorPrecision } from '../../src/runtime/gpu/tensor-format.js';
import { ModelRunner } from '../../src/runtime/model-runner.js';
import type { PackedModel } from '../../src/runtime/model/packed-format.js';
import type { ConvOp } from '../../src/runtime/plan/graph.js';
import { runModel } from '../../test/helpers/run-model.js';
import { encodeProfiled } from '../../src/runtime/gpu/profile.js';
import { timePasses } from '../lib/timestamps.js';

/** Feature-map memory allowed for one pass before a frame is tiled: a GPU bench machine has plenty. */
export const BENCH_MEMORY_BUDGET = 8 * 2 ** 30;

export interface OursSetup {
  device: GPUDevice;
  packed: PackedModel;
  width: number;
  height: number;
  precision: TensorPrecision;
  /** The conv kernels: a family, or 'auto' (what the autotune picks). */
  kernels: ConvBlock | 'auto';
  /** RGBA input pixels, width x height. */
  pixels: Uint8Array;
}

export interface OursTiming {
  ms: number[];
  macs: number;
  tiles: number;
  /** The kernels that ran. */
  kernels: string;
}

async function prepared(s: OursSetup) {
  const runner = new ModelRunner(s.device, s.packed, 1, { maxTotalBytes: BENCH_MEMORY_BUDGET }, s.precision, s.kernels);
  const ex = await runner.prepare(s.width, s.height);
  const texture = s.device.createTexture({
    size: [s.width, s.height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  s.device.queue.writeTexture({ texture }, s.pixels as Uint8Array<ArrayBuffer>, { bytesPerRow: s.width * 4 }, [s.width, s.height]);
  const pack = await ex.packFor(texture);
  return {
    runner,
    ex,
    pack,
    dispose() {
      texture.destroy();
      runner.destroy();
    },
  };
}

export async function timeOurs(s: OursSetup, warmup: number, frames: number): Promise<OursTiming> {
  const p = await prepared(s);
  try {
    const ms: number[] = [];
    for (let i = 0; i < warmup + frames; i++) {
      const t0 = performance.now();
      const enc = s.device.createCommandEncoder();
      const pass = enc.beginComputePass({ label: 'Real-CUGAN' });
      p.ex.encode(pass, p.pack);
      pass.end();
      s.device.queue.submit([enc.finish()]);
      await s.device.queue.onSubmittedWorkDone();
      if (i >= warmup) ms.push(performance.now() - t0);
    }
    return { ms, macs: p.ex.graph.macs, tiles: p.ex.tiles.length, kernels: p.runner.convBlock ?? String(s.kernels) };
  } finally {
    p.dispose();
  }
}

export interface ClassTiming {
  layerClass: string;
  /** The kernels its passes ran (a set may leave a narrow layer on the compact kernel). */
  kernels: string[];
  passes: number;
  ms: number;
  macs: number;
}

/** One frame with every pass timed (timestamp queries; the best of `runs`), summed per layer class. */
export async function timeLayerClasses(s: OursSetup, runs: number): Promise<{ classes: ClassTiming[]; kernels: string }> {
  const p = await prepared(s);
  try {
    if (p.ex.tiled) throw new Error(`${s.width}x${s.height} runs as tiles: profile a smaller size`);
    const convs = new Map(p.ex.graph.ops.filter((o): o is ConvOp => o.kind !== 'se' && o.kind !== 'pack' && o.kind !== 'output').map((o) => [o.spec.name, o]));
    // One frame untimed first: some adapters compile a pipeline at its first dispatch (lavapipe).
    const warm = s.device.createCommandEncoder();
    const pass = warm.beginComputePass();
    p.ex.encode(pass, p.pack);
    pass.end();
    s.device.queue.submit([warm.finish()]);
    await s.device.queue.onSubmittedWorkDone();
    let best: number[] = [];
    let timed: { name: string; kind: string; macs: number }[] = [];
    for (let r = 0; r < runs; r++) {
      const t = await timePasses(s.device, 128, (enc, querySet) => encodeProfiled(enc, querySet, p.ex.profiledFrame(p.pack).frame));
      timed = t.timed;
      best = r === 0 ? t.ms : best.map((b, i) => Math.min(b, t.ms[i]!));
    }
    const classes = new Map<string, ClassTiming>();
    timed.forEach((pass, i) => {
      const op = convs.get(pass.name);
      if (!op) return;
      const key = layerClass(op);
      const c = classes.get(key) ?? { layerClass: key, kernels: [], passes: 0, ms: 0, macs: 0 };
      const kernel = p.ex.kernelsByClass[key]!;
      const kernels = c.kernels.includes(kernel) ? c.kernels : [...c.kernels, kernel];
      classes.set(key, { ...c, kernels, passes: c.passes + 1, ms: c.ms + best[i]!, macs: c.macs + pass.macs });
    });
    return { classes: [...classes.values()], kernels: p.runner.convBlock ?? String(s.kernels) };
  } finally {
    p.dispose();
  }
}

/** Our unrounded output (HWC RGB, 0..255) and the 8-bit one, for the equal-work check. */
export async function oursOutput(s: OursSetup): Promise<{ raw: Float32Array; rgba: Uint8Array }> {
  const runner = new ModelRunner(s.device, s.packed, 1, { maxTotalBytes: BENCH_MEMORY_BUDGET }, s.precision, s.kernels);
  try {
    return await runModel(runner, { width: s.width, height: s.height, data: s.pixels });
  } finally {
    runner.destroy();
  }
}
