// npm `prepare`: runs on `npm install` / `npm ci` in a checkout of the repository (and before
// `npm pack`), never when the package is installed from the registry or a tarball, so a site
// installing cugan-webgpu runs no install script of ours (npm 11 lists packages with install
// scripts for review; later versions skip unreviewed ones). It embeds the WGSL sources, then
// converts the Real-CUGAN weights (weights/postinstall.mjs). Never fails an install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// npm also runs `prepare` for `npm pack` / `npm publish`, whose `prepack` build embeds the
// shaders itself and needs no models (and `npm pack --json` wants nothing else on stdout).
const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
if (!packing && existsSync(`${root}src/shaders`) && existsSync(`${root}weights/postinstall.mjs`)) {
  for (const script of ['scripts/embed-shaders.mjs', 'weights/postinstall.mjs']) {
    spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  }
}
process.exit(0);
