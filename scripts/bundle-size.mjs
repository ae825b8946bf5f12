// `npm run size` (after `npm run build`): min+gzip size of what a page loads for the core plus
// the video.js plugin (and, separately, plus the hls.js integration): the entry files and every
// chunk they import statically, each gzipped (level 9) on its own, then summed. No weights.
// Prints JSON; `--max BYTES` exits 1 when core + video.js plugin is larger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Files an entry loads: itself and its static `import ... from "./x.js"` chunks, recursively. */
export function closure(dir, entries) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    for (const m of code.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+)["']/g)) visit(m[1]);
  };
  for (const e of entries) visit(e);
  return [...seen].sort();
}

/** { files: { name: { min, gzip } }, min, gzip } for the given entries of `dir`. */
export function measure(dir, entries) {
  const files = {};
  let min = 0;
  let gzip = 0;
  for (const f of closure(dir, entries)) {
    const bytes = readFileSync(join(dir, f));
    const g = gzipSync(bytes, { level: 9 }).byteLength;
    files[f] = { min: bytes.byteLength, gzip: g };
    min += bytes.byteLength;
    gzip += g;
  }
  return { files, min, gzip };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const maxAt = process.argv.indexOf('--max');
  const max = maxAt > 0 ? Number(process.argv[maxAt + 1]) : undefined;
  const corePlugin = measure(dist, ['index.js', 'videojs.js']);
  const coreHls = measure(dist, ['index.js', 'hls.js']);
  console.log(JSON.stringify({ 'core+videojs': corePlugin, 'core+hls': coreHls }, null, 1));
  if (max !== undefined && corePlugin.gzip > max) {
    console.error(`core + video.js plugin: ${corePlugin.gzip} bytes min+gzip, over the budget of ${max}`);
    process.exit(1);
  }
}
