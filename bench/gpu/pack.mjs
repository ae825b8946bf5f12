// Packs `npm run bench:gpu` for a GPU machine that has no Node, no npm registry and no
// internet (a lent machine: see bench/README.md): .bench-gpu/bench-gpu.tar.xz (gitignored)
// holds a Node binary, the bench bundled into one module, Dawn's Linux x64 binding, the
// onnxruntime-web files it loads, the models, frame and ONNX graph it measures, and the Vulkan
// loader as .deb files. bench/gpu/on-device.sh unpacks and runs it there.
//   node bench/gpu/pack.mjs        (needs npm ci, the models, ../shared, apt-get for the loader)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, '.bench-gpu');
const STAGE = join(OUT, 'stage');
const SHARED = join(ROOT, '..', 'shared');
const MODELS = process.env.CUGAN_MODELS ?? join(ROOT, 'models');
/** What bench/gpu/main.ts loads (its model list and the peer's model). */
const MODEL_IDS = ['se/up2x-conservative', 'se/up2x-no-denoise', 'se/up3x-conservative', 'se/up4x-conservative', 'nose/up2x-no-denoise'];
const LIMIT = 60 * 2 ** 20; // the lent machine takes 64 MiB with the working tree

const copy = (from, to) => {
  if (!existsSync(from)) throw new Error(`missing ${from}`);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
};

rmSync(OUT, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
execFileSync(process.execPath, [join(ROOT, 'scripts/embed-shaders.mjs')], { stdio: 'inherit' });

// The bench and everything it imports, bundled; webgpu and onnxruntime-web stay packages.
await build({
  configFile: false,
  root: ROOT,
  logLevel: 'warn',
  publicDir: false,
  define: { __CUGAN_MODELS_FOLDER__: JSON.stringify('../models/') },
  ssr: { noExternal: true },
  build: {
    outDir: join(STAGE, 'app'),
    emptyOutDir: false,
    target: 'node20',
    ssr: true,
    minify: false,
    rolldownOptions: {
      input: { 'bench-gpu': 'bench/gpu/main.ts' },
      external: ['webgpu', /^onnxruntime-web(\/|$)/, /^node:/],
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
});

const nm = (p) => join(ROOT, 'node_modules', p);
const app = (p) => join(STAGE, 'app', 'node_modules', p);
for (const f of ['package.json', 'index.js', 'dist/linux-x64/dawn.node']) copy(nm(`webgpu/${f}`), app(`webgpu/${f}`));
for (const f of ['package.json', 'dist/ort.all.bundle.min.mjs', 'dist/ort-wasm-simd-threaded.jsep.mjs', 'dist/ort-wasm-simd-threaded.jsep.wasm']) {
  copy(nm(`onnxruntime-web/${f}`), app(`onnxruntime-web/${f}`));
}
for (const id of MODEL_IDS) copy(join(MODELS, `${id}.f32.cugan`), join(STAGE, 'models', `${id}.f32.cugan`));
copy(join(MODELS, 'manifest.json'), join(STAGE, 'models', 'manifest.json'));
for (const f of readdirSync(MODELS).filter((f) => f.startsWith('LICENSE'))) copy(join(MODELS, f), join(STAGE, 'models', f));
copy(join(SHARED, 'media', 'frame-480p.png'), join(STAGE, 'media', 'frame-480p.png'));
// The 960x540 graph is the GPU run's peer; the 64x64 one lets a --dry-run check the bundle on a software adapter.
for (const size of ['960x540', '64x64']) {
  const f = `realcugan_se_up2x-no-denoise_${size}.onnx`;
  copy(join(SHARED, 'peers', f), join(STAGE, 'peers', f));
}
copyFileSync(process.execPath, join(STAGE, 'node'));

// The Vulkan loader, for a machine whose image lacks it (unpacked there only if missing).
mkdirSync(join(STAGE, 'deb'), { recursive: true });
const lists = join(OUT, 'apt-lists');
mkdirSync(join(lists, 'partial'), { recursive: true });
const apt = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
const upd = spawnSync('apt-get', [...apt, 'update', '-qq'], { stdio: 'inherit' });
const dl = upd.status === 0 ? spawnSync('apt-get', [...apt, 'download', 'libvulkan1'], { cwd: join(STAGE, 'deb'), stdio: 'inherit' }) : upd;
if (dl.status !== 0) console.error('pack: could not download libvulkan1 (apt-get); the bundle relies on the machine having the Vulkan loader');
rmSync(lists, { recursive: true, force: true });

writeFileSync(join(STAGE, 'VERSION'), `${execFileSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim()} node ${process.version}\n`);
const tar = join(OUT, 'bench-gpu.tar.xz');
execFileSync('tar', ['-C', STAGE, '-cf', tar, '--use-compress-program=xz -9 -T2', '.'], { stdio: 'inherit' });
rmSync(STAGE, { recursive: true, force: true });
const size = statSync(tar).size;
console.log(`wrote ${tar}: ${(size / 2 ** 20).toFixed(1)} MiB`);
if (size > LIMIT) {
  console.error(`pack: ${(size / 2 ** 20).toFixed(1)} MiB is over the ${LIMIT / 2 ** 20} MiB a lent machine takes`);
  process.exit(1);
}
