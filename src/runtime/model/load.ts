// Getting a packed model: from bytes the caller has, from the converter's output folder
// (Node), or from a URL (browser). The file name is `<id>.<dtype>.cugan`.

import { CuganError } from '../errors.js';
import { findModel, MODELS } from './architecture.js';
import { readPackedModel, type PackedModel, type WeightDType } from './packed-format.js';

export type ModelSource = Uint8Array | ArrayBuffer | PackedModel;

export interface LoadOptions {
  dtype: WeightDType;
  /** Browser: base URL of the models folder. Node: a folder path; default $CUGAN_MODELS or ./models of the package. */
  baseUrl?: string;
  /** Give up fetching a model after this many milliseconds (WEIGHTS_TIMEOUT; default 60 000). */
  timeoutMs?: number;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 60_000;

/** A model file read for an id must hold that model (a renamed or mixed-up file is refused). */
function expectModel(packed: PackedModel, id: string, where: string): PackedModel {
  if (packed.model.id !== id) {
    throw new CuganError('WEIGHTS_SHAPE', `${where} holds the model ${packed.model.id}, not the requested ${id}`);
  }
  return packed;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

export function modelFileName(id: string, dtype: WeightDType): string {
  return `${id}.${dtype}.cugan`;
}

export async function loadModel(model: string | ModelSource, opts: LoadOptions): Promise<PackedModel> {
  if (model instanceof Uint8Array) return readPackedModel(model);
  if (model instanceof ArrayBuffer) return readPackedModel(new Uint8Array(model));
  if (typeof model !== 'string') {
    if (model && typeof model === 'object' && 'layers' in model && 'data' in model) return model;
    throw new CuganError('BAD_OPTION', 'model must be a model id, packed model bytes or a parsed packed model');
  }
  if (!findModel(model)) {
    throw new CuganError('MODEL_UNKNOWN', `unknown model "${model}"; known models: ${MODELS.map((m) => m.id).join(', ')}`);
  }
  const file = modelFileName(model, opts.dtype);
  if (isNode && !(opts.baseUrl && /^https?:/.test(opts.baseUrl))) {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const dir = opts.baseUrl ?? process.env.CUGAN_MODELS ?? fileURLToPath(new URL('../../../models/', import.meta.url));
    const path = join(dir, file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new CuganError('WEIGHTS_NOT_FOUND', `model "${model}": ${path} not found (run \`npm run weights\` to convert the released weights)`, { cause: e });
    }
    return expectModel(readPackedModel(bytes, path), model, path);
  }
  const base = opts.baseUrl ?? new URL('../../../models/', import.meta.url).href;
  const url = `${base.replace(/\/?$/, '/')}${file}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const timedOut = (e: unknown) =>
    new CuganError('WEIGHTS_TIMEOUT', `model "${model}": ${url} did not arrive within ${timeoutMs} ms`, { cause: e });
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: abort.signal });
    } catch (e) {
      if (abort.signal.aborted) throw timedOut(e);
      throw new CuganError('WEIGHTS_NOT_FOUND', `model "${model}": could not fetch ${url}`, { cause: e });
    }
    if (!res.ok) throw new CuganError('WEIGHTS_NOT_FOUND', `model "${model}": ${url} answered HTTP ${res.status}`);
    let body: ArrayBuffer;
    try {
      body = await res.arrayBuffer();
    } catch (e) {
      if (abort.signal.aborted) throw timedOut(e);
      throw new CuganError('WEIGHTS_NOT_FOUND', `model "${model}": the download of ${url} broke off`, { cause: e });
    }
    return expectModel(readPackedModel(new Uint8Array(body), url), model, url);
  } finally {
    clearTimeout(timer);
  }
}
