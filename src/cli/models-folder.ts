// The models folder the CLI reads (--models, else $CUGAN_MODELS, else the package's models/):
// which model files are installed there, checked before a GPU is asked for, and listed by
// `cugan models`.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CuganError } from '../runtime/errors.js';
import { MODELS } from '../runtime/model/architecture.js';
import { defaultModelsUrl } from '../runtime/model/default-base-url.js';
import { findManifestEntry, MANIFEST_FILE, readManifest, type ModelManifest } from '../runtime/model/manifest.js';
import type { WeightDType } from '../runtime/model/packed-format.js';
import { CONVERT_HINT } from './help.js';

export interface ModelsFolder {
  /** Absolute path. */
  path: string;
  /** Where the path came from, as the messages say it. */
  origin: '--models' | '$CUGAN_MODELS' | "the package's models folder";
  exists: boolean;
}

export function modelsFolder(option: string | undefined, env: NodeJS.ProcessEnv = process.env): ModelsFolder {
  const [path, origin]: [string, ModelsFolder['origin']] =
    option !== undefined ? [option, '--models']
    : env.CUGAN_MODELS ? [env.CUGAN_MODELS, '$CUGAN_MODELS']
    : [fileURLToPath(defaultModelsUrl()), "the package's models folder"];
  const abs = resolve(path);
  let exists = false;
  try {
    exists = statSync(abs).isDirectory();
  } catch {
    // missing: said where it matters
  }
  return { path: abs, origin, exists };
}

/** `/x/models (--models)` */
export const describeFolder = (f: ModelsFolder) => `${f.path} (${f.origin})`;

/** A folder named by --models or $CUGAN_MODELS must exist; the package's own may be empty. */
export function checkFolderExists(f: ModelsFolder): void {
  if (f.exists || f.origin === "the package's models folder") return;
  throw new CuganError('WEIGHTS_NOT_FOUND', `the models folder ${describeFolder(f)} does not exist; convert the released weights into it with: ${CONVERT_HINT.replace('DIR', f.path)}`);
}

const DTYPES: WeightDType[] = ['f32', 'f16'];

/** The manifest where the folder has a readable one (its file names win over the default ones). */
function manifestOf(folder: ModelsFolder): ModelManifest | undefined {
  const file = join(folder.path, MANIFEST_FILE);
  if (!folder.exists || !existsSync(file)) return undefined;
  try {
    return readManifest(JSON.parse(readFileSync(file, 'utf8')), file);
  } catch {
    return undefined; // loading the model reports a bad manifest with its reason
  }
}

/** Per model id, the precisions whose packed file is in the folder. */
export function installedModels(folder: ModelsFolder): Map<string, WeightDType[]> {
  const manifest = manifestOf(folder);
  const found = new Map<string, WeightDType[]>();
  for (const m of MODELS) {
    const dtypes = folder.exists
      ? DTYPES.filter((d) => existsSync(join(folder.path, (manifest && findManifestEntry(manifest, m.id, d)?.file) ?? `${m.id}.${d}.cugan`)))
      : [];
    found.set(m.id, dtypes);
  }
  return found;
}

/** Before the GPU: the folder exists and holds the model's f32 file (what stills load). */
export function checkModelInstalled(folder: ModelsFolder, id: string): void {
  checkFolderExists(folder);
  if (installedModels(folder).get(id)?.includes('f32')) return;
  const where = folder.exists ? `is not installed in ${describeFolder(folder)}` : `is not installed: ${describeFolder(folder)} does not exist`;
  throw new CuganError(
    'WEIGHTS_NOT_FOUND',
    `model "${id}" ${where}; convert the released weights with: ${CONVERT_HINT.replace('DIR', folder.path)} (\`cugan models\` lists what is installed)`,
  );
}

/** `cugan models`: one line per model id with its installed precisions, a header and a footer. */
export function listModels(folder: ModelsFolder): string {
  checkFolderExists(folder);
  const installed = installedModels(folder);
  const width = Math.max(...MODELS.map((m) => m.id.length));
  const lines = MODELS.map((m) => {
    const dtypes = installed.get(m.id) ?? [];
    return `${m.id.padEnd(width)}  ${dtypes.length ? dtypes.join(' ') : '-'}`;
  });
  const count = [...installed.values()].filter((d) => d.length > 0).length;
  const header = `Models folder: ${describeFolder(folder)}${folder.exists ? '' : ', which does not exist yet'}`;
  const footer =
    `${count} of ${MODELS.length} models installed` +
    (count < MODELS.length ? `; convert the released weights with: ${CONVERT_HINT.replace('DIR', folder.path)}` : '');
  return `${header}\n${lines.join('\n')}\n${footer}\n`;
}
