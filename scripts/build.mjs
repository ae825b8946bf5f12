// `npm run build`: the package as consumers get it, in dist/ (gitignored).
//   dist/index.js, dist/hls.js, dist/videojs.js   minified ESM for browsers and bundlers
//     (the core, the hls.js integration, the video.js plugin; shared code in dist/*-<hash>.js
//     chunks beside them, WGSL embedded, video.js / hls.js left as peer imports)
//   dist/node.js                                   the core for Node (package.json `exports` "node"):
//     the same API with the Node host (src/runtime/platform/node.ts: the `webgpu` package, model folders)
//   dist/cli.js, dist/weights-cli.js               the `cugan` and `cugan-weights` commands (Node)
//   dist/types/**.d.ts                             declarations (tsc)
// Every JS file sits directly in dist/, so the default models folder, resolved against a
// module's own URL, is the package's models/ for all of them (src/runtime/model/default-base-url.ts).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist`;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

rmSync(DIST, { recursive: true, force: true });
run(process.execPath, ['scripts/embed-shaders.mjs']);

const define = { __CUGAN_MODELS_FOLDER__: JSON.stringify('../models/') };
const quiet = { configFile: false, root: ROOT, logLevel: 'warn', publicDir: false };

// Browser library: three entries, peer dependencies left out. `#platform` resolves to the
// browser host here (package.json "imports"), so no Node module is reached.
await build({
  ...quiet,
  define,
  build: {
    outDir: DIST,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: {
      entry: { index: 'src/index.ts', hls: 'src/hls.ts', videojs: 'src/videojs.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      external: [/^video\.js(\/|$)/, /^hls\.js(\/|$)/],
      // Vite keeps whitespace in ES library output; consumers get it minified anyway.
      output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', minify: true },
    },
  },
});

// Node: the core and the commands, everything bundled but the runtime dependencies (package.json
// "dependencies", and the optional `webgpu`); `#platform` resolves to the Node host.
await build({
  ...quiet,
  define,
  build: {
    outDir: DIST,
    emptyOutDir: false,
    target: 'node20',
    ssr: true,
    minify: false,
    sourcemap: false,
    rolldownOptions: {
      input: { node: 'src/index.ts', cli: 'src/cli/launch.ts', 'weights-cli': 'weights/cli.ts' },
      external: ['webgpu', 'sharp', /^node:/],
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'node-[name]-[hash].js' },
    },
  },
});

run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
