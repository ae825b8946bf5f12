// The autotune keeps its choices (the conv kernel set per adapter, the per-class kernels) in
// localStorage; a browser has one, Node has not. For the command line they go to a JSON file,
// so a second run on the same adapter does not time the kernels again: in $CUGAN_CACHE_DIR,
// else $XDG_CACHE_HOME/cugan-webgpu, else ~/.cache/cugan-webgpu. CUGAN_CACHE_DIR=off keeps
// nothing. A cache that cannot be read or written is ignored (the choices are then measured).

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const FILE = 'autotune.json';

/** The cache file, or undefined where caching is off. */
export function tuneCachePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.CUGAN_CACHE_DIR;
  if (dir === 'off') return undefined;
  if (dir) return join(dir, FILE);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cugan-webgpu', FILE);
}

/** A Storage over the JSON file: read once, written on each change (via a temporary file and a rename). */
export function fileStorage(path: string): Pick<Storage, 'getItem' | 'setItem'> {
  let items: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object') items = Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string'));
  } catch {
    // none yet, or unreadable: start empty
  }
  return {
    getItem: (key) => items[key] ?? null,
    setItem: (key, value) => {
      items[key] = String(value);
      try {
        mkdirSync(join(path, '..'), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(items, null, 1) + '\n');
        renameSync(tmp, path);
      } catch {
        // not kept: measured again next run
      }
    },
  };
}

/** Gives this process a localStorage backed by the cache file (unless it has one, or caching is off). */
export function installTuneCache(env: NodeJS.ProcessEnv = process.env): void {
  const g = globalThis as { localStorage?: unknown };
  const path = tuneCachePath(env);
  if (g.localStorage !== undefined || !path) return;
  g.localStorage = fileStorage(path);
}
