// Runs test files with Node's test runner (TypeScript through tsx).
// Usage: node test/run.mjs DIR_OR_FILE... ; files are *.test.ts under each DIR.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const find = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : name.endsWith('.test.ts') ? [p] : [];
  });
const files = process.argv
  .slice(2)
  .flatMap((a) => (statSync(a).isDirectory() ? find(a) : [a]))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${process.argv.slice(2).join(', ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
