// The converter as a library: source file(s) -> packed model bytes, and a whole folder of
// released models -> `<out>/<family>/<name>.<dtype>.cugan`. The format is detected from the
// extension or, failing that, the file's first bytes. File-system errors become CuganErrors.

import { mkdir, readdir, readFile, rename, stat, writeFile, open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { CuganError } from '../src/runtime/errors.js';
import { MODELS } from '../src/runtime/model/architecture.js';
import { DTYPE_CODE, PACKED_MAGIC, PACKED_VERSION, type WeightDType } from '../src/runtime/model/packed-format.js';
import { idFromNcnnPath, idFromPthName } from './model-id.js';
import { resolveModel, type ModelWeights } from './model-weights.js';
import { NCNN_MAGIC, readNcnnModel } from './ncnn-reader.js';
import { writePackedModel } from './packed-writer.js';
import { readPthModel } from './pth-reader.js';

export type SourceFormat = 'ncnn' | 'pth';

export interface ModelSource {
  format: SourceFormat;
  /** The released model id, e.g. `se/up2x-conservative`. */
  id: string;
  /** ncnn: [.param, .bin]; pth: [.pth]. */
  files: string[];
}

export interface SourceOptions {
  /** Overrides the model id derived from the path (needed for files with unofficial names). */
  id?: string;
}

export const DTYPES: readonly WeightDType[] = ['f32', 'f16'];

/** Reads a file; a missing one is WEIGHTS_NOT_FOUND. */
async function readSourceFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw notFound(path, err);
  }
}

function notFound(path: string, err: unknown): CuganError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, expected a model file' : `cannot read (${code ?? String(err)})`;
  return new CuganError('WEIGHTS_NOT_FOUND', `${path}: ${why}`, { cause: err });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function sniff(path: string): Promise<SourceFormat | 'bin' | undefined> {
  let head: Uint8Array;
  try {
    const fh = await open(path, 'r');
    try {
      head = new Uint8Array(8);
      await fh.read(head, 0, 8, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw notFound(path, err);
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'pth';
  if (new TextDecoder().decode(head).startsWith(String(NCNN_MAGIC))) return 'ncnn';
  return undefined;
}

/** Works out the format, the model id and all files of the model at `path` (.param, .bin or .pth). */
export async function detectSource(path: string, opts: SourceOptions = {}): Promise<ModelSource> {
  const ext = extname(path).toLowerCase();
  let format: SourceFormat | 'bin' | undefined = ext === '.param' ? 'ncnn' : ext === '.bin' ? 'bin' : ext === '.pth' || ext === '.pt' ? 'pth' : undefined;
  if (format === undefined) format = await sniff(path);
  else if (!(await exists(path))) throw notFound(path, Object.assign(new Error('missing'), { code: 'ENOENT' }));
  if (format === undefined) {
    throw new CuganError('WEIGHTS_CORRUPT', `${path}: neither an ncnn .param (magic ${NCNN_MAGIC}) nor a PyTorch .pth (zip) file`);
  }
  if (format === 'pth') {
    const id = opts.id ?? idFromPthName(path);
    if (id === undefined) {
      throw new CuganError('MODEL_UNKNOWN', `${path}: cannot tell the model from the file name (official names: up2x-latest-conservative.pth, pro-denoise3x-up3x.pth, ...); give the model id`);
    }
    resolveModel(id, path);
    return { format, id, files: [path] };
  }
  // ncnn: the .param and .bin are siblings with the same base name.
  const stem = path.slice(0, path.length - extname(path).length);
  const param = format === 'bin' ? `${stem}.param` : path;
  const bin = `${stem}.bin`;
  for (const f of [param, bin]) if (!(await exists(f))) throw notFound(f, Object.assign(new Error('missing'), { code: 'ENOENT' }));
  const id = opts.id ?? idFromNcnnPath(param);
  if (id === undefined) {
    throw new CuganError('MODEL_UNKNOWN', `${param}: cannot tell the model from the path (expected models-<se|pro|nose>/up<N>x-<denoise>.param); give the model id`);
  }
  resolveModel(id, param);
  return { format: 'ncnn', id, files: [param, bin] };
}

/** Reads the model at `path` (either format) into memory, PyTorch layout. */
export async function readModelWeights(path: string, opts: SourceOptions = {}): Promise<ModelWeights> {
  return readSource(await detectSource(path, opts));
}

/** Reads an already detected source. */
export async function readSource(src: ModelSource): Promise<ModelWeights> {
  if (src.format === 'pth') return readPthModel(await readSourceFile(src.files[0]!), { id: src.id, source: src.files[0]! });
  const [param, bin] = src.files as [string, string];
  return readNcnnModel(await readSourceFile(param), await readSourceFile(bin), src.id, { param, bin });
}

/** The packed model file (bytes) for the model at `path`. */
export async function convertModel(path: string, dtype: WeightDType, opts: SourceOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  return writePackedModel(await readModelWeights(path, opts), dtype);
}

/** `<outDir>/se/up2x-conservative.f32.cugan` */
export function outputPath(outDir: string, id: string, dtype: WeightDType): string {
  return join(outDir, `${id}.${dtype}.cugan`);
}

/**
 * Every released model under `root` (searched a few folders deep): ncnn pairs in
 * `models-<family>/` and official-named .pth files. One source per model; ncnn wins over .pth.
 */
export async function findModelSources(root: string): Promise<ModelSource[]> {
  if (!(await stat(root).then((s) => s.isDirectory(), () => false))) {
    throw new CuganError('WEIGHTS_NOT_FOUND', `${root}: no such folder (the Real-CUGAN weights; set CUGAN_WEIGHTS)`);
  }
  const found = new Map<string, ModelSource>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < 3 && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(p, depth + 1);
      if (!e.isFile()) continue;
      const ncnnId = e.name.endsWith('.param') ? idFromNcnnPath(p) : undefined;
      const pthId = /\.pth?$/i.test(e.name) ? idFromPthName(p) : undefined;
      if (ncnnId && MODELS.some((m) => m.id === ncnnId) && (await exists(`${p.slice(0, -'.param'.length)}.bin`))) {
        found.set(ncnnId, { format: 'ncnn', id: ncnnId, files: [p, `${p.slice(0, -'.param'.length)}.bin`] });
      } else if (pthId && MODELS.some((m) => m.id === pthId) && found.get(pthId)?.format !== 'ncnn') {
        found.set(pthId, { format: 'pth', id: pthId, files: [p] });
      }
    }
  };
  await walk(root, 0);
  const order = (id: string): number => MODELS.findIndex((m) => m.id === id);
  return [...found.values()].sort((a, b) => order(a.id) - order(b.id));
}

/** True when `out` exists, is newer than every source file and has this version's header. */
async function upToDate(out: string, sources: string[], dtype: WeightDType): Promise<boolean> {
  const o = await stat(out).catch(() => undefined);
  if (!o) return false;
  for (const s of sources) if ((await stat(s)).mtimeMs > o.mtimeMs) return false;
  // An output from an older converter (another format version) is not up to date.
  const fh = await open(out, 'r');
  try {
    const head = new Uint8Array(16);
    await fh.read(head, 0, 16, 0);
    const dv = new DataView(head.buffer);
    return new TextDecoder().decode(head.subarray(0, 8)) === PACKED_MAGIC && dv.getUint32(8, true) === PACKED_VERSION && dv.getUint32(12, true) === DTYPE_CODE[dtype];
  } finally {
    await fh.close();
  }
}

export interface ConvertResult {
  source: ModelSource;
  /** The files written or found up to date, one per dtype. */
  outputs: { dtype: WeightDType; path: string; bytes: number; skipped: boolean }[];
  ms: number;
}

export interface ConvertOptions {
  /** Which precisions to write (default both). */
  dtypes?: readonly WeightDType[];
  /** Rewrite outputs even when up to date. */
  force?: boolean;
  /** Called after each model (progress). */
  onModel?: (r: ConvertResult) => void;
}

/** Converts one source into `<outDir>/<id>.<dtype>.cugan` for each dtype, skipping up-to-date outputs. */
export async function convertSource(src: ModelSource, outDir: string, opts: ConvertOptions = {}): Promise<ConvertResult> {
  const t0 = performance.now();
  const outputs: ConvertResult['outputs'] = [];
  let weights: ModelWeights | undefined;
  for (const dtype of opts.dtypes ?? DTYPES) {
    const path = outputPath(outDir, src.id, dtype);
    if (!opts.force && (await upToDate(path, src.files, dtype))) {
      outputs.push({ dtype, path, bytes: (await stat(path)).size, skipped: true });
      continue;
    }
    weights ??= await readSource(src);
    const bytes = writePackedModel(weights, dtype);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename: an interrupted run never leaves a truncated file that looks up to date.
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    outputs.push({ dtype, path, bytes: bytes.byteLength, skipped: false });
  }
  const r = { source: src, outputs, ms: performance.now() - t0 };
  opts.onModel?.(r);
  return r;
}

/** Converts every released model found under `root` into `outDir`. */
export async function convertAll(root: string, outDir: string, opts: ConvertOptions = {}): Promise<ConvertResult[]> {
  const sources = await findModelSources(root);
  if (sources.length === 0) throw new CuganError('WEIGHTS_NOT_FOUND', `${root}: no Real-CUGAN models (models-*/<name>.param + .bin or official .pth files)`);
  const results: ConvertResult[] = [];
  for (const src of sources) results.push(await convertSource(src, outDir, opts));
  return results;
}
