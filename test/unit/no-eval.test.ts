// No code from strings: the library (src/) and the runtime dependency it bundles
// (wgsl-preprocessor) never use eval, new Function, or string timers, so a page with a strict
// Content-Security-Policy (no 'unsafe-eval') can run it (the browser side: e2e/security.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FORBIDDEN: Array<[string, RegExp]> = [
  ['eval(', /(^|[^\w.$])eval\s*\(/],
  ['new Function', /new\s+Function\s*\(/],
  ['Function(...) call', /(^|[^\w.$])Function\s*\(\s*['"`]/],
  ['string timer', /set(Timeout|Interval)\s*\(\s*['"`]/],
];

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|mjs)$/.test(n) ? [p] : [];
  });

test('src/ and the bundled wgsl-preprocessor contain no eval, new Function or string timers', () => {
  const scanned = [...files(join(ROOT, 'src')), join(ROOT, 'node_modules', 'wgsl-preprocessor', 'wgsl-preprocessor.js')];
  assert.ok(scanned.length > 30, `only ${scanned.length} files found`);
  const hits: string[] = [];
  for (const f of scanned) {
    // Comments may mention the words; code may not.
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    code.split('\n').forEach((line, i) => {
      for (const [what, re] of FORBIDDEN) if (re.test(line)) hits.push(`${f.slice(ROOT.length)}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
});

test('the scan finds what it forbids', () => {
  for (const line of ['const f = new Function("return 1");', 'eval(code)', "setTimeout('x()', 1)", 'x = Function("a", "b")']) {
    assert.ok(FORBIDDEN.some(([, re]) => re.test(line)), line);
  }
  for (const line of ['evaluate(x)', 'obj.eval(x)', 'retrieval(x)', 'setTimeout(() => 1)']) {
    assert.ok(!FORBIDDEN.some(([, re]) => re.test(line)), line);
  }
});
