// Runs test files with Node's test runner (TypeScript through tsx).
// Usage: node test/run.mjs DIR_OR_FILE... ; files are *.test.ts under each DIR.
// With $CUGAN_TEST_ADAPTER (scripts/gpu-test.sh sets it), a folder contributes only the files
// whose `// @adapters NAME...` line names that adapter (files without one: swiftshader), so each
// GPU test file says where it must pass; files named on the command line always run.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const adapter = process.env.CUGAN_TEST_ADAPTER;
/** The adapters a test file declares it runs on. */
const adaptersOf = (file) => /^\/\/ @adapters (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1].trim().split(/\s+/) ?? ['swiftshader'];
const wanted = (file) => !adapter || adapter === 'system' || adaptersOf(file).includes(adapter);

const find = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : name.endsWith('.test.ts') && wanted(p) ? [p] : [];
  });
const files = process.argv
  .slice(2)
  .flatMap((a) => (statSync(a).isDirectory() ? find(a) : [a]))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${process.argv.slice(2).join(', ')}${adapter ? ` for adapter ${adapter}` : ''}`);
  process.exit(1);
}
if (adapter) console.error(`adapter ${adapter}: ${files.length} test file(s)`);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
