// `cugan upscale`: everything that can fail without a GPU is checked first (model id, models
// folder, outputs, inputs' headers); then one device and one upscaler (model and kernels loaded
// once) run the images in turn, with a progress line and, with --json, a JSON line per image.

import { writeFileSync } from 'node:fs';
import { CuganError } from '../runtime/errors.js';
import { getGPU, requestDevice } from '../runtime/gpu/device.js';
import { findModel, MODELS, type ModelInfo } from '../runtime/model/architecture.js';
import { buildGraph } from '../runtime/plan/graph.js';
import { createUpscaler, type Upscaler } from '../runtime/upscaler.js';
import type { UpscaleCommand } from './args.js';
import { decodeImage, encodeImage, hasTransparency, readFileBytes, rgbaToRgb } from './image-io.js';
import { planJobs, STDIO, type Job } from './jobs.js';
import { checkModelInstalled, modelsFolder } from './models-folder.js';
import { Progress, type ProgressOut } from './progress.js';
import { upscaleTta } from './tta.js';
import { installTuneCache } from './tune-cache.js';

/** Where the CLI reads and writes; a test passes its own. */
export interface CliIO {
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: ProgressOut;
  /** All of stdin (for `-`). */
  readStdin?: () => Promise<Uint8Array>;
}

export interface RunOptions {
  /**
   * Called when WebGPU works but has no adapter, with stdin's bytes where they were read. The
   * launcher re-runs the command on SwiftShader; it returns that run's exit status, or undefined
   * where it cannot help.
   */
  onNoAdapter?: (stdin?: Uint8Array) => Promise<number | undefined>;
}

export const NO_ADAPTER_HELP =
  'no GPU adapter was found: WebGPU needs a GPU driver with Vulkan (Linux), Direct3D 12 (Windows) or Metal (macOS). ' +
  'Install or update the GPU driver; on Linux without a GPU, install Debian\'s chromium package ' +
  '(it carries SwiftShader, a software Vulkan driver) and cugan uses it (slowly), ' +
  'or point VK_ICD_FILENAMES at another Vulkan driver';

const TTA_PASSES = 8;
/** Failures of one image that a batch reports and goes on after. */
const SKIPPABLE = new Set<string>(['BAD_IMAGE', 'BAD_OPTION', 'FRAME_TOO_LARGE']);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Multiply-adds: `412 GMAC`, `1.3 GMAC`, `85 MMAC`. */
export function formatMacs(macs: number): string {
  if (macs >= 10e9) return `${Math.round(macs / 1e9)} GMAC`;
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(1)} GMAC`;
  return `${Math.round(macs / 1e6)} MMAC`;
}

function describeAdapter(device: GPUDevice): string {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return 'an unnamed adapter';
  const parts = [info.description, info.vendor && info.architecture ? `${info.vendor} ${info.architecture}` : info.vendor || info.device];
  return parts.filter((p) => p).join(', ') || 'an unnamed adapter';
}

/** A device, or the exit status of the SwiftShader re-run where there is no adapter. */
async function openDevice(opts: RunOptions, stdin: Uint8Array | undefined): Promise<GPUDevice | number> {
  await getGPU(); // the `webgpu` package loads (else its own NO_WEBGPU error): what fails next is the adapter
  try {
    return await requestDevice();
  } catch (e) {
    if (e instanceof CuganError && e.code === 'NO_WEBGPU') {
      const status = await opts.onNoAdapter?.(stdin);
      if (status !== undefined) return status;
      throw new CuganError('NO_WEBGPU', NO_ADAPTER_HELP, { cause: e });
    }
    throw e;
  }
}

/** stdin, read once. */
function stdinReader(io: CliIO): { read: () => Promise<Uint8Array>; bytes: () => Uint8Array | undefined } {
  let bytes: Uint8Array | undefined;
  return {
    read: async () => {
      if (!io.readStdin) throw new CuganError('BAD_IMAGE', 'cannot read stdin here');
      bytes ??= await io.readStdin();
      return bytes;
    },
    bytes: () => bytes,
  };
}

/** One image: decode, run (plain or TTA), encode, write. Returns the JSON record. */
async function runJob(job: Job, k: number, n: number, up: Upscaler, cmd: UpscaleCommand, io: CliIO, progress: Progress, say: (s: string) => void, adapter: string) {
  const t0 = Date.now();
  const name = job.input === STDIO ? 'stdin' : job.input;
  const image = await decodeImage(job.bytes ?? readFileBytes(job.input), name);
  if (hasTransparency(image)) say(`note: ${name} has transparency; its alpha channel is dropped (RGB output)`);
  const label = n > 1 ? `image ${k}/${n} ${name}` : name;
  progress.phase(`${label}: ${k === 1 ? 'compiling the GPU kernels' : 'preparing'}`);
  await up.prepare(image.width, image.height);
  if (up.tiles > 1) say(`${n > 1 ? `${name}: ` : ''}the image is larger than one pass may be: running it as ${up.tiles} tiles`);
  const macs = up.macs;
  const s = up.model.scale;
  const [ow, oh] = [image.width * s, image.height * s];
  let rgb: Uint8Array;
  if (cmd.tta) {
    rgb = (await upscaleTta(up, image, (pass) => {
      if (pass > 1) progress.stepDone(macs);
      progress.step(`${label}, TTA pass ${pass}/${TTA_PASSES}`);
    })).rgb;
  } else {
    progress.step(label);
    await up.upscale(image);
    rgb = rgbaToRgb((await up.readImageData()).data);
  }
  progress.stepDone(macs);
  const bytes = await encodeImage(ow, oh, rgb, 3, { format: job.format, quality: cmd.quality });
  if (job.output === STDIO) {
    io.stdout.write(bytes);
  } else {
    try {
      writeFileSync(job.output, bytes);
    } catch (e) {
      throw new CuganError('BAD_OPTION', `cannot write ${job.output}: ${(e as Error).message}`, { cause: e });
    }
  }
  const ms = Date.now() - t0;
  say(`wrote ${job.output === STDIO ? 'stdout' : job.output} (${ow}x${oh}) in ${seconds(ms)}`);
  return {
    input: job.input, output: job.output, format: job.format, model: up.model.id, scale: s,
    width: image.width, height: image.height, outputWidth: ow, outputHeight: oh,
    precision: up.precision, adapter, kernels: up.kernels ?? null, kernelsByClass: up.kernelsByClass ?? null, tiles: up.tiles, tta: cmd.tta, alpha: cmd.alpha,
    seconds: Math.round(ms) / 1000,
  };
}

function failure(input: string, e: unknown) {
  const err = e as Partial<CuganError>;
  return { input, error: { code: err.code ?? 'ERROR', message: err.message ?? String(e) } };
}

export async function runUpscale(cmd: UpscaleCommand, io: CliIO, opts: RunOptions): Promise<number> {
  const started = Date.now();
  const model: ModelInfo | undefined = findModel(cmd.model);
  if (!model) {
    throw new CuganError('MODEL_UNKNOWN', `unknown model "${cmd.model}"; known models: ${MODELS.map((m) => m.id).join(', ')}`);
  }
  const folder = modelsFolder(cmd.models);
  checkModelInstalled(folder, model.id);
  const stdin = stdinReader(io);
  if (cmd.output === STDIO && io.stdout.isTTY) {
    throw new CuganError('BAD_OPTION', 'refusing to write image data to a terminal: redirect stdout (> out.png) or give <out> a file name');
  }
  const plan = await planJobs(cmd, model.scale, stdin.read);
  const batch = plan.folder;
  let failed = plan.skipped.length;
  const say = (s: string) => {
    progress?.clear();
    io.stderr.write(`cugan: ${s}\n`);
  };
  const json = (record: object) => {
    if (cmd.json) io.stdout.write(`${JSON.stringify(record)}\n`);
  };
  let progress: Progress | undefined;
  for (const s of plan.skipped) {
    say(`skipping ${s.input}: ${s.error.message}`);
    json(failure(s.input, s.error));
  }
  if (plan.jobs.length === 0) {
    say('no image to upscale');
    return 1;
  }

  const device = await openDevice(opts, stdin.bytes());
  if (typeof device === 'number') return device;
  let upscaler: Upscaler | undefined;
  try {
    const adapter = describeAdapter(device);
    const passes = cmd.tta ? TTA_PASSES : 1;
    const macsOf = (j: Job) => buildGraph(model, j.width, j.height).macs * passes;
    const totalMacs = plan.jobs.reduce((sum, j) => sum + macsOf(j), 0);
    const work = `${formatMacs(totalMacs / passes)}${cmd.tta ? ` x ${TTA_PASSES} TTA passes` : ''}`;
    if (batch) {
      say(`${model.id}, ${plan.jobs.length} image${plan.jobs.length > 1 ? 's' : ''} (${work}) on ${adapter}`);
    } else {
      const j = plan.jobs[0];
      say(`${model.id} ${j.width}x${j.height} -> ${j.width * model.scale}x${j.height * model.scale} (${work}) on ${adapter}`);
    }
    progress = new Progress(io.stderr, { totalMacs, steps: plan.jobs.length * passes });
    installTuneCache(); // the autotune's choices, kept for the next run on this adapter
    progress.phase('loading the model');
    upscaler = await createUpscaler({
      model: model.id,
      device,
      alpha: cmd.alpha,
      precision: cmd.precision,
      modelBaseUrl: folder.path,
      ...(cmd.tileMiB !== undefined ? { tileLimits: { maxTotalBytes: cmd.tileMiB * 2 ** 20 } } : {}),
    });
    // Only f16 is worth a line: f32 is the exact default.
    if (upscaler.precision === 'f16') say('precision f16 (half-float feature maps)');
    for (const [i, job] of plan.jobs.entries()) {
      try {
        json(await runJob(job, i + 1, plan.jobs.length, upscaler, cmd, io, progress, say, adapter));
      } catch (e) {
        // In a batch a bad or too large image is reported and skipped; a GPU failure ends the run.
        if (!batch || !(e instanceof CuganError) || !SKIPPABLE.has(e.code)) throw e;
        failed++;
        say(`${job.input}: ${e.message}`);
        json(failure(job.input, e));
      }
    }
    progress.stop();
    if (batch) say(`${plan.jobs.length - (failed - plan.skipped.length)} of ${plan.jobs.length + plan.skipped.length} images done in ${seconds(Date.now() - started)}${failed ? `; ${failed} failed` : ''}`);
    return failed > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    upscaler?.destroy();
    device.destroy();
  }
}
