// The launcher without a GPU: Dawn's native `Warning: …` lines are dropped from what
// `cugan upscale` prints (issue 16), everything else passes, also mid-line and split across
// chunks; the child's exit status, stdin and stdout pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DawnWarningFilter } from '../../src/cli/dawn-filter.js';

const WARNING = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n';

function filtered(chunks: string[]): string {
  let out = '';
  const f = new DawnWarningFilter((s) => void (out += s));
  for (const c of chunks) f.push(c);
  f.end();
  return out;
}

test('DawnWarningFilter drops whole Warning: lines, keeps the rest, whatever the chunks', () => {
  const text = `${WARNING}${WARNING.replace('Uniform', 'Storage')}cugan: se/up2x-conservative 16x16 -> 32x32\nWarning: x\nno Warning: here\n\r\x1b[Kcugan: a.png; 2 s elapsed\r\x1b[Kcugan: wrote a.webp\nWarn`;
  const want = 'cugan: se/up2x-conservative 16x16 -> 32x32\nno Warning: here\n\r\x1b[Kcugan: a.png; 2 s elapsed\r\x1b[Kcugan: wrote a.webp\nWarn';
  assert.equal(filtered([text]), want);
  // Every split into two chunks, and one character at a time.
  for (let i = 0; i <= text.length; i++) assert.equal(filtered([text.slice(0, i), text.slice(i)]), want, `split at ${i}`);
  assert.equal(filtered([...text]), want);
});

test('DawnWarningFilter passes a progress line at once (nothing held that cannot be a warning)', () => {
  let out = '';
  const f = new DawnWarningFilter((s) => void (out += s));
  f.push('\r\x1b[Kcugan: a.png; 1 s elapsed');
  assert.equal(out, '\r\x1b[Kcugan: a.png; 1 s elapsed');
  f.push('Warning: text after a progress line is not at a line start\n');
  assert.match(out, /not at a line start\n$/);
  f.push('Warn');
  assert.match(out, /start\n$/, 'a possible warning is held');
  f.push('ing: dropped\ncugan: kept\n');
  assert.match(out, /start\ncugan: kept\n$/);
});

test('launch(): `upscale` runs in a child whose Dawn warnings are filtered; status, stdin and stdout pass through', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cugan-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in for bin/cugan.js: as the child (CUGAN_CLI_CHILD=1) it writes what Dawn and cugan
  // would, echoes stdin to stdout and exits 3; as the parent it runs launch().
  const launchModule = new URL('../../src/cli/launch.ts', import.meta.url).href;
  const script = join(dir, 'fake-cugan.mjs');
  writeFileSync(script, [
    `if (process.env.CUGAN_CLI_CHILD === '1') {`,
    `  process.stderr.write(${JSON.stringify(WARNING)});`,
    `  process.stderr.write('cugan: working\\n');`,
    `  const chunks = []; for await (const c of process.stdin) chunks.push(c);`,
    `  process.stdout.write(Buffer.concat(chunks).toString().toUpperCase());`,
    `  process.stderr.write('Warning: another Dawn line\\ncugan: done\\n');`,
    `  process.exit(3);`,
    `} else {`,
    `  const { launch } = await import(${JSON.stringify(launchModule)});`,
    `  process.exitCode = await launch(process.argv.slice(2), process.argv[1]);`,
    `}`,
  ].join('\n'));
  const env = { ...process.env, CUGAN_CLI_CHILD: undefined, CUGAN_DEBUG: undefined };
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, 'upscale', '-', '-'], { input: 'pixels', encoding: 'utf8', env, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, 'PIXELS');
  assert.equal(r.stderr, 'cugan: working\ncugan: done\n');
});
