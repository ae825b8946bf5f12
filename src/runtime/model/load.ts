// Getting a packed model: from bytes the caller has, from the converter's output folder
// (Node: the host's modelFolder, runtime/platform), or over HTTP (browser, or Node with an http(s) base URL). The file name is
// `<id>.<dtype>.cugan`; a `manifest.json` beside the files (written by the converter) gives
// each file's size and SHA-256. Over HTTP a model is then downloaded with progress, verified,
// and kept in the Cache API keyed by its hash, so a later visit starts without downloading.

import { platform } from '#platform';
import { CuganError } from '../errors.js';
import type { ModelFolder } from '../platform/platform.js';
import { findModel, MODELS } from './architecture.js';
import { defaultModelsUrl } from './default-base-url.js';
import { readPackedModel, type PackedModel, type WeightDType } from './packed-format.js';
import { findManifestEntry, MANIFEST_FILE, readManifest, type ManifestEntry, type ModelManifest } from './manifest.js';
import { sha256Hex } from './sha256.js';

export type ModelSource = Uint8Array | ArrayBuffer | PackedModel;

/** Where a model download stands; `cached` when it came from the Cache API (or a local file). */
export interface LoadProgress {
  model: string;
  /** Bytes received so far. */
  loaded: number;
  /** Bytes expected (from the manifest, else Content-Length); 0 when unknown. */
  total: number;
  cached: boolean;
  done: boolean;
}

export interface LoadOptions {
  dtype: WeightDType;
  /**
   * Browser: base URL of the models folder (default `models/` next to the package: see
   * README). Node: a folder path (default $CUGAN_MODELS or the package's models/), or an http(s) URL.
   */
  baseUrl?: string;
  /** Give up (WEIGHTS_TIMEOUT) when a download receives nothing for this long (ms, default 30000). */
  timeoutMs?: number;
  /** Download progress: at the start, per received chunk, and once done. */
  onProgress?: (p: LoadProgress) => void;
  /** Use the Cache API where the browser has it (default true). */
  cache?: boolean;
}

/** Name of the Cache API cache holding verified model files. */
export const MODEL_CACHE_NAME = 'cugan-webgpu-models';
export const DEFAULT_TIMEOUT_MS = 30_000;

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
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) throw new CuganError('BAD_OPTION', `timeoutMs must be a positive number, got ${String(opts.timeoutMs)}`);
  const folder = platform.modelFolder?.(opts.baseUrl);
  return folder ? loadFromFolder(model, folder, opts) : loadOverHttp(model, opts);
}

// ------------------------------------------------------------------ a local folder (Node)

async function loadFromFolder(id: string, folder: ModelFolder, opts: LoadOptions): Promise<PackedModel> {
  const manifest = await folder.read(MANIFEST_FILE).then(
    (bytes) => readManifest(JSON.parse(new TextDecoder().decode(bytes)), folder.where(MANIFEST_FILE)),
    () => undefined, // a folder without a manifest (an older conversion): nothing to verify against
  );
  const entry = manifest && findManifestEntry(manifest, id, opts.dtype);
  const file = entry?.file ?? modelFileName(id, opts.dtype);
  const path = folder.where(file);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await folder.read(file);
  } catch (e) {
    throw new CuganError('WEIGHTS_NOT_FOUND', `model "${id}": ${path} not found (run \`npm run weights\` to convert the released weights)`, { cause: e });
  }
  const packed = readPackedModel(bytes, path); // its checksum first: damage is WEIGHTS_CORRUPT, not WEIGHTS_HASH
  if (entry) await verify(bytes, entry, path);
  opts.onProgress?.({ model: id, loaded: bytes.byteLength, total: bytes.byteLength, cached: true, done: true });
  return expectModel(packed, id, path);
}

// ------------------------------------------------------------------ HTTP

/** The manifest of each base URL, fetched once (null: the folder has none). */
const manifests = new Map<string, Promise<ModelManifest | null>>();

async function loadOverHttp(id: string, opts: LoadOptions): Promise<PackedModel> {
  // A relative base ('/cugan-models/') is relative to the page.
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const base = new URL((opts.baseUrl ?? defaultModelsUrl().href).replace(/\/?$/, '/'), page).href;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const manifest = await manifestOf(base, timeoutMs);
  const entry = manifest ? findManifestEntry(manifest, id, opts.dtype) : undefined;
  if (manifest && !entry) {
    throw new CuganError('WEIGHTS_NOT_FOUND', `model "${id}" (${opts.dtype}) is not in ${base}${MANIFEST_FILE}; convert it into that folder: npx cugan-weights --dtype ${opts.dtype} --out DIR SOURCE…`);
  }
  const url = new URL(entry?.file ?? modelFileName(id, opts.dtype), base).href;
  const report = (p: Omit<LoadProgress, 'model'>) => opts.onProgress?.({ model: id, ...p });

  const cache = entry && opts.cache !== false ? await openCache() : undefined;
  const key = entry && `${url}?sha256=${entry.sha256}`;
  if (cache && key && entry) {
    const hit = await cache.match(key).catch(() => undefined);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      try {
        const packed = readPackedModel(bytes, `${url} (cached)`);
        await verify(bytes, entry, `${url} (cached)`);
        report({ loaded: bytes.byteLength, total: bytes.byteLength, cached: true, done: true });
        return expectModel(packed, id, url);
      } catch {
        await cache.delete(key).catch(() => false); // a damaged cache entry: download again
      }
    }
  }

  const bytes = await download(url, `model "${id}"`, timeoutMs, entry?.bytes, report);
  const packed = readPackedModel(bytes, url);
  if (entry) await verify(bytes, entry, url);
  if (cache && key) await store(cache, url, key, bytes);
  report({ loaded: bytes.byteLength, total: bytes.byteLength, cached: false, done: true });
  return expectModel(packed, id, url);
}

/** A model file read for an id must hold that model (a renamed or mixed-up file is refused). */
function expectModel(packed: PackedModel, id: string, where: string): PackedModel {
  if (packed.model.id !== id) {
    throw new CuganError('WEIGHTS_SHAPE', `${where} holds the model ${packed.model.id}, not the requested ${id}`);
  }
  return packed;
}

/** Keeps `bytes` under `key`, and drops older versions of the same file (other hashes). */
async function store(cache: Cache, url: string, key: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  try {
    await cache.put(key, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
    for (const old of await cache.keys()) {
      if (old.url.startsWith(`${url}?sha256=`) && old.url !== key) await cache.delete(old);
    }
  } catch {
    // Quota or storage errors only cost the next visit a download.
  }
}

async function manifestOf(base: string, timeoutMs: number): Promise<ModelManifest | null> {
  let m = manifests.get(base);
  if (!m) {
    const url = `${base}${MANIFEST_FILE}`;
    m = (async () => {
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await download(url, 'the models manifest', timeoutMs, undefined, () => {});
      } catch (e) {
        // No manifest (a folder of bare .cugan files): load unverified. Timeouts still fail.
        if (e instanceof CuganError && e.code === 'WEIGHTS_NOT_FOUND' && (e as { status?: number }).status === 404) return null;
        throw e;
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new CuganError('WEIGHTS_CORRUPT', `${url}: not JSON`, { cause: e });
      }
      return readManifest(json, url);
    })();
    manifests.set(base, m);
    m.catch(() => manifests.delete(base)); // try again on the next load
  }
  return m;
}

async function openCache(): Promise<Cache | undefined> {
  const caches = (globalThis as { caches?: CacheStorage }).caches;
  if (!caches) return undefined; // Node, or a page that is not a secure context
  return caches.open(MODEL_CACHE_NAME).catch(() => undefined); // e.g. storage blocked
}

/**
 * Fetches `url` whole, reporting progress per chunk; WEIGHTS_TIMEOUT when nothing arrives for
 * `timeoutMs` (connecting or between chunks), WEIGHTS_NOT_FOUND for an HTTP error or a failed
 * request (with `status` on the error for HTTP answers).
 */
async function download(
  url: string,
  what: string,
  timeoutMs: number,
  expected: number | undefined,
  report: (p: Omit<LoadProgress, 'model'>) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const abort = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
  };
  const timeout = (e?: unknown) =>
    new CuganError('WEIGHTS_TIMEOUT', `${what}: nothing received from ${url} for ${timeoutMs} ms`, { cause: e });
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: abort.signal });
    } catch (e) {
      if (timedOut) throw timeout(e);
      throw new CuganError('WEIGHTS_NOT_FOUND', `${what}: could not fetch ${url} (network error, or a cross-origin server without CORS)`, { cause: e });
    }
    if (!res.ok) {
      throw Object.assign(new CuganError('WEIGHTS_NOT_FOUND', `${what}: ${url} answered HTTP ${res.status}`), { status: res.status });
    }
    const length = Number(res.headers.get('Content-Length')) || 0;
    const total = expected ?? length;
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    report({ loaded, total, cached: false, done: false });
    try {
      if (!res.body) {
        const all = new Uint8Array(await res.arrayBuffer());
        chunks.push(all);
        loaded = all.byteLength;
      } else {
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          arm();
          chunks.push(value);
          loaded += value.byteLength;
          report({ loaded, total, cached: false, done: false });
        }
      }
    } catch (e) {
      if (timedOut) throw timeout(e);
      throw new CuganError('WEIGHTS_NOT_FOUND', `${what}: the download of ${url} broke off after ${loaded} bytes`, { cause: e });
    }
    const bytes = new Uint8Array(loaded);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}

/** Size, then SHA-256 (where WebCrypto exists), against the manifest: WEIGHTS_HASH otherwise. */
async function verify(bytes: Uint8Array<ArrayBuffer>, entry: ManifestEntry, where: string): Promise<void> {
  if (bytes.byteLength !== entry.bytes) {
    throw new CuganError('WEIGHTS_HASH', `${where}: ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
  }
  const hash = await sha256Hex(bytes);
  if (hash !== undefined && hash !== entry.sha256) {
    throw new CuganError('WEIGHTS_HASH', `${where}: SHA-256 ${hash}, the manifest says ${entry.sha256}`);
  }
}
