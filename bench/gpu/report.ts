// What `npm run bench:gpu` writes (the JSON record) and its Markdown report, with the GPU
// targets of issue 16 checked against the figures of the same run.
import type { PeakResult } from '../lib/fma-peak.js';
import type { VulkanStatus } from './vulkan.js';

export interface ModelRow {
  model: string;
  /** e.g. 720p (720p/16 in a dry run). */
  size: string;
  width: number;
  height: number;
  precision: 'f32' | 'f16';
  kernels: string;
  tiles: number;
  ms_median: number;
  ms_p90: number;
  fps: number;
  gmac: number;
  gflops: number;
  /** Of the f32 peak. */
  pct_peak: number;
}

export interface ClassRow {
  layerClass: string;
  /** The kernels its passes ran. */
  kernels: string[];
  passes: number;
  ms: number;
  macs: number;
  gflops: number;
  pct_peak: number;
}

export interface GpuBenchRun {
  date: string;
  command: string;
  dryRun: boolean;
  adapter: {
    name: string; vendor: string; architecture: string; description: string; software: boolean; features: string[];
    /** Smallest and largest subgroup size. */
    subgroupSizes?: [number, number];
    /** chromium-experimental-subgroup-matrix: the M x N x K shapes and types the adapter runs (docs/architecture.md, tensor cores). */
    subgroupMatrixConfigurations?: unknown[];
  };
  host: { cpus: number; cpu: string; loadavg: number[]; memory_gb: number; node: string };
  vulkan: VulkanStatus;
  peak: PeakResult;
  peak_f16?: PeakResult;
  frames: number;
  warmup: number;
  models: ModelRow[];
  /** Per kernel family and precision: one frame of se/up2x-conservative, every pass timed, by layer class. */
  layerClasses: { family: string; model: string; size: string; precision: 'f32' | 'f16'; classes: ClassRow[] }[];
  /** onnxruntime-web's WebGPU EP against ours on the same graph and pixels (Node). */
  peer?: {
    graph: string;
    width: number;
    height: number;
    ours: { ms_median: number; gflops: number; kernels: string };
    ort: { ms_median: number; gflops: number };
    /** ORT ms / ours ms. */
    speedup: number;
    check: { max_abs_diff_255: number; uint8_off: number; uint8_total: number };
  };
  browser: { status: string; results?: string };
  skipped: string[];
  seconds: number;
}

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const met = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : 'not met');

export function markdownGpuReport(run: GpuBenchRun): string {
  const out: string[] = [];
  const a = run.adapter;
  out.push(`# GPU benchmark: ${a.name} (${run.date})${run.dryRun ? ' — dry run' : ''}`, '');
  if (run.dryRun) out.push(`**Dry run** (\`--dry-run\`): every size shrunk 16x, ${run.warmup} + ${run.frames} frames, the 64x64 peer graph. It checks that the run works; its figures say nothing about a GPU.`, '');
  out.push(`- Command: \`${run.command}\`, ${f(run.seconds, 0)} s`);
  out.push(`- Adapter (Node, Dawn): ${a.name}${a.software ? ' — **software (CPU)**' : ''}; features: ${a.features.join(', ')}${a.subgroupSizes ? `; subgroup sizes ${a.subgroupSizes.join('–')}` : ''}`);
  if (a.subgroupMatrixConfigurations) out.push(`- Subgroup matrix configurations: ${a.subgroupMatrixConfigurations.length ? a.subgroupMatrixConfigurations.map((c) => JSON.stringify(c)).join(', ') : 'none'}`);
  out.push(`- Vulkan: loader ${run.vulkan.loader ?? 'none'}; drivers ${run.vulkan.drivers.map((d) => d.file).join(', ') || 'none'}`);
  out.push(`- Host: ${run.host.cpus} x ${run.host.cpu}, ${run.host.memory_gb} GB, Node ${run.host.node}; load average at the end ${run.host.loadavg.map((l) => l.toFixed(2)).join(' ')}`);
  out.push(`- FMA peak, best of ${run.peak.shapes.length} kernel shapes (bench/lib/fma-peak.ts): **f32 ${f(run.peak.gflops)} GFLOP/s** (${run.peak.variant})${run.peak_f16 ? `; **f16 ${f(run.peak_f16.gflops)} GFLOP/s** (${run.peak_f16.variant})` : '; no shader-f16'}. Every % of peak below is of the f32 figure, except that of a layer class that ran a kernel with native f16 math (\`conv3x3-f16\`), which is of the f16 figure.`);
  out.push(`- Times: wall ms per frame from submit to \`onSubmittedWorkDone\`, median of ${run.frames} after ${run.warmup} warm-up frames; feature maps in f32 or f16 (half floats; arithmetic per the kernels).`, '');

  out.push('## Targets', '');
  const conv3 = run.layerClasses.flatMap((l) => l.classes.filter((c) => c.layerClass.startsWith('conv3x3 ') && c.layerClass.includes('64→64')).map((c) => ({ ...c, family: l.family, precision: l.precision })));
  const bestConv = conv3.length ? conv3.reduce((x, y) => (y.gflops > x.gflops ? y : x)) : undefined;
  const se720 = run.models.filter((r) => r.model === 'se/up2x-conservative' && r.size.startsWith('720p'));
  const best720 = se720.length ? se720.reduce((x, y) => (y.fps > x.fps ? y : x)) : undefined;
  out.push('| target | measured | |');
  out.push('|---|---|---|');
  out.push(`| conv3x3 64→64 ≥ 50% of the peak (f32; f16 for f16 math) | ${bestConv ? `${f(bestConv.pct_peak)}% (${f(bestConv.gflops)} GFLOP/s, ${bestConv.family} kernels, ${bestConv.precision})` : '–'} | ${met(bestConv && bestConv.pct_peak >= 50)} |`);
  if (run.adapter.software) out.push(`| conv3x3 64→64 ≥ 25% of the peak on a software adapter | ${bestConv ? `${f(bestConv.pct_peak)}%` : '–'} | ${met(bestConv && bestConv.pct_peak >= 25)} |`);
  out.push(`| ≥ 2x onnxruntime-web WebGPU on the same graph | ${run.peer ? `${f(run.peer.speedup, 2)}x (${run.peer.graph})` : '–'} | ${met(run.peer && run.peer.speedup >= 2)} |`);
  out.push(`| se 2x 720p → 1440p ≥ 48.7 fps (TensorRT fp16 on an RTX 4090) | ${best720 ? `${f(best720.fps, 2)} fps (${best720.precision}, ${best720.size})` : '–'} | ${run.dryRun ? 'dry run' : met(best720 && best720.fps >= 48.7)} |`);
  out.push('');

  const picked = [...new Set(run.models.map((r) => `${r.kernels} (${r.precision})`))];
  out.push(`The autotune (src/runtime/gpu/autotune.ts, a 64→64 conv3x3 probe) picked the sets: ${picked.join(', ') || '–'} (the kernels column of the models); per layer class: the 'auto' columns below.`, '');
  out.push('## Models', '');
  out.push('| model | input | output | precision | kernels | tiles | ms/frame | p90 | fps | GMAC | GFLOP/s | % of peak |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of run.models) {
    const s = Number(/up(\d)x/.exec(r.model)?.[1] ?? 2);
    out.push(`| ${r.model} | ${r.width}x${r.height} (${r.size}) | ${r.width * s}x${r.height * s} | ${r.precision} | ${r.kernels} | ${r.tiles} | ${ms(r.ms_median)} | ${ms(r.ms_p90)} | ${f(r.fps, 2)} | ${f(r.gmac, 1)} | ${f(r.gflops)} | ${f(r.pct_peak)} |`);
  }
  out.push('');

  if (run.layerClasses.length) {
    out.push('## Kernel families by layer class', '');
    out.push(`One frame of se/up2x-conservative (${run.layerClasses[0]!.size}), every pass timed on its own (timestamp queries), summed per layer class: GFLOP/s (% of the f32 peak; where \`conv3x3-f16\` ran, f16 math, of the f16 peak). Each family is the 'wide' set with its own conv3x3 (src/runtime/gpu/conv-kernels.ts); 'auto' is what the autotune picked, the set and then per layer class (src/runtime/gpu/class-tune.ts), with the kernel that ran.`, '');
    const classes = [...new Set(run.layerClasses.flatMap((l) => l.classes.map((c) => c.layerClass)))];
    out.push(`| layer class | ${run.layerClasses.map((l) => `${l.family} ${l.precision}`).join(' | ')} |`);
    out.push(`|---|${run.layerClasses.map(() => '---').join('|')}|`);
    for (const k of classes) {
      const cells = run.layerClasses.map((l) => {
        const c = l.classes.find((x) => x.layerClass === k);
        // The autotune's column names the kernel it picked for the class.
        return c ? `${f(c.gflops)} (${f(c.pct_peak)}%)${l.family === 'auto' ? ` ${c.kernels.join(', ')}` : ''}` : '';
      });
      out.push(`| ${k} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  if (run.peer) {
    const p = run.peer;
    out.push('## Ours vs onnxruntime-web WebGPU (Node, same Dawn adapter, same graph and pixels)', '');
    out.push('| graph | input | ours ms | onnxruntime-web ms | ours faster by | outputs: max \\|diff\\| of 255, 8-bit values off |');
    out.push('|---|---|---|---|---|---|');
    out.push(`| ${p.graph} | ${p.width}x${p.height} | ${ms(p.ours.ms_median)} (${p.ours.kernels}) | ${ms(p.ort.ms_median)} | ${f(p.speedup, 2)}x | ${p.check.max_abs_diff_255.toFixed(4)}, ${p.check.uint8_off} of ${p.check.uint8_total} |`);
    out.push('');
  }

  out.push(`Headless Chromium: ${run.browser.status}${run.browser.results ? ` ([${run.browser.results}](${run.browser.results}))` : ''}.`, '');
  if (run.skipped.length) out.push('Not measured:', '', ...run.skipped.map((s) => `- ${s}`), '');
  return out.join('\n');
}
