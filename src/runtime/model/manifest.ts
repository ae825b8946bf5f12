// `manifest.json`, written by the converter beside the packed models: what a models folder
// holds, with each file's size and SHA-256, so the runtime can report download progress
// against a known total, verify what arrived and cache it keyed by content.
//
//   { "format": "cugan-models", "version": 1,
//     "models": [{ "id": "se/up2x-conservative", "file": "se/up2x-conservative.f32.cugan",
//                  "scale": 2, "family": "se", "denoise": "conservative", "dtype": "f32",
//                  "bytes": 5245152, "sha256": "…64 hex…" }, …] }

import { CuganError } from '../errors.js';
import type { WeightDType } from './packed-format.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'cugan-models';
export const MANIFEST_VERSION = 1;

export interface ManifestEntry {
  /** Model id, e.g. `se/up2x-conservative`. */
  id: string;
  /** Path of the packed file relative to the manifest, e.g. `se/up2x-conservative.f32.cugan`. */
  file: string;
  scale: number;
  /** `se`, `pro` or `nose` (the ncnn folder). */
  family: string;
  /** `no-denoise`, `conservative`, `denoise1x`, ... */
  denoise: string;
  dtype: WeightDType;
  bytes: number;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
}

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  models: ManifestEntry[];
}

/** Checks parsed JSON and returns it as a manifest; anything else is WEIGHTS_CORRUPT. */
export function readManifest(json: unknown, where = MANIFEST_FILE): ModelManifest {
  const bad = (why: string): never => {
    throw new CuganError('WEIGHTS_CORRUPT', `${where}: not a cugan models manifest (${why})`);
  };
  const m = json as Partial<ModelManifest> | null;
  if (!m || typeof m !== 'object') bad('not an object');
  if (m!.format !== MANIFEST_FORMAT) bad(`format is ${JSON.stringify(m!.format)}, expected "${MANIFEST_FORMAT}"`);
  if (m!.version !== MANIFEST_VERSION) bad(`version ${String(m!.version)}, this runtime reads version ${MANIFEST_VERSION}`);
  if (!Array.isArray(m!.models)) bad('no models list');
  for (const e of m!.models!) {
    const ok =
      e && typeof e.id === 'string' && typeof e.file === 'string' && !e.file.includes('..') && typeof e.scale === 'number' &&
      typeof e.family === 'string' && typeof e.denoise === 'string' && (e.dtype === 'f32' || e.dtype === 'f16') &&
      Number.isSafeInteger(e.bytes) && e.bytes > 0 && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256);
    if (!ok) bad(`bad entry ${JSON.stringify(e)}`);
  }
  return m as ModelManifest;
}

export function findManifestEntry(manifest: ModelManifest, id: string, dtype: WeightDType): ManifestEntry | undefined {
  return manifest.models.find((e) => e.id === id && e.dtype === dtype);
}
