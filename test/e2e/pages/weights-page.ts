// Test page: loads a model the way the players do (loadModel over HTTP, manifest, hash check,
// Cache API), timed. Each page load is a new visit: nothing stays in memory between them.
import { loadModel, MODEL_CACHE_NAME, type LoadProgress } from '../../../src/runtime/model/load.js';
import { CuganError } from '../../../src/runtime/errors.js';

async function load(baseUrl: string, id: string): Promise<{ ms: number; cached: boolean; events: number; code?: string }> {
  const events: LoadProgress[] = [];
  const t0 = performance.now();
  try {
    await loadModel(id, { dtype: 'f32', baseUrl, onProgress: (p) => events.push(p) });
  } catch (e) {
    return { ms: performance.now() - t0, cached: false, events: events.length, code: e instanceof CuganError ? e.code : String(e) };
  }
  return { ms: performance.now() - t0, cached: events.at(-1)?.cached ?? false, events: events.length };
}

const clearCache = (): Promise<boolean> => caches.delete(MODEL_CACHE_NAME);

Object.assign(window, { cugan: { load, clearCache, secure: isSecureContext, hasCaches: typeof caches !== 'undefined' } });
