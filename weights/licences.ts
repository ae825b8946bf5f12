// The weights' licences travel with the converted files (MIT: the notices must be kept). A
// release keeps them at its root, beside `models-se/` etc., so a source's own folder and up to
// LICENCE_LEVELS folders above it are searched, and the nearest folder holding any LICENSE* or
// LICENCE* file wins. A folder above the source that is a project root (package.json or .git)
// is not searched: its licence is that project's, not the weights'.

import { copyFile, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const LICENCE_LEVELS = 2;
const LICENCE_NAME = /^LICEN[CS]E/i;

const isDir = (p: string): Promise<boolean> => stat(p).then((s) => s.isDirectory(), () => false);
const isFile = (p: string): Promise<boolean> => stat(p).then((s) => s.isFile(), () => false);

/** The licence files that belong to a source (a folder or one model file); [] when none. */
export async function findLicences(source: string): Promise<string[]> {
  let dir = (await isDir(source)) ? source : dirname(source);
  for (let level = 0; level <= LICENCE_LEVELS; level++) {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (level > 0 && (names.includes('package.json') || names.includes('.git'))) return [];
    const found: string[] = [];
    for (const n of names.filter((n) => LICENCE_NAME.test(n)).sort()) if (await isFile(join(dir, n))) found.push(join(dir, n));
    if (found.length > 0) return found;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return [];
}

/**
 * Copies `files` into `outDir` under their own names; a different file of the same name already
 * copied in this run gets its folder's name appended (`LICENSE-models-se`). Returns the names written.
 */
export async function copyLicences(files: string[], outDir: string, written = new Map<string, Buffer>()): Promise<string[]> {
  const names: string[] = [];
  for (const f of files) {
    const text = await readFile(f);
    let name = basename(f);
    const before = written.get(name);
    if (before?.equals(text)) continue;
    if (before) name = `${name}-${basename(dirname(f))}`;
    await copyFile(f, join(outDir, name));
    written.set(name, text);
    names.push(name);
  }
  return names;
}
