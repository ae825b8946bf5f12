// `npm run bench`: how fast is Real-CUGAN on this machine's WebGPU, and against what?
// Serves bench/page, drives it in headless Chromium (the GPU; SwiftShader only when asked or
// when no adapter exists), and writes bench/results/<adapter>-<date>.{json,md,svg} plus the
// quality crops (-quality.svg). Options: bench/lib/options.ts (`npm run bench -- --help`).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { readImageFile, type RgbaImage } from '../src/cli/image-io.js';
import { encodeRgbaPng } from './lib/png.js';
import { findModel, MODELS } from '../src/runtime/model/architecture.js';
import { launchBrowser, openPage, type TestBrowser } from '../test/helpers/browser.js';
import { ROOT } from '../test/helpers/vite.js';
import { psnr, ssim } from './lib/metrics.js';
import { parseArgs, type BenchOptions } from './lib/options.js';
import type { AdapterSummary, BenchApi, Rgba, Timing } from './page/main.js';
import { qualitySvg, speedSvg, type QualityCrop } from './lib/plot.js';
import type { BenchRun, QualityRecord, RegionRecord, SpeedRecord } from './lib/records.js';
import { PEER_FILES, PEER_MODEL } from './lib/peer-input.js';
import { markdownReport, peerPairs } from './lib/report.js';
import { boxDownscale2x, crop, resize } from './lib/resample.js';
import { MEDIA_DIR, startBenchServer } from './lib/server.js';
import { median, p90 } from './lib/stats.js';
import { measurePlayer, measureReuse, type ReuseMeasurement } from './lib/video.js';

const t0 = Date.now();
const startLoad = loadavg();
const log = (msg: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

let opts: BenchOptions;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
for (const m of opts.models ?? []) {
  if (!findModel(m)) {
    console.error(`unknown model "${m}"; known: ${MODELS.map((x) => x.id).join(', ')}`);
    process.exit(2);
  }
}
if (opts.chrome) process.env.CHROME_PATH = opts.chrome;

const QUALITY_MODELS = MODELS.filter((m) => m.scale === 2).map((m) => m.id);
const ANIME4K_MODELS = ['CNNx2M', 'CNNx2VL', 'CNNx2UL'] as const;
/** Frames of the demo clip stepped through for the frame-reuse measurement (--video). */
const REUSE_FRAMES = 24;

/** --gpu-only and the browser has no GPU adapter: exit status 3. */
class NoGpuError extends Error {}

const server = await startBenchServer();
let browser: TestBrowser | undefined;

/** Launches Chromium on the GPU (or SwiftShader) and opens the bench page; falls back to SwiftShader when there is no adapter. */
async function openBench(): Promise<{ b: TestBrowser; page: Page; adapter: AdapterSummary }> {
  const tries: ('real' | 'swiftshader')[] = opts.swiftshader ? ['swiftshader'] : opts.gpuOnly ? ['real'] : ['real', 'swiftshader'];
  let last: unknown;
  for (const gpu of tries) {
    const b = await launchBrowser({ gpu, protocolTimeout: 3_600_000, width: 800, height: 600 });
    try {
      const page = await openPage(b, `${server.url}/bench/page/index.html`, { timeout: 120_000 });
      await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
      const adapter = (await page.evaluate('window.cuganBench.init()')) as AdapterSummary;
      log(`WebGPU adapter (${gpu === 'real' ? 'GPU flags' : 'SwiftShader flags'}): ${adapter.name} ${adapter.description}`);
      if (gpu === 'real' && /swiftshader/i.test(`${adapter.name} ${adapter.description}`) && opts.gpuOnly) {
        await b.close();
        throw new NoGpuError(`Chromium found no GPU adapter (it offered ${adapter.name})`);
      }
      if (gpu === 'real' && /swiftshader/i.test(`${adapter.name} ${adapter.description}`) && tries.length > 1) {
        // No GPU after all: relaunch with Vulkan and ANGLE on SwiftShader too (else video frames cannot be imported).
        await b.close();
        continue;
      }
      return { b, page, adapter };
    } catch (e) {
      if (e instanceof NoGpuError) throw e;
      last = e;
      log(`no WebGPU adapter with ${gpu === 'real' ? 'the GPU flags' : 'SwiftShader'}: ${(e as Error).message.split('\n')[0]}`);
      await b.close();
    }
  }
  throw new Error(`no WebGPU adapter in ${process.env.CHROME_PATH ?? '/usr/bin/chromium'}: ${String(last)}\n${browser?.logText() ?? ''}`);
}

/** Calls window.cuganBench[fn](...args) in the page (arguments as JSON). */
function call<K extends keyof BenchApi>(page: Page, fn: K, ...args: Parameters<BenchApi[K]>): Promise<Awaited<ReturnType<BenchApi[K]>>> {
  return page.evaluate(`window.cuganBench.${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
}

function record(base: Omit<SpeedRecord, 'ms_median' | 'ms_p90' | 'fps' | 'gflops' | 'pct_peak'>, t: Timing): SpeedRecord {
  const med = median(t.ms);
  const gflops = base.gmac ? (2 * base.gmac) / (med / 1000) : 0;
  return {
    ...base,
    ms_median: med,
    ms_p90: p90(t.ms),
    fps: 1000 / med,
    gflops,
    pct_peak: gflops && base.peak_gflops ? (100 * gflops) / base.peak_gflops : 0,
    ...(t.stages ? { stages: t.stages } : {}),
  };
}

const fmt = (r: SpeedRecord) =>
  `${r.impl}${r.backend ? ` ${r.backend}` : ''} ${r.model} ${r.width}x${r.height}: ${r.ms_median.toFixed(r.ms_median < 10 ? 2 : 0)} ms median, ${r.fps.toFixed(r.fps < 1 ? 3 : 1)} fps` +
  (r.gflops ? `, ${r.gflops.toFixed(2)} GFLOP/s = ${r.pct_peak.toFixed(1)}% of peak` : '') +
  (r.check ? `, output vs ours max |diff| ${r.check.max_abs_diff_255.toFixed(4)}` : '');

try {
  const opened = await openBench();
  browser = opened.b;
  const { page, adapter } = opened;
  const swiftshader = /swiftshader/i.test(`${adapter.name} ${adapter.description} ${adapter.architecture}`) || adapter.isFallback;
  const slow = swiftshader;
  const frames = opts.frames ?? (opts.quick ? 2 : slow ? 3 : 30);
  const warmup = opts.warmup ?? (slow ? 1 : 5);
  const models = opts.models ?? (opts.quick ? [PEER_MODEL] : ['se/up2x-no-denoise', 'nose/up2x-no-denoise', 'se/up3x-no-denoise', 'se/up4x-no-denoise']);
  const sizes = opts.sizes ?? (opts.quick ? [[64, 64]] : [[320, 180], [640, 360]]);
  const peerSizes = (opts.peerSizes ?? (opts.quick ? [[64, 64]] : slow ? [[64, 64], [128, 128]] : [[64, 64], [256, 256], [960, 540]])).map(([w, h]) => `${w}x${h}`);
  for (const s of peerSizes) if (!PEER_FILES[s]) throw new Error(`no ONNX graph for ${s}: the peers are ${Object.keys(PEER_FILES).join(', ')}`);
  const adapterName = adapter.name;
  const date = new Date().toISOString().slice(0, 10);

  log('FMA peak microbenchmark');
  const peaks = await call(page, 'peak');
  const peak = peaks.f32;
  log(`peak: f32 ${peak.gflops.toFixed(2)} GFLOP/s (${peak.variant})${peaks.f16 ? `, f16 ${peaks.f16.gflops.toFixed(2)} GFLOP/s (${peaks.f16.variant})` : ''}`);
  const speed: SpeedRecord[] = [];
  const base = { adapter: adapterName, peak_gflops: peak.gflops, frames, warmup };
  const push = (r: SpeedRecord) => {
    speed.push(r);
    log(fmt(r));
  };
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      log(`FAILED ${what}: ${(e as Error).message.split('\n')[0]}`);
      speed.push({ impl: what.split(' ')[0] as SpeedRecord['impl'], model: what, width: 0, height: 0, ms_median: NaN, ms_p90: NaN, fps: 0, gmac: 0, gflops: 0, pct_peak: 0, ...base, note: `failed: ${(e as Error).message.split('\n')[0]}` });
    }
  };

  const oursAt = async (model: string, w: number, h: number) =>
    attempt(`ours ${model} ${w}x${h}`, async () => {
      log(`ours ${model} ${w}x${h} (${warmup} + ${frames} frames)`);
      try {
        const t = await call(page, 'ours', { model, width: w, height: h, warmup, frames });
        push({ ...record({ impl: 'ours', model, width: w, height: h, gmac: t.macs / 1e9, ...base }, t), ...(t.kinds ? { kinds: t.kinds } : {}), ...(t.convBlock ? { convBlock: t.convBlock } : {}) });
      } finally {
        await call(page, 'release', model);
      }
    });

  for (const [w, h] of sizes) {
    for (const model of models) await oursAt(model, w, h);
    if (opts.peers) {
      for (const m of opts.quick ? (['CNNx2UL'] as const) : ANIME4K_MODELS) {
        await attempt(`anime4k-webgpu ${m} ${w}x${h}`, async () => {
          const t = await call(page, 'anime4k', { model: m, width: w, height: h, warmup, frames: Math.max(frames, 5) });
          push(record({ impl: 'anime4k-webgpu', model: m, width: w, height: h, gmac: 0, ...base }, t));
        });
      }
    }
    for (const mode of opts.quick ? (['bilinear'] as const) : (['bilinear', 'bicubic'] as const)) {
      await attempt(`${mode} ${w}x${h}`, async () => {
        const t = await call(page, 'resample', { mode, width: w, height: h, warmup, frames: Math.max(frames, 10) });
        push(record({ impl: mode, model: `${mode} 2x`, width: w, height: h, gmac: 0, ...base }, t));
      });
    }
  }

  if (opts.peers) {
    for (const s of peerSizes) {
      const [w, h] = s.split('x').map(Number) as [number, number];
      if (!speed.some((r) => r.impl === 'ours' && r.model === PEER_MODEL && r.width === w && r.height === h)) await oursAt(PEER_MODEL, w, h);
      const oursRow = speed.find((r) => r.impl === 'ours' && r.model === PEER_MODEL && r.width === w && r.height === h);
      for (const ep of ['webgpu', 'wasm'] as const) {
        await attempt(`onnxruntime-web ${ep} ${s}`, async () => {
          // The WebGPU EP on SwiftShader needs minutes per frame above 64x64: one warm-up, two counted.
          const f = ep === 'webgpu' && slow ? Math.min(frames, opts.quick ? 1 : 2) : frames;
          log(`onnxruntime-web ${ep} ${s} (${warmup} + ${f} runs)`);
          const t = await call(page, 'ortRun', { file: PEER_FILES[s], width: w, height: h, ep, warmup, frames: f });
          push(
            record(
              {
                impl: 'onnxruntime-web', backend: ep, model: PEER_FILES[s]!, width: w, height: h, gmac: oursRow?.gmac ?? 0, ...base,
                frames: f,
                check: { max_abs_diff_255: t.maxDiff, uint8_off: t.bytesOff, uint8_total: 4 * w * h * 3 },
                ...(ep === 'wasm' ? { threads: t.threads, note: `CPU, ${t.threads} threads` } : {}),
              },
              t,
            ),
          );
          if (ep === 'wasm') {
            // WebGPU rows only are compared with the GPU's FMA peak.
            const r = speed.at(-1)!;
            r.pct_peak = 0;
          }
        });
      }
    }
  }

  // ---- quality ----
  const quality: QualityRecord[] = [];
  const stem = opts.name ?? `${adapterName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${date}${opts.quick ? '-quick' : ''}`;
  const outDir = resolve(ROOT, opts.out);
  mkdirSync(outDir, { recursive: true });
  if (opts.quality) {
    const files = opts.quick ? ['frame-480p.png'] : ['frame-480p.png', 'lines-447x210.png', 'portrait-245x518.png', 'old-cartoon-179.jpg'];
    const cugan = opts.quick ? ['se/up2x-conservative'] : QUALITY_MODELS;
    const crops: QualityCrop[] = [];
    let cropAt: { x: number; y: number; w: number; h: number } | undefined;
    for (const file of files) {
      let img = await readImageFile(join(MEDIA_DIR, file));
      if (opts.quick) img = crop(img, ...detailWindow(img, 128, 96), 128, 96);
      const { original, low } = boxDownscale2x(img);
      log(`quality: ${file} ${original.width}x${original.height} -> ${low.width}x${low.height} -> back`);
      if (!cropAt) {
        const side = Math.min(96, original.width, original.height) & ~1;
        const [x, y] = detailWindow(original, side, side);
        cropAt = { x, y, w: side, h: side };
        crops.push({ method: 'original', png: encodeRgbaPng(side, side, crop(original, x, y, side, side).data) });
      }
      const first = crops.length > 0 && quality.every((q) => q.image === file);
      const score = (method: string, out: RgbaImage) => {
        const q = { method, image: file, width: original.width, height: original.height, psnr: psnr(original, out), ssim: ssim(original, out) };
        quality.push(q);
        if (first && cropAt) crops.push({ method, png: encodeRgbaPng(cropAt.w, cropAt.h, crop(out, cropAt.x, cropAt.y, cropAt.w, cropAt.h).data), psnr: q.psnr, ssim: q.ssim });
      };
      for (const k of ['bilinear', 'bicubic', 'lanczos3'] as const) score(k === 'lanczos3' ? 'Lanczos-3' : k, resize(low, original.width, original.height, k));
      const lowRgba: Rgba = { width: low.width, height: low.height, data: Buffer.from(low.data).toString('base64') };
      const fromPage = (r: Rgba): RgbaImage => ({ width: r.width, height: r.height, data: new Uint8Array(Buffer.from(r.data, 'base64')) });
      if (opts.peers) {
        for (const m of opts.quick ? (['CNNx2UL'] as const) : ANIME4K_MODELS) {
          try {
            score(`anime4k-webgpu ${m}`, fromPage(await call(page, 'anime4kImage', m, lowRgba)));
          } catch (e) {
            log(`FAILED anime4k ${m} on ${file}: ${(e as Error).message.split('\n')[0]}`);
          }
        }
      }
      for (const m of cugan) {
        log(`quality: Real-CUGAN ${m} on ${file}`);
        try {
          score(`Real-CUGAN ${m}`, fromPage(await call(page, 'oursImage', m, lowRgba)));
        } catch (e) {
          log(`FAILED Real-CUGAN ${m} on ${file}: ${(e as Error).message.split('\n')[0]}`);
          process.exitCode = 1;
          if (!browser?.browser.connected) throw e;
        } finally {
          if (browser?.browser.connected) await call(page, 'release', m);
        }
      }
    }
    writeFileSync(join(outDir, `${stem}-quality.svg`), qualitySvg(`2x: the same ${cropAt?.w}x${cropAt?.h} crop of ${files[0]} (downscaled 2x, upscaled back), shown at 2x`, crops, cropAt?.w ?? 0, cropAt?.h ?? 0));
  }

  const reuse: ReuseMeasurement[] = [];
  if (opts.video) {
    if (existsSync(join(ROOT, 'test', '.media', 'hls', 'master-large.m3u8'))) {
      log(`player path for ${opts.video} s`);
      await attempt('ours-player', async () => push(await measurePlayer(browser!, server.url, opts.video, adapterName, peak.gflops, join(outDir, `${stem}-player.png`))));
    } else {
      log('player path skipped: no large test stream (node scripts/build-test-stream.mjs --large)');
    }
    for (const on of [true, false]) {
      log(`frame reuse ${on ? 'on' : 'off'}: ${REUSE_FRAMES} frames of the demo clip, one by one`);
      try {
        const m = await measureReuse(browser!, server.url, REUSE_FRAMES, on);
        reuse.push(m);
        log(`  ${m.computed}/${m.frames} frames computed, ${m.gpuMsPerFrame.toFixed(1)} GPU ms per shown frame`);
      } catch (e) {
        log(`FAILED frame reuse measurement: ${(e as Error).message.split('\n')[0]}`);
        process.exitCode = 1;
      }
    }
  }

  const regions: RegionRecord[] = [];
  if (opts.video) {
    // A held frame with one moving patch: what region reuse (no-SE model) saves.
    const [rw, rh] = swiftshader ? [320, 180] : [640, 360];
    const frames = swiftshader ? 6 : 24;
    const model = 'nose/up2x-no-denoise';
    log(`region reuse: ${model} at ${rw}x${rh}, ${frames} frames with one moving patch, reuse off then on`);
    await attempt('region-reuse', async () => {
      const r = await call(page, 'regionReuse', { model, width: rw, height: rh, frames });
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      regions.push({ model, width: rw, height: rh, tiles: r.tiles, frames: r.frames, msOff: mean(r.msOff), msOn: mean(r.msOn), computed: r.computed, regionFrames: r.regionFrames, regionTiles: r.regionTiles, same: r.same });
      log(`  ${r.regionFrames} frames as ${r.regionTiles} tiles of ${r.tiles}, ${r.computed} whole; ${mean(r.msOn).toFixed(0)} vs ${mean(r.msOff).toFixed(0)} ms per frame; same pixels: ${r.same}`);
      await call(page, 'release', model);
    });
  }

  const run: BenchRun = {
    date,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: opts.quick,
    adapter: { name: adapterName, vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description, isFallback: adapter.isFallback, swiftshader, timestamps: adapter.timestamps, f16: adapter.f16 },
    browser: adapter.userAgent,
    host: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', loadavg: startLoad, loadavg_end: loadavg(), memory_gb: Math.round(totalmem() / 2 ** 30) },
    peak,
    ...(peaks.f16 ? { peak_f16: peaks.f16 } : {}),
    speed,
    quality,
    ...(reuse.length ? { reuse } : {}),
    ...(regions.length ? { regions } : {}),
    seconds: (Date.now() - t0) / 1000,
  };
  const md = markdownReport(run);
  writeFileSync(join(outDir, `${stem}.json`), JSON.stringify(run, null, 2) + '\n');
  writeFileSync(join(outDir, `${stem}.md`), md + '\n');
  writeFileSync(join(outDir, `${stem}.svg`), speedSvg(run));
  console.log(md);
  for (const p of peerPairs(speed)) {
    if (p.webgpu) log(`speed-up over onnxruntime-web WebGPU at ${p.size}: ${(p.webgpu.ms_median / p.ours.ms_median).toFixed(2)}x`);
  }
  log(`wrote ${relative(ROOT, join(outDir, stem))}.{json,md,svg}${opts.quality ? ' and -quality.svg' : ''} (free memory ${(freemem() / 2 ** 30).toFixed(1)} GB)`);
  if (speed.some((r) => r.note?.startsWith('failed'))) process.exitCode = 1;
} catch (e) {
  if (!(e instanceof NoGpuError)) throw e;
  log(`${e.message}: nothing measured (--gpu-only)`);
  process.exitCode = 3;
} finally {
  await browser?.close();
  await server.close();
}

/** Top-left corner of the w x h window with the most detail (sum of |gradient|), on a 16 px grid. */
function detailWindow(img: RgbaImage, w: number, h: number): [number, number] {
  let best: [number, number] = [0, 0];
  let bestScore = -1;
  const g = (x: number, y: number) => img.data[(y * img.width + x) * 4 + 1]!;
  for (let y0 = 0; y0 + h <= img.height; y0 += 16) {
    for (let x0 = 0; x0 + w <= img.width; x0 += 16) {
      let s = 0;
      for (let y = y0; y < y0 + h - 1; y += 2) for (let x = x0; x < x0 + w - 1; x += 2) s += Math.abs(g(x + 1, y) - g(x, y)) + Math.abs(g(x, y + 1) - g(x, y));
      if (s > bestScore) {
        bestScore = s;
        best = [x0, y0];
      }
    }
  }
  return best;
}
