// npm postinstall. In a checkout of the repository: embed the WGSL sources, then convert the
// Real-CUGAN weights (weights/postinstall.mjs). Installed as a dependency (a tarball holds no
// src/shaders or weights/ sources) there is nothing to do. Never fails an install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (existsSync(`${root}src/shaders`) && existsSync(`${root}weights/postinstall.mjs`)) {
  for (const script of ['scripts/embed-shaders.mjs', 'weights/postinstall.mjs']) {
    spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  }
}
process.exit(0);
