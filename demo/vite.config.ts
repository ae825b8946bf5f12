// Vite config of the demo page (root: this folder).
//   npm run demo         dev server; /models/ and /media/ are served raw from the repository
//   npm run demo:build   static site in demo/dist, with the f32 models and the test stream copied in
// The converted models come from `npm install` / `npm run weights` (models/ at the repository
// root); the test stream (test/.media/hls) is built here with ffmpeg when it is missing
// (scripts/build-test-stream.mjs), so a fresh clone needs `npm install` and `npm run demo` only.
import { spawnSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const DEMO = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(DEMO, '..');
const MODELS = process.env.CUGAN_MODELS ?? join(ROOT, 'models');
const MEDIA = join(ROOT, 'test', '.media', 'hls');

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.m2t': 'video/mp2t',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8',
  '.cugan': 'application/octet-stream',
};

/** Serves /models/ and /media/ straight from disk in dev: Vite would otherwise compile the
 * MPEG-TS segments (*.ts) as TypeScript, and it sends no type for .m3u8 or .cugan. */
function rawFiles(): Plugin {
  return {
    name: 'cugan-demo-raw-files',
    configureServer(server) {
      for (const [prefix, dir] of [['/models', MODELS], ['/media', MEDIA]] as const) {
        server.middlewares.use(prefix, (req, res) => {
          const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
          const file = resolve(dir, `.${path}`);
          if (!file.startsWith(resolve(dir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
            res.statusCode = 404;
            res.end(`not found: ${prefix}${path} (npm run weights / node scripts/build-test-stream.mjs)`);
            return;
          }
          res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
          res.setHeader('Content-Length', String(statSync(file).size));
          res.setHeader('Cache-Control', 'no-store');
          createReadStream(file).pipe(res);
        });
      }
    },
  };
}

/**
 * Before serving or building: builds the test stream when it is not there (ffmpeg, ~10 s once),
 * and says in one line what is missing when it cannot, or when there are no models. The page
 * still opens (its URL field plays any other stream).
 */
function prerequisites(): Plugin {
  let checked = false;
  return {
    name: 'cugan-demo-prerequisites',
    buildStart() {
      if (checked) return;
      checked = true;
      if (!existsSync(join(MODELS, 'se', 'up2x-conservative.f32.cugan'))) {
        console.warn(`demo: no converted models in ${MODELS}: run \`npm run weights\` (it reads the Real-CUGAN weights from $CUGAN_WEIGHTS)`);
      }
      if (existsSync(join(MEDIA, 'master.m3u8'))) return;
      console.log('demo: building the test stream with ffmpeg (once, ~10 s): node scripts/build-test-stream.mjs');
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-test-stream.mjs')], { cwd: ROOT, encoding: 'utf8' });
      if (r.status === 0) console.log(`demo: test stream ready in ${MEDIA}`);
      else {
        const why = `${r.stderr ?? ''}`.split('\n').find((l) => l.startsWith('build-test-stream:')) ?? `${r.stderr ?? r.error}`.trim().split('\n')[0];
        console.warn(`demo: no test stream, the page opens without it (${why})`);
      }
    },
  };
}

/**
 * Copies the HLS stream with its MPEG-TS segments renamed `*.ts` -> `*.m2t` (another usual
 * extension of MPEG-TS) and the playlists rewritten to match: `tsc -p .` includes demo/ and
 * would read `demo/dist/media/**\/*.ts` as TypeScript. Players sniff the container from the bytes.
 */
function copyStream(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyStream(src, join(to, name));
    else if (name.endsWith('.m3u8')) writeFileSync(join(to, name), readFileSync(src, 'utf8').replace(/\.ts$/gm, '.m2t'));
    else cpSync(src, join(to, name.replace(/\.ts$/, '.m2t')));
  }
}

/** After the build: copies every f32 model (~90 MB; the demo's menus can pick any of them) and
 * the test stream into dist/. */
function copyAssets(outDir: string): Plugin {
  return {
    name: 'cugan-demo-copy-assets',
    apply: 'build',
    closeBundle() {
      if (!existsSync(MODELS)) this.warn(`no models at ${MODELS}: run npm run weights`);
      else {
        for (const family of readdirSync(MODELS)) {
          const dir = join(MODELS, family);
          if (!statSync(dir).isDirectory()) continue;
          for (const f of readdirSync(dir).filter((n) => n.endsWith('.f32.cugan'))) {
            mkdirSync(join(outDir, 'models', family), { recursive: true });
            cpSync(join(dir, f), join(outDir, 'models', family, f));
          }
        }
        // The manifest (f32 entries: what is copied), so the site verifies and caches the
        // models, and the weights' licences, which travel with them.
        const manifest = join(MODELS, 'manifest.json');
        if (existsSync(manifest)) {
          const m = JSON.parse(readFileSync(manifest, 'utf8')) as { models: Array<{ dtype: string }> };
          m.models = m.models.filter((e) => e.dtype === 'f32');
          writeFileSync(join(outDir, 'models', 'manifest.json'), JSON.stringify(m, null, 1));
        }
        for (const f of readdirSync(MODELS).filter((n) => /^LICEN[CS]E/i.test(n))) cpSync(join(MODELS, f), join(outDir, 'models', f));
      }
      if (!existsSync(MEDIA)) this.warn(`no stream at ${MEDIA}: run node scripts/build-test-stream.mjs`);
      else copyStream(MEDIA, join(outDir, 'media'));
    },
  };
}

const outDir = join(DEMO, 'dist');

export default defineConfig({
  root: DEMO,
  base: './', // works from any deploy path
  plugins: [prerequisites(), rawFiles(), copyAssets(outDir)],
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 }, // video.js is most of it
  server: { host: '127.0.0.1' },
});
