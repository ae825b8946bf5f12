// `npm run extension:build`: the Chromium extension (Manifest V3) in extension/dist/, ready for
// "Load unpacked", and the same files zipped as extension/cugan-webgpu-extension.zip.
//
//   content.js      the content script (IIFE: the library's core and caption layer inside,
//                   the wide kernels' chunk inlined: an extension loads no remote code)
//   background.js   the service worker
//   popup.html/js/css
//   models/         the default model set (extension/models.json) as f16 packed files with the
//                   converter's manifest.json (sizes, SHA-256) and the weights' licences,
//                   converted here from $CUGAN_WEIGHTS (default ../shared/weights/realcugan);
//                   CUGAN_EXTENSION_MODELS=all packs all 18 models
//   manifest.json   extension/manifest.json with the package's version
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, crc32 } from 'node:zlib';
import { build } from 'vite';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '..');
const DIST = join(HERE, 'dist');
const ZIP = join(HERE, 'cugan-webgpu-extension.zip');
const WEIGHTS = process.env.CUGAN_WEIGHTS ? resolve(process.env.CUGAN_WEIGHTS) : resolve(ROOT, '..', 'shared', 'weights', 'realcugan');

const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

rmSync(DIST, { recursive: true, force: true });
rmSync(ZIP, { force: true });
mkdirSync(DIST, { recursive: true });
run(['scripts/embed-shaders.mjs']);

// Three self-contained classic scripts. The library's default models folder is never used (the
// extension always passes its own); the defines keep import.meta out of the bundles.
for (const [name, entry] of [['content', 'src/content/main.ts'], ['background', 'src/background/main.ts'], ['popup', 'src/popup/main.ts']]) {
  await build({
    configFile: false,
    root: HERE,
    logLevel: 'warn',
    publicDir: false,
    define: {
      __CUGAN_MODELS_FOLDER__: JSON.stringify('models/'),
      'import.meta.url': JSON.stringify('chrome-extension://invalid/'),
      'import.meta.resolve': 'undefined', // Vite's preload helper, dead here
    },
    build: {
      outDir: DIST,
      emptyOutDir: false,
      target: 'chrome121',
      minify: true,
      sourcemap: false,
      modulePreload: false, // no preload helper: the wide kernels' dynamic import is inlined (one file)
      rolldownOptions: {
        input: join(HERE, entry),
        output: { format: 'iife', entryFileNames: `${name}.js` },
      },
    },
  });
}

for (const f of ['popup.html', 'popup.css']) copyFileSync(join(HERE, 'src', 'popup', f), join(DIST, f));
copyFileSync(join(ROOT, 'LICENSE'), join(DIST, 'LICENSE'));
const manifest = JSON.parse(readFileSync(join(HERE, 'manifest.json'), 'utf8'));
manifest.version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
writeFileSync(join(DIST, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// The models, converted from the released weights (never committed: extension/dist is gitignored).
const wanted = process.env.CUGAN_EXTENSION_MODELS === 'all'
  ? [WEIGHTS]
  : JSON.parse(readFileSync(join(HERE, 'models.json'), 'utf8')).models.map((id) => {
      const [family, name] = id.split('/');
      return join(WEIGHTS, `models-${family}`, `${name}.param`);
    });
for (const src of wanted) {
  try {
    statSync(src);
  } catch {
    console.error(`extension:build: ${src} not found: set CUGAN_WEIGHTS to the released Real-CUGAN weights (ncnn models-se/pro/nose folders)`);
    process.exit(1);
  }
}
run(['--import', 'tsx', 'weights/cli.ts', '--out', join(DIST, 'models'), '--dtype', 'f16', ...wanted]);

// The zip (stored paths relative to dist/, deflated): what a store upload takes.
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
const all = files(DIST).sort();
writeFileSync(ZIP, zip(all.map((f) => ({ name: relative(DIST, f).split('\\').join('/'), data: readFileSync(f) }))));

const size = (n) => `${(n / 1e6).toFixed(2)} MB`;
const total = all.reduce((n, f) => n + statSync(f).size, 0);
const models = all.filter((f) => f.endsWith('.cugan'));
const code = all.filter((f) => f.endsWith('.js')).reduce((n, f) => n + statSync(f).size, 0);
console.log(
  `extension/dist: ${all.length} files, ${size(total)} (${models.length} models ${size(models.reduce((n, f) => n + statSync(f).size, 0))}, ` +
    `scripts ${(code / 1e3).toFixed(1)} KB); ${relative(ROOT, ZIP)}: ${size(statSync(ZIP).size)}`,
);

/** A zip archive of `entries` (deflate, no extras): local headers, central directory, end record. */
function zip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const packed = deflateRawSync(data, { level: 9 });
    const deflated = packed.length < data.length;
    const body = deflated ? packed : data;
    const nameBytes = Buffer.from(name, 'utf8');
    // The fields a local header (at 6) and its central directory entry (at 8) share.
    const fields = (buf, at) => {
      buf.writeUInt16LE(0x0800, at); // UTF-8 names
      buf.writeUInt16LE(deflated ? 8 : 0, at + 2);
      buf.writeUInt16LE(0, at + 4); // 00:00:00
      buf.writeUInt16LE((1 << 5) | 1, at + 6); // 1980-01-01: reproducible archives
      buf.writeUInt32LE(crc32(data), at + 8);
      buf.writeUInt32LE(body.length, at + 12);
      buf.writeUInt32LE(data.length, at + 16);
      buf.writeUInt16LE(nameBytes.length, at + 20);
      return buf;
    };
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt32LE(offset, 42);
    central.push(fields(dir, 8), nameBytes);
    parts.push(fields(head, 6), nameBytes, body);
    offset += head.length + nameBytes.length + body.length;
  }
  const dirBytes = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
