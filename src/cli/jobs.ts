// From the command line's inputs and outputs to a list of jobs (one image in, one file out),
// checked before any GPU work: the inputs exist and are images (their headers are read), each
// output's folder exists and is writable, its extension names a format cugan writes, no output
// overwrites an input or another output.

import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { CuganError } from '../runtime/errors.js';
import type { UpscaleCommand } from './args.js';
import { extensionOf, formatOfPath, INPUT_EXTENSIONS, OUTPUT_EXTENSIONS_TEXT, probeImage, readFileBytes, type InputFormat, type OutputFormat } from './image-io.js';

export const STDIO = '-';

export interface Job {
  /** A file path, or `-` for stdin. */
  input: string;
  /** A file path, or `-` for stdout. */
  output: string;
  format: OutputFormat;
  width: number;
  height: number;
  inputFormat: InputFormat;
  /** stdin's bytes (read once, before any GPU work). */
  bytes?: Uint8Array;
}

/** A job whose input could not be read (a batch goes on without it). */
export interface SkippedInput {
  input: string;
  error: CuganError | Error;
}

export interface Plan {
  /** Whether the outputs go into a folder (-o, or a folder as <in>): a batch, even of one image. */
  folder: boolean;
  jobs: Job[];
  skipped: SkippedInput[];
}

const badOption = (message: string) => new CuganError('BAD_OPTION', message);

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

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The folder exists, is one, and this process may write into it; else BAD_OPTION naming it. */
function checkWritableFolder(dir: string, what: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badOption(code === 'ENOENT' ? `${what} ${dir} does not exist` : code === 'ENOTDIR' ? `${what} ${dir} is not a folder` : `${what} ${dir}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) throw badOption(`${what} ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw badOption(`${what} ${dir} is not writable`);
  }
}

/**
 * The output path, resolved; a typed BAD_OPTION error naming it when it is the input (the same
 * path, another spelling of it, or a link to it: the input is never overwritten), a folder, in a
 * folder that does not exist or cannot be written, or an existing file that cannot be written.
 */
export function checkOutputPath(inputArg: string, outputArg: string): string {
  const output = resolve(outputArg);
  if (inputArg !== STDIO && sameFile(resolve(inputArg), output)) {
    throw badOption(`refusing to overwrite the input ${inputArg} with the output ${outputArg}; choose another <out>`);
  }
  if (isDirectory(output)) throw badOption(`cannot write ${outputArg}: it is a directory`);
  checkWritableFolder(dirname(output), `cannot write ${outputArg}: its folder`);
  try {
    accessSync(output, constants.W_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw badOption(`cannot write ${outputArg}: the file is not writable`);
  }
  return output;
}

/**
 * The output format: a file name's extension (which must name a format cugan writes and agree
 * with --format), or --format (default PNG) for stdout. BAD_OPTION naming the path otherwise.
 */
function outputFormat(path: string, format: OutputFormat | undefined): OutputFormat {
  if (path === STDIO) return format ?? 'png';
  const byName = formatOfPath(path);
  if (!byName) throw badOption(`cannot write ${path}: cugan writes ${OUTPUT_EXTENSIONS_TEXT} files`);
  if (format && format !== byName) throw badOption(`cannot write ${path}: --format is ${format}, the file name says ${byName}`);
  return byName;
}

/** A folder's images (by extension, not recursive), sorted by name. */
function imagesIn(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => (d.isFile() || d.isSymbolicLink()) && INPUT_EXTENSIONS.includes(extname(d.name).toLowerCase()))
    .map((d) => d.name)
    .sort();
  if (names.length === 0) throw badOption(`no images in ${dir} (files ending in ${INPUT_EXTENSIONS.join(' ')})`);
  return names.map((n) => join(dir, n));
}

/** The output file name for an input under --name: `{name}.{ext}` -> `cat.webp`. */
export function outputName(pattern: string, input: string, fields: { ext: string; model: string; scale: number }): string {
  const name = basename(input, extname(input));
  return pattern.replace(/\{(name|ext|model|scale)\}/g, (_, k: string) =>
    k === 'name' ? name : k === 'ext' ? fields.ext : k === 'model' ? fields.model.replace('/', '-') : String(fields.scale),
  );
}

/** An input's bytes (a file, or stdin for `-`) and its size and format from its header. */
export async function readHeader(input: string, stdin: () => Promise<Uint8Array>): Promise<{ bytes: Uint8Array; width: number; height: number; format: InputFormat }> {
  const bytes = input === STDIO ? await stdin() : readFileBytes(input);
  const { width, height, format } = await probeImage(bytes, input === STDIO ? 'stdin' : input);
  return { bytes, width, height, format };
}

/**
 * The jobs of an upscale command. Throws (before any GPU work) on a bad output, or on a bad
 * input of a single-image run; in a batch, unreadable inputs are returned as `skipped`.
 */
export async function planJobs(cmd: UpscaleCommand, scale: number, stdin: () => Promise<Uint8Array>): Promise<Plan> {
  const first = cmd.inputs[0];
  const outDir = cmd.outDir ?? (cmd.inputs.length === 1 && first !== STDIO && isDirectory(first) ? cmd.output : undefined);

  if (outDir === undefined) {
    // One image: <in> <out>.
    const output = cmd.output!;
    if (output !== STDIO) checkOutputPath(first, output);
    const format = outputFormat(output, cmd.format);
    const head = await readHeader(first, stdin);
    return { jobs: [{ input: first, output, format, width: head.width, height: head.height, inputFormat: head.format, ...(first === STDIO ? { bytes: head.bytes } : {}) }], skipped: [], folder: false };
  }

  checkWritableFolder(resolve(outDir), 'the output folder');
  const inputs = cmd.inputs.flatMap((i) => (isDirectory(i) ? imagesIn(i) : [i]));
  const fields = { ext: extensionOf(cmd.format ?? 'png'), model: cmd.model, scale };
  const jobs: Job[] = [];
  const skipped: SkippedInput[] = [];
  const byOutput = new Map<string, string>();
  for (const input of inputs) {
    const output = join(outDir, outputName(cmd.name, input, fields));
    checkOutputPath(input, output);
    const format = outputFormat(output, cmd.format);
    const earlier = byOutput.get(resolve(output));
    if (earlier !== undefined) throw badOption(`${earlier} and ${input} would both be written to ${output}; give --name a pattern that keeps them apart, or upscale them separately`);
    byOutput.set(resolve(output), input);
    try {
      const head = await readHeader(input, stdin);
      jobs.push({ input, output, format, width: head.width, height: head.height, inputFormat: head.format });
    } catch (e) {
      if (!(e instanceof CuganError)) throw e;
      skipped.push({ input, error: e });
    }
  }
  return { jobs, skipped, folder: true };
}
