// `npm run size` (after `npm run build`): what the package adds to a site, measured the way a
// site gets it: a page that imports all three entries whole (`cugan-webgpu`, `/videojs`, `/hls`,
// every export kept) is built with Vite, and each JavaScript chunk of the build is gzipped
// (level 9): `initial` is what the page loads up front, `lazy` the chunks it imports when first
// needed (the wide kernels). Vite's modulepreload polyfill is left out (it is the site's, not
// ours); video.js and hls.js are peers, never in it; no weights. A page that uses one player
// pays less. test/e2e/package.test.ts measures the packed tarball the same way and checks the
// README's figure against it. Prints JSON; `--max BYTES` exits 1 when `initial` is larger.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const PAGE = `<!doctype html>
<meta charset="utf-8" />
<script type="module">
  import * as core from 'cugan-webgpu';
  import * as videojs from 'cugan-webgpu/videojs';
  import * as hls from 'cugan-webgpu/hls';
  window.cuganEntries = { core, videojs, hls }; // every export kept: the most a page can pay
</script>
`;

/**
 * Builds the three-entry page in `dir` (created, then removed) with Vite and returns
 * `{ initial: { min, gzip }, lazy: { min, gzip }, files: { name: { min, gzip, lazy } } }`.
 * `cugan-webgpu` resolves from `dir` (node_modules), or through `alias` (e.g. to dist/).
 */
export async function siteCost(dir, alias = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'entries.html'), PAGE);
  try {
    const out = await build({
      configFile: false,
      root: dir,
      logLevel: 'warn',
      publicDir: false,
      resolve: { alias },
      build: { write: false, modulePreload: { polyfill: false }, rolldownOptions: { input: join(dir, 'entries.html') } },
    });
    const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c) => c.type === 'chunk');
    const cost = { initial: { min: 0, gzip: 0 }, lazy: { min: 0, gzip: 0 }, files: {} };
    for (const c of chunks) {
      const min = Buffer.byteLength(c.code);
      const gzip = gzipSync(c.code, { level: 9 }).byteLength;
      const part = c.isDynamicEntry ? cost.lazy : cost.initial;
      part.min += min;
      part.gzip += gzip;
      cost.files[c.fileName] = { min, gzip, lazy: c.isDynamicEntry };
    }
    return cost;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dist = join(root, 'dist');
  const alias = [
    { find: /^cugan-webgpu$/, replacement: join(dist, 'index.js') },
    { find: /^cugan-webgpu\/(videojs|hls)$/, replacement: join(dist, '$1.js') },
  ];
  const maxAt = process.argv.indexOf('--max');
  const max = maxAt > 0 ? Number(process.argv[maxAt + 1]) : undefined;
  const cost = await siteCost(join(root, 'test', '.tmp', 'bundle-size'), alias);
  console.log(JSON.stringify(cost, null, 1));
  if (max !== undefined && cost.initial.gzip > max) {
    console.error(`the three entries load ${cost.initial.gzip} bytes min+gzip up front, over the budget of ${max}`);
    process.exit(1);
  }
}
