// A Vite dev server for the end-to-end test pages: root = the repository, so a page under
// test/e2e/pages/ can load TypeScript from src/ directly:
//
//   <script type="module" src="./smoke.ts"></script>      (smoke.ts: import ... from '../../../src/...')
//
//   const vite = await startVite();
//   await page.goto(`${vite.url}/test/e2e/pages/smoke.html`);
//   ... `${vite.url}${MEDIA_PATH}/master.m3u8`, `${vite.url}/models/se/up2x-conservative.f32.cugan` ...
//   await vite.close();
//
// Media and models are NOT served by Vite itself: Vite would compile the MPEG-TS segments
// (`*.ts`) as TypeScript (500 "Transform failed") and sends no Content-Type for .m3u8 or .cugan.
// A middleware placed before Vite's own serves /test/.media/ and /models/ raw with the static
// handler of ./server.ts (MIME types, byte ranges, no CORS header: it is the same origin).
// For a cross-origin source (CORS on or off) start a separate `serveStatic(dir, { cors })`.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { staticHandler } from './server.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** URL path of the test stream folder (scripts/build-test-stream.mjs writes it). */
export const MEDIA_PATH = '/test/.media/hls';
/** Folder of the converted models (`npm run weights`), served at /models/. */
export const MODELS_DIR = process.env.CUGAN_MODELS ?? join(ROOT, 'models');

export interface ViteTestServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  server: ViteDevServer;
  /** Paths requested under /test/.media/ and /models/, in order. */
  mediaRequests: string[];
  close(): Promise<void>;
}

function rawFiles(mediaRequests: string[]): Plugin {
  return {
    name: 'cugan-test-raw-files',
    configureServer(server) {
      // Added directly (not from a returned function): runs before Vite's transform middleware.
      for (const [prefix, dir] of [
        ['/test/.media', join(ROOT, 'test', '.media')],
        ['/models', MODELS_DIR],
      ] as const) {
        const handle = staticHandler(dir);
        server.middlewares.use(prefix, (req, res, next) => {
          mediaRequests.push(`${prefix}${req.url ?? ''}`.replace(/\?.*$/, ''));
          handle(req, res).catch(next);
        });
      }
    },
  };
}

/** Extra response headers for some paths (e.g. a Content-Security-Policy on one page). */
function pageHeaders(headers: Record<string, Record<string, string>>): Plugin {
  return {
    name: 'cugan-test-page-headers',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const extra = headers[(req.url ?? '').replace(/\?.*$/, '')];
        if (extra) for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
        next();
      });
    },
  };
}

export interface StartViteOptions {
  /** Response headers by URL path, e.g. `{ '/test/e2e/pages/csp.html': { 'Content-Security-Policy': '...' } }`. */
  headers?: Record<string, Record<string, string>>;
}

/** Starts Vite on 127.0.0.1 at a random port (no HMR, no websocket, no file watching). */
export async function startVite(options: StartViteOptions = {}): Promise<ViteTestServer> {
  const mediaRequests: string[] = [];
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    clearScreen: false,
    appType: 'mpa',
    // A cache of its own: the tests must not race a developer's `vite` on node_modules/.vite.
    cacheDir: join(ROOT, 'test', '.tmp', 'vite-cache'),
    plugins: [rawFiles(mediaRequests), pageHeaders(options.headers ?? {})],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false, watch: null },
    // Pre-bundle the players up front (video.js ships CommonJS dependencies) and discover
    // nothing later: a late discovery would reload the page in the middle of a test.
    optimizeDeps: { include: ['hls.js', 'video.js'], noDiscovery: true },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('vite: no TCP address');
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    mediaRequests,
    close: () => server.close(),
  };
}
