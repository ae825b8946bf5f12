// The `cugan` command line -> a Command. Pure (no file system), unit-tested. Options go through
// Node's util.parseArgs (non-strict, with tokens), so the messages stay cugan's own:
// `unknown option "-q"`, `-m needs a value`, `--tta takes no value`.

import { parseArgs as parseTokens } from 'node:util';
import { ALPHA_RANGE_TEXT, isValidAlpha, type Precision } from '../runtime/options.js';
import { OUTPUT_FORMATS, type OutputFormat } from './image-io.js';

export const DEFAULT_MODEL = 'se/up2x-conservative';
/** Stills give the official pixels by default: f32 feature maps. */
export const DEFAULT_PRECISION: Precision = 'f32';
/** Output file names in an output folder: the input's name, the output format's extension. */
export const DEFAULT_NAME = '{name}.{ext}';

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
  /** `-f`: the output format where no file name says it (stdout, `{ext}`). */
  format?: OutputFormat;
  /** `--quality`: 1-100, JPEG, WebP and AVIF. */
  quality?: number;
  /** `--json`: one line of JSON per image on stdout. */
  json?: boolean;
  /**
   * The images: files, folders of images, or `-` (stdin). Without `outDir`: one <in>; a folder
   * there makes `output` the output folder.
   */
  inputs: string[];
  /** `<out>` (a file, `-` for stdout, or a folder when the input is one); undefined with `outDir`. */
  output?: string;
  /** `-o`: the output folder for one or more inputs. */
  outDir?: string;
  /** `-n`: output file names in a folder ({name}, {ext}, {model}, {scale}). */
  name: string;
}

export interface ModelsCommand {
  command: 'models';
  models?: string;
}

export type Command =
  | UpscaleCommand
  | ModelsCommand
  | { command: 'help'; topic?: 'upscale' | 'models' }
  | { command: 'version' };

/** A wrong command line: its message and one hint line, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the hint names. */
    readonly topic?: 'upscale' | 'models',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The CLI's alpha check: the core's range (options.ts), said as a usage error. */
export function checkAlphaArg(v: string): number {
  const a = Number(v);
  if (v.trim() === '' || !isValidAlpha(a)) throw new UsageError(`--alpha must be ${ALPHA_RANGE_TEXT}, got "${v}"`, 'upscale');
  return a;
}

function checkPrecisionArg(v: string): Precision {
  if (v === 'f32' || v === 'f16' || v === 'auto') return v;
  throw new UsageError(`--precision must be f32, f16 or auto, got "${v}"`, 'upscale');
}

function checkFormatArg(v: string): OutputFormat {
  const f = v.toLowerCase() === 'jpg' ? 'jpeg' : v.toLowerCase();
  if ((OUTPUT_FORMATS as readonly string[]).includes(f)) return f as OutputFormat;
  throw new UsageError(`--format must be ${OUTPUT_FORMATS.join(', ')}, got "${v}"`, 'upscale');
}

function checkQualityArg(v: string): number {
  const q = Number(v);
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new UsageError(`--quality must be a whole number from 1 to 100, got "${v}"`, 'upscale');
  return q;
}

function checkNameArg(v: string): string {
  if (!v.includes('{name}')) throw new UsageError(`--name must contain {name} (each input gets its own file), got "${v}"`, 'upscale');
  if (/[/\\]/.test(v)) throw new UsageError(`--name is a file name inside the output folder, without "/", got "${v}"`, 'upscale');
  const unknown = /\{(?!(?:name|ext|model|scale)\})[^}]*\}/.exec(v);
  if (unknown) throw new UsageError(`--name: unknown field ${unknown[0]}; known: {name} {ext} {model} {scale}`, 'upscale');
  return v;
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string };

const UPSCALE_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  model: { type: 'string', short: 'm' },
  alpha: { type: 'string', short: 'a' },
  tta: { type: 'boolean', short: 'x' },
  precision: { type: 'string' },
  models: { type: 'string' },
  'tile-mb': { type: 'string' },
  'out-dir': { type: 'string', short: 'o' },
  name: { type: 'string', short: 'n' },
  format: { type: 'string', short: 'f' },
  quality: { type: 'string' },
  json: { type: 'boolean' },
} satisfies Record<string, OptionSpec>;

const MODELS_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  models: { type: 'string' },
} satisfies Record<string, OptionSpec>;

/**
 * util.parseArgs without its own errors: options as `{ name: value }` (the last one wins) and the
 * positionals, or a UsageError in cugan's words.
 */
function tokenize(args: string[], options: Record<string, OptionSpec>, topic: 'upscale' | 'models') {
  const { tokens } = parseTokens({ args, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!spec) throw new UsageError(`unknown option "${t.rawName}"`, topic);
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value`, topic);
      values[t.name] = true;
    } else {
      if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value`, topic);
      values[t.name] = t.value;
    }
  }
  return { values: values as Record<string, string | undefined> & Record<'help' | 'tta' | 'json', true | undefined>, positionals };
}

function parseUpscale(args: string[]): UpscaleCommand | { command: 'help'; topic: 'upscale' } {
  const { values: v, positionals } = tokenize(args, UPSCALE_OPTIONS, 'upscale');
  if (v.help) return { command: 'help', topic: 'upscale' };
  const tileMiB = v['tile-mb'] === undefined ? undefined : Number(v['tile-mb']);
  if (tileMiB !== undefined && !(tileMiB > 0 && Number.isFinite(tileMiB))) {
    throw new UsageError(`--tile-mb must be a positive number of MiB, got "${v['tile-mb']}"`, 'upscale');
  }
  if (v.models === '') throw new UsageError('--models needs a folder', 'upscale');
  if (v['out-dir'] === '') throw new UsageError('-o needs a folder', 'upscale');
  const format = v.format === undefined ? undefined : checkFormatArg(v.format);
  const cmd: UpscaleCommand = {
    command: 'upscale',
    model: v.model ?? DEFAULT_MODEL,
    alpha: v.alpha === undefined ? 1 : checkAlphaArg(v.alpha),
    tta: v.tta === true,
    precision: v.precision === undefined ? DEFAULT_PRECISION : checkPrecisionArg(v.precision),
    models: v.models,
    ...(tileMiB !== undefined ? { tileMiB } : {}),
    ...(format ? { format } : {}),
    ...(v.quality !== undefined ? { quality: checkQualityArg(v.quality) } : {}),
    ...(v.json ? { json: true } : {}),
    inputs: positionals,
    name: v.name === undefined ? DEFAULT_NAME : checkNameArg(v.name),
  };
  if (v['out-dir'] !== undefined) {
    cmd.outDir = v['out-dir'];
    if (positionals.length === 0) throw new UsageError('missing <in>: the images or folders to upscale into the -o folder', 'upscale');
    if (positionals.includes('-')) throw new UsageError('- (stdin) is one image: use `cugan upscale - <out>`', 'upscale');
  } else {
    if (positionals.length < 2) throw new UsageError(positionals.length === 0 ? 'missing <in> and <out>' : 'missing <out>', 'upscale');
    if (positionals.length > 2) {
      throw new UsageError(`too many arguments: "${positionals.slice(2).join('", "')}" (several inputs go into a folder: -o <dir>)`, 'upscale');
    }
    cmd.inputs = [positionals[0]];
    cmd.output = positionals[1];
  }
  if (cmd.json && cmd.output === '-') throw new UsageError('--json and - as <out> both write to stdout: write the image to a file', 'upscale');
  return cmd;
}

/** Parses the arguments after `cugan`. Throws UsageError. */
export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  if (args.length === 0) throw new UsageError('no command given');
  const [first, ...rest] = args;
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = rest[0];
    return { command: 'help', topic: topic === 'upscale' || topic === 'models' ? topic : undefined };
  }
  if (first === '-V' || first === '--version' || first === 'version') return { command: 'version' };
  if (first === 'models') {
    const { values, positionals } = tokenize(rest, MODELS_OPTIONS, 'models');
    if (values.help) return { command: 'help', topic: 'models' };
    if (positionals.length > 0) throw new UsageError(`\`cugan models\` takes no arguments, got "${positionals[0]}"`, 'models');
    if (values.models === '') throw new UsageError('--models needs a folder', 'models');
    return { command: 'models', ...(values.models !== undefined ? { models: values.models } : {}) };
  }
  if (first === 'upscale') return parseUpscale(rest);
  throw new UsageError(first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}"`);
}
