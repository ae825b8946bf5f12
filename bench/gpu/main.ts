// `npm run bench:gpu`: the GPU benchmark in one command (options: ./options.ts). Node (Dawn)
// measures everything a lent GPU machine can run without a browser; headless Chromium adds its
// own rows where it gets the GPU. Writes bench/results/<adapter>-<date>.{json,md}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { CONV_BLOCKS } from '../../src/runtime/gpu/autotune.js';
import { setSupported } from '../../src/runtime/gpu/conv-kernels.js';
import { programFeatures, resolveDefines } from '../../src/shaders/program.js';
import * as K from '../../src/shaders/programs/conv.js';
import { tensorDefines, type TensorPrecision } from '../../src/runtime/gpu/tensor-format.js';
import { loadModel } from '../../src/runtime/model/load.js';
import { adapterName, adapterSlug } from '../lib/adapter.js';
import { measurePeak } from '../lib/fma-peak.js';
import { comparePeer, PEER_FILES, PEER_MODEL, PEER_PAD, peerInput } from '../lib/peer-input.js';
import { readPng } from '../../test/helpers/golden.js';
import { resize } from '../lib/resample.js';
import { median, p90 } from '../lib/stats.js';
import { markdownGpuReport, type GpuBenchRun, type ModelRow } from './report.js';
import { parseArgs, type GpuBenchOptions } from './options.js';
import { ortWebGpu } from './ort-node.js';
import { oursOutput, timeLayerClasses, timeOurs, type OursSetup } from './ours.js';
import { vulkanAdvice, vulkanStatus } from './vulkan.js';

const t0 = Date.now();
const elapsed = () => (Date.now() - t0) / 1000;
const log = (msg: string) => console.error(`[${elapsed().toFixed(1)}s] ${msg}`);

let opts: GpuBenchOptions;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}

const MEDIA = process.env.CUGAN_MEDIA ?? join('..', 'shared', 'media');
const PEERS = process.env.CUGAN_PEERS ?? join('..', 'shared', 'peers');

// ---- 1. a Vulkan driver ------------------------------------------------------------------
const vulkan = vulkanStatus();
log(`Vulkan loader: ${vulkan.loader ?? 'none'}; drivers: ${vulkan.drivers.map((d) => `${d.file}${d.software ? ' (software)' : ''}`).join(', ') || 'none'}`);
const advice = vulkanAdvice(vulkan);
if (advice.length && !(opts.dryRun && vulkan.loader && vulkan.drivers.length)) {
  for (const a of advice) console.error(a);
  process.exit(1);
}

// ---- 2. the device -----------------------------------------------------------------------
const device = await requestDevice();
const adapter = adapterName(device);
const info = device.adapterInfo;
const software = /llvmpipe|lavapipe|swiftshader/i.test(`${adapter} ${info.architecture}`);
log(`adapter: ${adapter}; features: ${[...device.features].join(', ')}`);
if (software && !opts.dryRun) {
  console.error(`${adapter} is a software adapter: its figures say nothing about a GPU. Use --dry-run to check the run, or install a GPU driver:`);
  for (const a of vulkanAdvice({ ...vulkan, drivers: vulkan.drivers.filter((d) => d.software) })) console.error(a);
  process.exit(1);
}
const f16Native = device.features.has('shader-f16');

// What to run: real sizes on a GPU; a dry run shrinks every size 16x and times fewer frames.
const shrink = opts.dryRun ? 16 : 1;
const sized = (label: string, w: number, h: number) => ({ label: shrink > 1 ? `${label}/${shrink}` : label, w: Math.round(w / shrink), h: Math.round(h / shrink) });
const SIZES = { '480p': sized('480p', 854, 480), '720p': sized('720p', 1280, 720), '1080p': sized('1080p', 1920, 1080) };
const warmup = opts.dryRun ? 1 : 3;
const frames = opts.dryRun ? 2 : 10;
const precisions: TensorPrecision[] = ['f32', 'f16'];
const PEER_SIZE = opts.dryRun ? '64x64' : '960x540';

const skipped: string[] = [];
const within = (what: string) => {
  if (elapsed() < opts.budgetS) return true;
  skipped.push(`${what} (budget of ${opts.budgetS} s spent)`);
  log(`skipped ${what}: budget spent`);
  return false;
};

const frame = readPng(join(MEDIA, 'frame-480p.png'));
const pixelsCache = new Map<string, Uint8Array>();
const pixelsAt = (w: number, h: number) => {
  const key = `${w}x${h}`;
  let p = pixelsCache.get(key);
  if (!p) pixelsCache.set(key, (p = w === frame.width && h === frame.height ? frame.data : resize(frame, w, h, 'lanczos3').data));
  return p!;
};
const packedCache = new Map<string, Awaited<ReturnType<typeof loadModel>>>();
const packed = async (id: string) => {
  let p = packedCache.get(id);
  if (!p) packedCache.set(id, (p = await loadModel(id, { dtype: 'f32' })));
  return p;
};
const setup = async (model: string, w: number, h: number, precision: TensorPrecision, kernels: OursSetup['kernels']): Promise<OursSetup> => ({
  device, packed: await packed(model), width: w, height: h, precision, kernels, pixels: pixelsAt(w, h),
});

// ---- 3. the FMA peak ---------------------------------------------------------------------
log('FMA peak, f32');
const peak = await measurePeak(device, 'f32');
log(`  ${peak.gflops.toFixed(1)} GFLOP/s (${peak.variant})`);
const peakF16 = f16Native ? await measurePeak(device, 'f16') : undefined;
if (peakF16) log(`FMA peak, f16: ${peakF16.gflops.toFixed(1)} GFLOP/s (${peakF16.variant})`);
const gflopsOf = (macs: number, ms: number) => (2 * macs) / ms / 1e6;

// ---- 4. our models -----------------------------------------------------------------------
const rows: ModelRow[] = [];
/** se 2x at 720p first; the other sizes and models after the layer classes and the peer, so a budget cut drops those. */
const FIRST: [string, keyof typeof SIZES][] = [['se/up2x-conservative', '720p']];
const LATER: [string, keyof typeof SIZES][] = [
  ['se/up2x-conservative', '480p'],
  ['se/up2x-conservative', '1080p'],
  ['se/up3x-conservative', '720p'],
  ['se/up4x-conservative', '720p'],
  ['nose/up2x-no-denoise', '720p'],
];
async function timeModels(runs: [string, keyof typeof SIZES][]): Promise<void> {
  for (const [model, sizeName] of runs) {
    for (const precision of precisions) {
      const size = SIZES[sizeName];
      const what = `${model} ${size.label} ${precision}`;
      if (!within(what)) continue;
      try {
        const t = await timeOurs(await setup(model, size.w, size.h, precision, 'auto'), warmup, frames);
        const ms = median(t.ms);
        const row: ModelRow = {
          model, size: size.label, width: size.w, height: size.h, precision, kernels: t.kernels, tiles: t.tiles,
          ms_median: ms, ms_p90: p90(t.ms), fps: 1000 / ms, gmac: t.macs / 1e9, gflops: gflopsOf(t.macs, ms), pct_peak: (100 * gflopsOf(t.macs, ms)) / peak.gflops,
        };
        rows.push(row);
        log(`${what}: ${ms.toFixed(1)} ms, ${row.fps.toFixed(2)} fps, ${row.gflops.toFixed(1)} GFLOP/s (${row.pct_peak.toFixed(1)}% of peak), kernels ${t.kernels}${t.tiles > 1 ? `, ${t.tiles} tiles` : ''}`);
      } catch (e) {
        skipped.push(`${what}: failed: ${(e as Error).message.split('\n')[0]}`);
        log(`FAILED ${what}: ${(e as Error).message}`);
      }
    }
  }
}
await timeModels(FIRST);

// ---- 5. each kernel family per layer class -----------------------------------------------
const KERNELS: Record<string, K.ConvProgram> = Object.fromEntries(Object.values(K).filter((v): v is K.ConvProgram => typeof v === 'object' && 'shape' in v).map((k) => [k.name, k]));
const layerRuns: GpuBenchRun['layerClasses'] = [];
if (device.features.has('timestamp-query')) {
  // A dry run times the layer classes at 720p/8, not /16: on a 80x45 frame the small maps measure launch costs, not the kernels.
  const size = opts.dryRun ? { label: '720p/8', w: 160, h: 90 } : SIZES['720p'];
  // Every family in f32 first, then the f16-math family, then the others on f16 maps: a budget cut drops the last.
  const order = (f: string, p: TensorPrecision) => (p === 'f32' ? 0 : f === 'f16' ? 1 : 2);
  // 'auto': what the autotune picked per layer class (the set, then the per-class stage).
  const runs = (['auto', ...CONV_BLOCKS] as const).flatMap((family) => precisions.map((precision) => ({ family, precision })));
  runs.sort((a, b) => order(a.family, a.precision) - order(b.family, b.precision));
  for (const { family, precision } of runs) {
    const what = `layer classes, ${family} kernels, ${precision}`;
    // 'f16' (native f16 math) only runs f16 feature maps; a family needing a feature the adapter lacks is noted.
    if (family !== 'auto' && !setSupported(device, family, tensorDefines(precision, device))) {
      if (precision === 'f16' || family !== 'f16') skipped.push(`${what}: not supported on this adapter`);
      continue;
    }
    if (!within(what)) continue;
    try {
      const r = await timeLayerClasses(await setup('se/up2x-conservative', size.w, size.h, precision, family), opts.dryRun ? 1 : 3);
      // The yardstick of a kernel doing f16 math (it needs shader-f16 on f32 maps too) is the f16 peak.
      const f16Math = (kernels: string[]) => kernels.some((k) => programFeatures(KERNELS[k]!, resolveDefines(KERNELS[k]!, tensorDefines('f32', device))).includes('shader-f16'));
      const yardstick = (kernels: string[]) => (f16Math(kernels) && peakF16 ? peakF16.gflops : peak.gflops);
      layerRuns.push({
        family, model: 'se/up2x-conservative', size: size.label, precision,
        classes: r.classes.map((c) => ({ ...c, gflops: gflopsOf(c.macs, c.ms), pct_peak: (100 * gflopsOf(c.macs, c.ms)) / yardstick(c.kernels) })),
      });
      log(`${what}: ${r.classes.map((c) => `${c.layerClass} ${gflopsOf(c.macs, c.ms).toFixed(1)}`).join(', ')} GFLOP/s`);
    } catch (e) {
      skipped.push(`${what}: failed: ${(e as Error).message.split('\n')[0]}`);
      log(`FAILED ${what}: ${(e as Error).message}`);
    }
  }
} else {
  skipped.push('layer classes: the adapter has no timestamp-query');
}

// ---- 6. onnxruntime-web's WebGPU EP on the same graph ------------------------------------
let peer: GpuBenchRun['peer'];
const peerFile = join(PEERS, PEER_FILES[PEER_SIZE]!);
if (!existsSync(peerFile)) {
  skipped.push(`onnxruntime-web: no ${peerFile}`);
} else if (within(`onnxruntime-web WebGPU ${PEER_SIZE}`)) {
  const [w, h] = PEER_SIZE.split('x').map(Number) as [number, number];
  try {
    const s = await setup(PEER_MODEL, w, h, 'f32', 'auto');
    const ours = await timeOurs(s, warmup, frames);
    const oursOut = await oursOutput(s);
    const o = await ortWebGpu(peerFile, peerInput(s.pixels, w, h), [1, 3, h + 2 * PEER_PAD, w + 2 * PEER_PAD], warmup, opts.dryRun ? 1 : 5);
    const check = comparePeer(o.output, oursOut.raw, 2 * w, 2 * h);
    const oursMs = median(ours.ms);
    const ortMs = median(o.ms);
    peer = {
      graph: PEER_FILES[PEER_SIZE]!, width: w, height: h,
      ours: { ms_median: oursMs, gflops: gflopsOf(ours.macs, oursMs), kernels: ours.kernels },
      ort: { ms_median: ortMs, gflops: gflopsOf(ours.macs, ortMs) },
      speedup: ortMs / oursMs,
      check: { max_abs_diff_255: check.maxAbsDiff255, uint8_off: check.bytesOff, uint8_total: 4 * w * h * 3 },
    };
    log(`onnxruntime-web WebGPU ${PEER_SIZE}: ${ortMs.toFixed(1)} ms vs ours ${oursMs.toFixed(1)} ms: ours ${peer.speedup.toFixed(2)}x faster; outputs differ by ≤ ${check.maxAbsDiff255.toFixed(4)} of 255`);
  } catch (e) {
    skipped.push(`onnxruntime-web: failed: ${(e as Error).message.split('\n')[0]}`);
    log(`FAILED onnxruntime-web: ${(e as Error).message}`);
  }
}

await timeModels(LATER);

// ---- 7. headless Chromium, where it gets the GPU -----------------------------------------
const date = new Date().toISOString().slice(0, 10);
const stem = opts.name ?? `${adapterSlug(device)}-${date}${opts.dryRun ? '-dry-run' : ''}`;
let browser: GpuBenchRun['browser'] = { status: 'not run' };
const chrome = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!opts.browser) browser = { status: 'not run (--no-browser)' };
else if (!chrome) browser = { status: 'no Chromium on this machine' };
else if (!existsSync(join('bench', 'run.ts'))) browser = { status: 'not run (bundled run: the browser bench needs the repository)' };
else if (within('headless Chromium')) {
  const left = Math.max(60, opts.budgetS + 60 - elapsed());
  const args = ['--import', 'tsx', 'bench/run.ts', '--gpu-only', '--no-quality', '--models', 'se/up2x-conservative', '--sizes', '720p', '--peer-sizes', '960x540', '--frames', '5', '--warmup', '2', '--out', opts.out, '--name', `${stem}-chromium`];
  log(`headless Chromium: node ${args.join(' ')} (at most ${left.toFixed(0)} s)`);
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: Math.round(left * 1000), env: { ...process.env, CHROME_PATH: chrome } });
  browser =
    r.status === 0 ? { status: 'ran', results: `${stem}-chromium.md` }
    : r.status === 3 ? { status: 'Chromium found no GPU adapter' }
    : { status: `failed (status ${r.status ?? r.signal})` };
}
log(`headless Chromium: ${browser.status}`);

/** Subgroup sizes and matrix configurations, where the implementation reports them (newer Dawn). */
function subgroupInfo(i: GPUAdapterInfo): Pick<GpuBenchRun['adapter'], 'subgroupSizes' | 'subgroupMatrixConfigurations'> {
  const x = i as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number; subgroupMatrixConfigurations?: unknown[] };
  return {
    ...(x.subgroupMinSize ? { subgroupSizes: [x.subgroupMinSize, x.subgroupMaxSize ?? x.subgroupMinSize] as [number, number] } : {}),
    ...(x.subgroupMatrixConfigurations ? { subgroupMatrixConfigurations: JSON.parse(JSON.stringify(x.subgroupMatrixConfigurations)) as unknown[] } : {}),
  };
}

// ---- 8. results --------------------------------------------------------------------------
const run: GpuBenchRun = {
  date,
  command: `npm run bench:gpu${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  dryRun: opts.dryRun,
  adapter: {
    name: adapter, vendor: info.vendor, architecture: info.architecture, description: info.description, software, features: [...device.features].sort(),
    ...subgroupInfo(info),
  },
  host: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', loadavg: loadavg(), memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
  vulkan,
  peak,
  ...(peakF16 ? { peak_f16: peakF16 } : {}),
  frames, warmup,
  models: rows,
  layerClasses: layerRuns,
  ...(peer ? { peer } : {}),
  browser,
  skipped,
  seconds: elapsed(),
};
mkdirSync(opts.out, { recursive: true });
writeFileSync(join(opts.out, `${stem}.json`), JSON.stringify(run, null, 1) + '\n');
const md = markdownGpuReport(run);
writeFileSync(join(opts.out, `${stem}.md`), md + '\n');
console.log(md);
log(`wrote ${join(opts.out, stem)}.{json,md}`);
device.destroy();
process.exit(0);
