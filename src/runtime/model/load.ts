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
    return readPackedModel(bytes, path);
  }
  const base = opts.baseUrl ?? new URL('../../../models/', import.meta.url).href;
  const url = `${base.replace(/\/?$/, '/')}${file}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new CuganError('WEIGHTS_NOT_FOUND', `model "${model}": could not fetch ${url}`, { cause: e });
  }
  if (!res.ok) throw new CuganError('WEIGHTS_NOT_FOUND', `model "${model}": ${url} answered HTTP ${res.status}`);
  return readPackedModel(new Uint8Array(await res.arrayBuffer()), url);
}
