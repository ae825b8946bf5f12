// A tiny static HTTP server for tests (node:http, no dependencies): serves one directory on
// 127.0.0.1 at a random port, with the MIME types the video tests need, byte ranges (media
// elements and hls.js ask for them) and, optionally, `Access-Control-Allow-Origin: *`.
//
//   const media = await serveStatic('test/.media/hls', { cors: true });
//   ... `${media.url}/master.m3u8` ...
//   await media.close();

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.cugan': 'application/octet-stream',
};

export interface StaticServerOptions {
  /** Send `Access-Control-Allow-Origin: *` (and answer CORS preflights). Default false. */
  cors?: boolean;
  /** Extra headers on every response. */
  headers?: Record<string, string>;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Every request path seen, in order (e.g. to assert which segments were fetched). */
  requests: string[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The request handler of `serveStatic`, on its own: usable as a connect middleware (Vite's
 * `server.middlewares.use('/prefix', ...)` strips the prefix from `req.url`). Paths resolve
 * under `dir`; a missing file is a 404 (the handler never passes a request on).
 */
export function staticHandler(dir: string, options: StaticServerOptions = {}, requests?: string[]): Handler {
  const root = resolve(dir);
  return async (req, res) => {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...options.headers };
    if (options.cors) {
      headers['Access-Control-Allow-Origin'] = '*';
      headers['Access-Control-Expose-Headers'] = 'Content-Length, Content-Range, Accept-Ranges';
    }
    const fail = (code: number, text: string, extra: Record<string, string> = {}) => {
      res.writeHead(code, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests?.push(url.pathname);
    if (req.method === 'OPTIONS' && options.cors) {
      res.writeHead(204, {
        ...headers,
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed', { Allow: 'GET, HEAD' });

    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return fail(400, 'bad path');
    }
    let file = join(root, path);
    if (file !== root && !file.startsWith(root + sep)) return fail(403, 'outside the served folder');
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info?.isFile()) return fail(404, `not found: ${path}`);

    headers['Content-Type'] = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    headers['Accept-Ranges'] = 'bytes';
    headers['Last-Modified'] = info.mtime.toUTCString();
    const size = info.size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      // One range only ("bytes=a-b", "bytes=a-", "bytes=-n"); several ranges are answered whole.
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(end, Number(m[2]));
        }
        if (start >= size || start > end) return fail(416, 'range not satisfiable', { 'Content-Range': `bytes */${size}` });
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
    }
    headers['Content-Length'] = String(size === 0 ? 0 : end - start + 1);
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    const stream = createReadStream(file, { start, end });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}

/** Serves `dir` on 127.0.0.1, port chosen by the OS. */
export async function serveStatic(dir: string, options: StaticServerOptions = {}): Promise<TestServer> {
  const requests: string[] = [];
  const handle = staticHandler(dir, options, requests);
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(e));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
