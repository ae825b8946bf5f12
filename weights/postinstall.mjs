// Run at install time by scripts/prepare.mjs (npm `prepare` of a checkout): converts the
// Real-CUGAN weights when the source folder is there, and otherwise prints one line. It must
// never fail an install (e.g. without the weights or without tsx), so every path exits 0.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

try {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const src = process.env.CUGAN_WEIGHTS ? resolve(process.env.CUGAN_WEIGHTS) : resolve(repo, '..', 'shared', 'weights', 'realcugan');
  if (!existsSync(src)) {
    console.log(`cugan-webgpu: no Real-CUGAN weights at ${src}, skipping conversion (set CUGAN_WEIGHTS, then npm run weights)`);
  } else {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'weights', 'cli.ts'), src], { cwd: repo, stdio: 'inherit' });
    if (r.status !== 0) console.log('cugan-webgpu: weight conversion did not finish (is tsx installed?); run npm run weights later');
  }
} catch (err) {
  console.log(`cugan-webgpu: weight conversion skipped (${err instanceof Error ? err.message : String(err)})`);
}
process.exit(0);
