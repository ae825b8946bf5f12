// The adapter's achievable FMA throughput: the yardstick every "% of peak" is measured against.
// A yardstick is an upper bound, so it is the best of several kernel shapes, not one guess:
// `accumulators` independent vec4 chains per invocation, each advanced `chain` dependent fmas per
// loop trip. Which shape wins depends on the compiler: on SwiftShader a loop-carried variable per
// fma costs ~4x (2 x 16 beat 16 x 1 by that much), a GPU wants independent accumulators to hide
// latency. f32 always, f16 (vec4<f16>, `enable f16`) where the device has shader-f16.
// Shared by the bench page (browser) and the Node benches: no Node or DOM imports here.

export type PeakPrecision = 'f32' | 'f16';

export interface PeakShape {
  /** Independent vec4 accumulators per invocation. */
  accumulators: number;
  /** Dependent fmas on each accumulator per loop trip. */
  chain: number;
}

/** The shapes measured by default: from one long chain to many short ones. */
export const PEAK_SHAPES: readonly PeakShape[] = [
  { accumulators: 1, chain: 16 },
  { accumulators: 2, chain: 8 },
  { accumulators: 2, chain: 16 },
  { accumulators: 4, chain: 4 },
  { accumulators: 4, chain: 16 },
  { accumulators: 8, chain: 1 },
  { accumulators: 8, chain: 4 },
  { accumulators: 16, chain: 1 },
  { accumulators: 16, chain: 4 },
];

export interface ShapeResult extends PeakShape {
  gflops: number;
}

export interface PeakResult {
  precision: PeakPrecision;
  /** The best GFLOP/s over every shape and work size. */
  gflops: number;
  /** The winning shape and work size, in words. */
  variant: string;
  /** Its fastest run: ms and FLOPs. */
  ms: number;
  flops: number;
  /** Every shape's best, for the record. */
  shapes: ShapeResult[];
}

const WG = 64;

/** The WGSL of one shape. FLOPs of a dispatch = invocations * iterations * accumulators * chain * 4 * 2. */
export function fmaPeakWgsl(shape: PeakShape, precision: PeakPrecision): string {
  const T = precision;
  const lines: string[] = [];
  if (precision === 'f16') lines.push('enable f16;');
  lines.push(
    // The multiplier and addend come from a uniform so nothing folds at compile time; the sum is
    // written out so nothing is dead. m = 0.999, c = 0.001 keep every value near 1 (no overflow, no denormals).
    'struct Params { iterations: u32, _pad: u32, m: f32, c: f32 }',
    '@group(0) @binding(0) var<uniform> params: Params;',
    '@group(0) @binding(1) var<storage, read_write> sink: array<vec4f>;',
    `@compute @workgroup_size(${WG})`,
    'fn main(@builtin(global_invocation_id) gid: vec3u) {',
    '  let s = f32(gid.x) * 1e-6;',
    `  let m = vec4<${T}>(${T}(params.m));`,
    `  let c = vec4<${T}>(${T}(params.c));`,
  );
  for (let a = 0; a < shape.accumulators; a++) {
    const o = (a * 0.01).toFixed(2);
    lines.push(`  var a${a} = vec4<${T}>(vec4f(s + ${o}, s + ${o} + 0.1, s + ${o} + 0.2, s + ${o} + 0.3));`);
  }
  lines.push('  for (var i = 0u; i < params.iterations; i++) {');
  for (let k = 0; k < shape.chain; k++) {
    for (let a = 0; a < shape.accumulators; a++) lines.push(`    a${a} = fma(a${a}, m, c);`);
  }
  lines.push('  }');
  const sum = Array.from({ length: shape.accumulators }, (_, a) => `a${a}`).join(' + ');
  lines.push(`  sink[gid.x] = vec4f(${sum});`, '}');
  return lines.join('\n');
}

export interface PeakOptions {
  shapes?: readonly PeakShape[];
  /** Grow the work until one dispatch takes this long (ms); default 100. */
  targetMs?: number;
  /** Called after each shape (progress). */
  onShape?: (r: ShapeResult) => void;
}

/** Wall ms from submit to onSubmittedWorkDone of one recorded dispatch. */
async function timeDispatch(device: GPUDevice, pipeline: GPUComputePipeline, bind: GPUBindGroup, groups: [number, number]): Promise<number> {
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(...groups);
  pass.end();
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/**
 * Measures the FMA peak of `precision` on `device` (f16 needs shader-f16 on the device). For each
 * shape the work grows (first more invocations, to fill every core, then more loop trips) until a
 * dispatch takes `targetMs`; each size runs once to warm up and 3 times timed (the last 6); the
 * fastest run of all shapes and sizes is the peak.
 */
export async function measurePeak(device: GPUDevice, precision: PeakPrecision, opts: PeakOptions = {}): Promise<PeakResult> {
  if (precision === 'f16' && !device.features.has('shader-f16')) throw new Error('f16 peak: the device has no shader-f16');
  const shapes = opts.shapes ?? PEAK_SHAPES;
  const targetMs = opts.targetMs ?? 100;
  const uniform = device.createBuffer({ label: 'fma-peak params', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const maxGroups = 16384;
  const maxX = Math.min(maxGroups, device.limits.maxComputeWorkgroupsPerDimension);
  const sink = device.createBuffer({ label: 'fma-peak sink', size: maxGroups * WG * 16, usage: GPUBufferUsage.STORAGE });
  let best: PeakResult = { precision, gflops: 0, variant: '', ms: 0, flops: 0, shapes: [] };
  try {
    for (const shape of shapes) {
      const module = device.createShaderModule({ label: `fma-peak ${precision}`, code: fmaPeakWgsl(shape, precision) });
      const pipeline = await device.createComputePipelineAsync({ label: 'fma-peak', layout: 'auto', compute: { module, entryPoint: 'main' } });
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: uniform } }, { binding: 1, resource: { buffer: sink } }],
      });
      let groups = 64;
      let iterations = 64;
      let shapeBest = 0;
      for (let round = 0; round < 24; round++) {
        const params = new ArrayBuffer(16);
        new Uint32Array(params, 0, 2).set([iterations, 0]);
        new Float32Array(params, 8, 2).set([0.999, 0.001]);
        device.queue.writeBuffer(uniform, 0, params);
        const grid: [number, number] = groups <= maxX ? [groups, 1] : [maxX, Math.ceil(groups / maxX)];
        await timeDispatch(device, pipeline, bind, grid);
        let ms = Infinity;
        for (let i = 0; i < 3; i++) ms = Math.min(ms, await timeDispatch(device, pipeline, bind, grid));
        // At the final size, 3 more runs: a run is an upper bound only when nothing else ran meanwhile.
        if (ms >= targetMs) for (let i = 0; i < 3; i++) ms = Math.min(ms, await timeDispatch(device, pipeline, bind, grid));
        const flops = grid[0] * grid[1] * WG * iterations * shape.accumulators * shape.chain * 4 * 2;
        const gflops = flops / ms / 1e6;
        shapeBest = Math.max(shapeBest, gflops);
        if (gflops > best.gflops) {
          best = {
            ...best,
            gflops,
            ms,
            flops,
            variant: `${shape.accumulators} vec4 accumulators x ${shape.chain} chained fmas per loop trip, ${grid[0] * grid[1]}x${WG} invocations, ${iterations} trips`,
          };
        }
        if (ms >= targetMs) break;
        // Scale by what is missing (at most 8x a round), invocations first.
        const grow = Math.min(8, Math.max(2, 2 ** Math.floor(Math.log2(targetMs / Math.max(ms, 0.05)))));
        if (groups < maxGroups) groups = Math.min(maxGroups, groups * grow);
        else iterations *= grow;
      }
      const r = { ...shape, gflops: shapeBest };
      best.shapes.push(r);
      opts.onShape?.(r);
    }
  } finally {
    uniform.destroy();
    sink.destroy();
  }
  return best;
}

/** Both precisions the device can run: f32, and f16 where it has shader-f16. */
export async function measurePeaks(device: GPUDevice, opts: PeakOptions = {}): Promise<{ f32: PeakResult; f16?: PeakResult }> {
  const f32 = await measurePeak(device, 'f32', opts);
  const f16 = device.features.has('shader-f16') ? await measurePeak(device, 'f16', opts) : undefined;
  return { f32, ...(f16 ? { f16 } : {}) };
}
