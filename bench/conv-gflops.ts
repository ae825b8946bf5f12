// GFLOP/s of the conv3x3 kernel on one 64->64 3x3 layer (LReLU) at 256x256 output (258x258
// input), built by the executor's own convSpec() (the same pipeline, uniforms, bindings and
// dispatch). One warm-up dispatch, then N timed
// dispatches (default 3) in one submit, timed until queue.onSubmittedWorkDone resolves.
// GFLOP/s = 2 * MACs / time, MACs = 256 * 256 * 64 * 64 * 9 per dispatch. Prints one JSON line.
// With f16 the input and output tensors are stored as half floats (src/shaders/snippets/tensor.wgsl).
// Then the adapter's f32 FMA peak (best of several shapes, lib/fma-peak.ts) in the same process,
// and the conv's share of it; CUGAN_PEAK_GFLOPS=x skips measuring it and uses x.
//   node --import tsx bench/conv-gflops.ts [N] [f32|f16] [conv3x3|conv3x3-wide]
// Without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requestDevice } from '../src/runtime/gpu/device.js';
import { groupBytes, tensorDefines, type TensorPrecision } from '../src/runtime/gpu/tensor-format.js';
import type { Tensor } from '../src/runtime/plan/graph.js';
import { conv3x3, conv3x3Wide } from '../src/shaders/programs/conv.js';
import { adapterName } from './lib/adapter.js';
import { measurePeak } from './lib/fma-peak.js';

// Compose from the .wgsl files on disk (refreshes the gitignored embedded copy if stale).
const embed = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/embed-shaders.mjs', import.meta.url))], { encoding: 'utf8' });
if (embed.status !== 0) throw new Error(`scripts/embed-shaders.mjs failed: ${embed.stderr || embed.error}`);
const { convSpec } = await import('../src/runtime/gpu/conv-kernels.js');
const { buildPasses } = await import('../src/runtime/gpu/pass.js');
const { timeDispatches } = await import('../src/runtime/gpu/autotune-measure.js');
const { PipelineCache } = await import('../src/runtime/gpu/pipelines.js');

const N = Number(process.argv[2] ?? 3);
const PRECISION = (process.argv[3] ?? 'f32') as TensorPrecision;
if (PRECISION !== 'f32' && PRECISION !== 'f16') throw new Error(`precision must be f32 or f16, got ${PRECISION}`);
/** conv3x3 (8x2 px x 8 channels per invocation) or conv3x3-wide (8x4 px x 16). */
const KERNEL = process.argv[4] ?? 'conv3x3';
const PROGRAM = { conv3x3, 'conv3x3-wide': conv3x3Wide }[KERNEL];
if (!PROGRAM) throw new Error(`kernel must be conv3x3 or conv3x3-wide, got ${KERNEL}`);
const C = 64;
const OUT = 256;
const IN = OUT + 2;
const C4 = C / 4;
const MACS = OUT * OUT * C * C * 9;

const device = await requestDevice();
device.pushErrorScope('validation');

function storage(data: Float32Array | Uint16Array, label: string): GPUBuffer {
  const buf = device.createBuffer({ label, size: data.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
  new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buf.unmap();
  return buf;
}
// IEEE half bits of a normal-range value (|x| < 65504); tiny values flush to zero (a bench input).
function half(x: number): number {
  const b = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  const e = ((b >>> 23) & 0xff) - 127 + 15;
  return e <= 0 ? (b >>> 16) & 0x8000 : ((b >>> 16) & 0x8000) | (e << 10) | ((b >>> 13) & 0x3ff);
}
const tensor = (data: Float32Array) => (PRECISION === 'f16' ? Uint16Array.from(data, half) : data);
// Deterministic small values (no denormals, no overflow).
const fill = (n: number, scale: number) => Float32Array.from({ length: n }, (_, i) => (((i * 2654435761) >>> 0) / 2 ** 32 - 0.5) * scale);

const input = storage(tensor(fill(IN * IN * C, 2)), 'input');
const weights = storage(fill(C * C * 9, 0.1), 'weights');
const bias = storage(fill(C, 0.1), 'bias');
const output = device.createBuffer({ label: 'output', size: OUT * OUT * C4 * groupBytes(PRECISION), usage: GPUBufferUsage.STORAGE });

const t = (w: number): Tensor => ({ id: 0, name: 'bench', w, h: w, c4: C4, step: 1 });
const op = {
  kind: 'conv3x3' as const, stage: 'unet2' as const,
  spec: { name: KERNEL, kind: 'conv' as const, inC: C, outC: C, kernel: 3, stride: 1, pad: 0 },
  input: { tensor: t(IN), x: 0, y: 0, w: IN, h: IN }, output: t(OUT), lrelu: true,
};
const spec = convSpec(op, PROGRAM, tensorDefines(PRECISION, device), { src: input, wts: weights, bias, dst: output });
const { passes: [conv] } = await buildPasses(device, PipelineCache.of(device), [spec], 'bench');

/** Seconds for n dispatches in one submit. */
const dispatch = async (n: number) => ((await timeDispatches(device, conv!, n)) * n) / 1000;

const warmup = await dispatch(1);
const seconds = await dispatch(N);
const error = await device.popErrorScope();
if (error) throw new Error(`GPU validation error: ${error.message}`);
const gflops = (2 * MACS * N) / seconds / 1e9;
const peak = process.env.CUGAN_PEAK_GFLOPS ? { gflops: Number(process.env.CUGAN_PEAK_GFLOPS), variant: 'CUGAN_PEAK_GFLOPS' } : await measurePeak(device, 'f32');
console.log(JSON.stringify({
  bench: KERNEL,
  precision: PRECISION,
  inC: C, outC: C, outW: OUT, outH: OUT, dispatches: N,
  warmupSeconds: +warmup.toFixed(3),
  seconds: +seconds.toFixed(3),
  msPerDispatch: +((seconds / N) * 1000).toFixed(1),
  gflops: +gflops.toFixed(3),
  peakGflops: +peak.gflops.toFixed(2),
  peakShape: peak.variant,
  pctPeak: +((100 * gflops) / peak.gflops).toFixed(1),
  adapter: adapterName(device),
}));
device.destroy();
