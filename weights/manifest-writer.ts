// Writes `<out>/manifest.json` (src/runtime/model/manifest.ts) for the packed files of a
// conversion: id, scale, family, denoise level, dtype, byte size and SHA-256 of each. Entries of
// an existing manifest are kept when their file is still there, so converting one model into a
// folder adds to its manifest instead of replacing it.

import { createHash } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { findModel } from '../src/runtime/model/architecture.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, readManifest, type ManifestEntry, type ModelManifest } from '../src/runtime/model/manifest.js';
import type { WeightDType } from '../src/runtime/model/packed-format.js';

export interface PackedFile {
  id: string;
  dtype: WeightDType;
  /** Path of the packed file, inside `outDir`. */
  path: string;
}

async function entryOf(outDir: string, f: PackedFile): Promise<ManifestEntry> {
  const info = findModel(f.id);
  if (!info) throw new Error(`manifest: unknown model ${f.id}`);
  const bytes = await readFile(f.path);
  return {
    id: f.id,
    file: relative(outDir, f.path).split(sep).join('/'),
    scale: info.scale,
    family: f.id.split('/')[0]!,
    denoise: info.denoise,
    dtype: f.dtype,
    bytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Adds (or refreshes) `files` in `<outDir>/manifest.json` and returns the manifest written. */
export async function updateManifest(outDir: string, files: readonly PackedFile[]): Promise<ModelManifest> {
  const path = join(outDir, MANIFEST_FILE);
  const old = await readFile(path, 'utf8').then((t) => readManifest(JSON.parse(t), path).models, () => [] as ManifestEntry[]);
  const byKey = new Map<string, ManifestEntry>();
  for (const e of old) {
    if (await stat(join(outDir, e.file)).then((s) => s.isFile(), () => false)) byKey.set(`${e.id}.${e.dtype}`, e);
  }
  for (const f of files) byKey.set(`${f.id}.${f.dtype}`, await entryOf(outDir, f));
  const models = [...byKey.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const manifest: ModelManifest = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, models };
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 1)}\n`);
  await rename(tmp, path);
  return manifest;
}
