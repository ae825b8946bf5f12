// The bench page's server: Vite with the repository as root (the page imports src/ directly),
// plus raw folders: /media (real anime frames), /peers (the ONNX graphs), /models (converted
// weights), /ort (onnxruntime-web's wasm files). Every response is cross-origin isolated
// (COOP/COEP), which onnxruntime-web's wasm backend needs for threads (SharedArrayBuffer).
import { join } from 'node:path';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { staticHandler } from '../../test/helpers/server.js';
import { MODELS_DIR, ROOT } from '../../test/helpers/vite.js';

export const SHARED = process.env.CUGAN_SHARED ?? join(ROOT, '..', 'shared');
export const MEDIA_DIR = process.env.CUGAN_MEDIA ?? join(SHARED, 'media');
export const PEERS_DIR = process.env.CUGAN_PEERS ?? join(SHARED, 'peers');

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

function rawFolders(): Plugin {
  return {
    name: 'cugan-bench-raw-folders',
    configureServer(server) {
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
        next();
      });
      for (const [prefix, dir] of [
        ['/media', MEDIA_DIR],
        ['/peers', PEERS_DIR],
        ['/models', MODELS_DIR],
        ['/ort', join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')],
        ['/test/.media', join(ROOT, 'test', '.media')],
      ] as const) {
        const handle = staticHandler(dir, { headers: ISOLATION });
        server.middlewares.use(prefix, (req, res, next) => void handle(req, res).catch(next));
      }
    },
  };
}

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const server: ViteDevServer = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    clearScreen: false,
    appType: 'mpa',
    cacheDir: join(ROOT, 'test', '.tmp', 'vite-cache-bench'),
    plugins: [rawFolders()],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false, watch: null, headers: ISOLATION },
    optimizeDeps: { include: ['onnxruntime-web/webgpu', 'anime4k-webgpu', 'hls.js'], noDiscovery: true },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('vite: no TCP address');
  }
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
