// The `cugan` command: upscale an image file, list the models. Run through bin/cugan.js.
// Argument parsing is hand-written (no dependencies); parseArgs() is pure and unit-tested.

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CuganError } from '../runtime/errors.js';
import { getGPU, requestDevice } from '../runtime/gpu/device.js';
import { findModel, MODELS } from '../runtime/model/architecture.js';
import { buildGraph } from '../runtime/plan/graph.js';
import { createUpscaler, type Precision, type Upscaler } from '../runtime/upscaler.js';
import { hasTransparency, readImage, rgbaToRgb, writePng } from './image-io.js';
import { upscaleTta } from './tta.js';

export const DEFAULT_MODEL = 'se/up2x-conservative';

export interface UpscaleCommand {
  command: 'upscale';
  model: string;
  alpha: number;
  tta: boolean;
  precision: Precision;
  /** Folder of converted models (`--models`); undefined: $CUGAN_MODELS or the package's models/. */
  models?: string;
  /** `--tile-mb`: feature-map memory of one pass in MiB; larger images run as tiles (same pixels). */
  tileMiB?: number;
  input: string;
  output: string;
}

export type Command =
  | UpscaleCommand
  | { command: 'models' }
  | { command: 'help'; topic?: 'upscale' | 'models' }
  | { command: 'version' };

/** A wrong command line: reported with the usage, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  cugan upscale [options] <in> <out>   upscale a PNG or JPEG image, write a PNG
  cugan models                         list the model ids
  cugan --help | --version`;

const UPSCALE_HELP = `Usage: cugan upscale [options] <in> <out>

Upscales <in> (PNG or JPEG) with Real-CUGAN on the GPU (WebGPU) and writes <out> as an RGB PNG.

Options:
  -m, --model <id>        model id (default ${DEFAULT_MODEL}); see \`cugan models\`
  -a, --alpha <x>         enhancement strength, official range 0.75-1.3 (default 1)
  -x, --tta               test-time augmentation: average 8 flipped/transposed runs (8x slower)
      --precision <p>     f32, f16 or auto (default auto)
      --models <dir>      folder of converted models (default $CUGAN_MODELS or the package's models/)
      --tile-mb <MiB>     GPU memory for one pass (default 2048, and the device's buffer limits);
                          larger images run as tiles, with the same pixels
  -h, --help              this help`;

export const HELP = `cugan - Real-CUGAN anime image upscaler on WebGPU

${USAGE}

${UPSCALE_HELP.split('\n').slice(4).join('\n')}

Models are converted by \`npm run weights\`. On Linux without a GPU, cugan falls back to
SwiftShader (software, slow) when Debian's chromium package is installed.`;

const MAX_ALPHA = 4;

function parseAlpha(v: string): number {
  const a = Number(v);
  if (v.trim() === '' || !Number.isFinite(a) || a <= 0 || a > MAX_ALPHA) {
    throw new UsageError(`--alpha must be a number in (0, ${MAX_ALPHA}] (official range 0.75-1.3), got "${v}"`);
  }
  return a;
}

function parsePrecision(v: string): Precision {
  if (v === 'f32' || v === 'f16' || v === 'auto') return v;
  throw new UsageError(`--precision must be f32, f16 or auto, got "${v}"`);
}

/** Parses the arguments after `cugan`. Throws UsageError. */
export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  if (args.length === 0) throw new UsageError('no command given');
  const first = args[0];
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = args[1];
    return { command: 'help', topic: topic === 'upscale' || topic === 'models' ? topic : undefined };
  }
  if (first === '-V' || first === '--version' || first === 'version') return { command: 'version' };
  if (first === 'models') {
    if (args.includes('-h') || args.includes('--help')) return { command: 'help', topic: 'models' };
    if (args.length > 1) throw new UsageError(`\`cugan models\` takes no arguments, got "${args[1]}"`);
    return { command: 'models' };
  }
  if (first !== 'upscale') {
    throw new UsageError(first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}"`);
  }

  const cmd: Partial<UpscaleCommand> & { command: 'upscale' } = { command: 'upscale' };
  const positional: string[] = [];
  let onlyPositional = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (onlyPositional || !arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositional = true;
      continue;
    }
    // --name=value or --name value / -n value
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= args.length) throw new UsageError(`${name} needs a value`);
      return args[++i];
    };
    const flag = () => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
    };
    switch (name) {
      case '-h':
      case '--help':
        return { command: 'help', topic: 'upscale' };
      case '-m':
      case '--model':
        cmd.model = value();
        break;
      case '-a':
      case '--alpha':
        cmd.alpha = parseAlpha(value());
        break;
      case '-x':
      case '--tta':
        flag();
        cmd.tta = true;
        break;
      case '--precision':
        cmd.precision = parsePrecision(value());
        break;
      case '--tile-mb': {
        const v = value();
        const mb = Number(v);
        if (!(mb > 0) || !Number.isFinite(mb)) throw new UsageError(`--tile-mb must be a positive number of MiB, got "${v}"`);
        cmd.tileMiB = mb;
        break;
      }
      case '--models':
        cmd.models = value();
        if (cmd.models === '') throw new UsageError('--models needs a folder');
        break;
      default:
        throw new UsageError(`unknown option "${name}"`);
    }
  }
  if (positional.length < 2) {
    throw new UsageError(positional.length === 0 ? 'missing <in> and <out>' : 'missing <out>');
  }
  if (positional.length > 2) throw new UsageError(`too many arguments: "${positional.slice(2).join('", "')}"`);
  const [input, output] = positional;
  if (/\.(jpe?g|webp|gif|bmp|avif)$/i.test(output)) {
    throw new UsageError(`cugan writes PNG only; give <out> a .png name (got "${output}")`);
  }
  return {
    command: 'upscale',
    model: cmd.model ?? DEFAULT_MODEL,
    alpha: cmd.alpha ?? 1,
    tta: cmd.tta ?? false,
    precision: cmd.precision ?? 'auto',
    models: cmd.models,
    ...(cmd.tileMiB !== undefined ? { tileMiB: cmd.tileMiB } : {}),
    input,
    output,
  };
}

/** Where the CLI writes; a test passes its own. */
export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export interface MainOptions {
  io?: CliIO;
  /**
   * Called when WebGPU works but has no adapter. The launcher uses it to re-run the command on
   * SwiftShader; it returns that run's exit status, or undefined where it cannot help.
   */
  onNoAdapter?: () => Promise<number | undefined>;
}

export const NO_ADAPTER_HELP =
  'no GPU adapter was found: WebGPU needs a GPU driver with Vulkan (Linux), Direct3D 12 (Windows) or Metal (macOS). ' +
  'Install or update the GPU driver; on Linux without a GPU, install Debian\'s chromium package ' +
  '(it carries SwiftShader, a software Vulkan driver) and cugan uses it (slowly), ' +
  'or point VK_ICD_FILENAMES at another Vulkan driver';

/** The package's version: package.json is two folders up from src/cli/, one from dist/cli.js. */
function version(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'cugan-webgpu') return pkg.version;
    } catch {
      // not there: try the next
    }
  }
  return 'unknown';
}

/** Same file (also through symlinks or hard links)? */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    // b does not exist yet: compare resolved paths (a dangling symlink b can still lead to a).
    try {
      return realpathSync(a) === join(realpathSync(dirname(b)), basename(b));
    } catch {
      return false;
    }
  }
}

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

/** A progress line on a TTY (redrawn once a second), plain lines otherwise. */
class Progress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private status = '';
  private readonly start = Date.now();
  constructor(private readonly err: CliIO['stderr']) {
    if (err.isTTY) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref?.();
    }
  }
  /** The TTA pass now running (on a non-TTY: one line per pass). */
  set(status: string): void {
    this.status = status;
    if (this.err.isTTY) this.draw();
    else this.err.write(`cugan: ${status}, ${seconds(Date.now() - this.start)} elapsed\n`);
  }
  private draw(): void {
    const s = Math.floor((Date.now() - this.start) / 1000);
    this.err.write(`\r\x1b[Kcugan: ${this.status ? `${this.status}, ` : ''}running ${s} s`);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.err.isTTY) this.err.write('\r\x1b[K');
  }
}

/**
 * The output path, resolved; a typed BAD_OPTION error when it is the input (the same path,
 * another spelling of it, or a link to it: the input is never overwritten) or a directory.
 */
export function checkOutputPath(inputArg: string, outputArg: string): string {
  const output = resolve(outputArg);
  if (sameFile(resolve(inputArg), output)) {
    throw new CuganError('BAD_OPTION', `refusing to overwrite the input ${inputArg} with the output ${outputArg}; choose another <out>`);
  }
  try {
    if (statSync(output).isDirectory()) throw new CuganError('BAD_OPTION', `cannot write ${outputArg}: it is a directory`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return output;
}

async function runUpscale(cmd: UpscaleCommand, io: CliIO, opts: MainOptions): Promise<number> {
  const model = findModel(cmd.model);
  if (!model) {
    throw new CuganError('MODEL_UNKNOWN', `unknown model "${cmd.model}"; known models: ${MODELS.map((m) => m.id).join(', ')}`);
  }
  const output = checkOutputPath(cmd.input, cmd.output);
  const image = readImage(cmd.input);
  if (hasTransparency(image)) io.stderr.write(`cugan: note: ${cmd.input} has transparency; its alpha channel is dropped (RGB output)\n`);

  // The cheap check first: a device, before the model is read and the network is built.
  await getGPU();
  let device: GPUDevice;
  try {
    device = await requestDevice();
  } catch (e) {
    if (e instanceof CuganError && e.code === 'NO_WEBGPU') {
      const status = await opts.onNoAdapter?.();
      if (status !== undefined) return status;
      throw new CuganError('NO_WEBGPU', NO_ADAPTER_HELP, { cause: e });
    }
    throw e;
  }

  let upscaler: Upscaler | undefined;
  try {
    const s = model.scale;
    const ow = image.width * s;
    const oh = image.height * s;
    const mac = formatMacs(buildGraph(model, image.width, image.height).macs);
    const work = cmd.tta ? `${mac} x 8 TTA passes` : mac;
    io.stderr.write(`cugan: ${model.id} ${image.width}x${image.height} -> ${ow}x${oh} (${work}) on ${describeAdapter(device)}\n`);
    const start = Date.now();
    upscaler = await createUpscaler({
      model: model.id,
      device,
      alpha: cmd.alpha,
      precision: cmd.precision,
      modelBaseUrl: cmd.models === undefined ? undefined : resolve(cmd.models),
      ...(cmd.tileMiB !== undefined ? { tileLimits: { maxTotalBytes: cmd.tileMiB * 2 ** 20 } } : {}),
    });
    // Only f16 is worth a line: f32 is the exact default everywhere without shader-f16.
    if (upscaler.precision === 'f16') io.stderr.write('cugan: precision f16 (half-float feature maps)\n');
    await upscaler.prepare(image.width, image.height);
    if (upscaler.tiles > 1) io.stderr.write(`cugan: the image is larger than one pass may be: running it as ${upscaler.tiles} tiles\n`);
    const progress = new Progress(io.stderr);
    let rgb: Uint8Array;
    try {
      if (cmd.tta) {
        const up = upscaler;
        rgb = (await upscaleTta(up, image, (k, n) => progress.set(`TTA pass ${k}/${n}`))).rgb;
      } else {
        await upscaler.upscale(image);
        const out = await upscaler.readImageData();
        rgb = rgbaToRgb(out.data);
      }
    } finally {
      progress.stop();
    }
    writePng(output, ow, oh, rgb, 3);
    io.stderr.write(`cugan: wrote ${cmd.output} (${ow}x${oh}) in ${seconds(Date.now() - start)}\n`);
    return 0;
  } finally {
    upscaler?.destroy();
    device.destroy();
  }
}

/** Runs the command line; returns the exit status (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[], opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? { stdout: process.stdout, stderr: process.stderr };
  let cmd: Command;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`cugan: ${e.message}\n${USAGE}\nRun \`cugan --help\` for the options.\n`);
    return 2;
  }
  try {
    switch (cmd.command) {
      case 'help':
        io.stdout.write(`${cmd.topic === 'upscale' ? UPSCALE_HELP : cmd.topic === 'models' ? 'Usage: cugan models\n\nLists the model ids, one a line.' : HELP}\n`);
        return 0;
      case 'version':
        io.stdout.write(`cugan ${version()}\n`);
        return 0;
      case 'models':
        io.stdout.write(MODELS.map((m) => `${m.id}\n`).join(''));
        return 0;
      case 'upscale':
        return await runUpscale(cmd, io, opts);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`cugan: ${message}\n`);
    if (process.env.CUGAN_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
