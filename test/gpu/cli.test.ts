// The real `cugan` command on a GPU (SwiftShader where there is none): tiny images only.
// Run: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp node --import tsx --test test/gpu/cli.test.ts
// Without VK_ICD_FILENAMES the runs use SwiftShader's ICD at CUGAN_SWIFTSHADER_ICD or Debian's path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { CONV_BLOCKS } from '../../src/runtime/gpu/conv-kernels.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'cugan.js');
const ICD = process.env.VK_ICD_FILENAMES || process.env.CUGAN_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const MODEL_FILE = join(process.env.CUGAN_MODELS ?? join(ROOT, 'models'), 'se', 'up2x-conservative.f32.cugan');
const GOLDEN = process.env.CUGAN_GOLDEN ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));

const skip = !existsSync(ICD)
  ? `no Vulkan driver file at ${ICD} (install Debian's chromium, or set VK_ICD_FILENAMES)`
  : !existsSync(MODEL_FILE)
    ? `${MODEL_FILE} is missing (run \`npm run weights\`)`
    : false;
if (skip) console.log(`# skipping the cugan GPU tests: ${skip}`);

const TIMEOUT = 300_000;
// The refusals below happen before a GPU is asked for: they run without one too.

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The autotune's cache of this file's runs (src/cli/tune-cache.ts): its own, so a developer's does not decide. */
const CACHE_DIR = mkdtempSync(join(tmpdir(), 'cugan-cache-'));
process.on('exit', () => rmSync(CACHE_DIR, { recursive: true, force: true }));
const CACHE_FILE = join(CACHE_DIR, 'autotune.json');

function cugan(args: string[], env: NodeJS.ProcessEnv = { VK_ICD_FILENAMES: ICD }, stdin?: Uint8Array): Promise<Run & { stdoutBytes: Buffer }> {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', CUGAN_CACHE_DIR: CACHE_DIR, ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: fullEnv, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (stdin) child.stdin!.end(stdin);
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT - 5000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ status, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
  });
}

/**
 * A tiny image: a diagonal edge and texture, something for the network to sharpen. `mirrored`
 * makes it symmetric under left-right and top-bottom flips.
 */
function tinyPng(dir: string, w = 12, h = 9, mirrored = false): string {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const u = mirrored ? Math.min(x, w - 1 - x) : x;
      const v = mirrored ? Math.min(y, h - 1 - y) : y;
      png.data.set([u + v < 6 ? 230 : 20 + 10 * u, 40 + 15 * v, (u * 37 + v * 11) % 256, 255], i);
    }
  }
  const file = join(dir, `tiny${mirrored ? '-mirrored' : ''}.png`);
  writeFileSync(file, PNG.sync.write(png));
  return file;
}

const readPng = (file: string) => PNG.sync.read(readFileSync(file));
/** IHDR colour type: 2 RGB, 6 RGBA. */
const colourType = (file: string) => readFileSync(file)[25];

const tmp = () => mkdtempSync(join(tmpdir(), 'cugan-gpu-'));

// The network is not flip-equivariant (its stride-2 layers see other phases of a flipped image,
// and tiny images are mostly padding), so TTA output differs much from the plain output. What
// must hold: averaged over all 8 symmetries, the output of an input that flips onto itself
// flips onto itself too, while the plain output does not. The transforms themselves are checked
// exactly in test/unit/cli-tta.test.ts.
test('stdin to stdout: an RGB PNG of twice the size; --tta: a 2x PNG, symmetric where the input is (both orientations run)', { skip, timeout: 2 * TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const input = tinyPng(dir, 10, 7, true); // not square: the 4 transposed passes run at 7x10
  const plain = join(dir, 'plain.png');
  const tta = join(dir, 'tta.png');
  const r1 = await cugan(['upscale', '-m', 'se/up2x-conservative', '-', '-'], undefined, readFileSync(input));
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stderr, /^cugan: se\/up2x-conservative 10x7 -> 20x14 \([\d.]+ [GM]MAC\) on /m);
  assert.match(r1.stderr, /^cugan: wrote stdout \(20x14\) in \d+\.\d s$/m);
  const took = Number(/wrote stdout \(20x14\) in (\d+\.\d) s/.exec(r1.stderr)?.[1]);
  if (took > 2) assert.match(r1.stderr, /^cugan: stdin: compiling the GPU kernels; \d+ s elapsed$/m, 'no progress line in a run of seconds');
  writeFileSync(plain, r1.stdoutBytes);
  assert.equal(colourType(plain), 2);
  const r2 = await cugan(['upscale', '--tta', input, tta]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stderr, /x 8 TTA passes/);
  for (let k = 1; k <= 8; k++) assert.match(r2.stderr, new RegExp(`TTA pass ${k}/8`)); // stderr is not a TTY: one line per pass
  assert.match(r2.stderr, /wrote .*tta\.png \(20x14\)/);
  const asymmetry = (png: PNG) => {
    const { width: W, height: H, data } = png;
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          const v = data[(y * W + x) * 4 + c];
          worst = Math.max(worst, Math.abs(v - data[(y * W + W - 1 - x) * 4 + c]), Math.abs(v - data[((H - 1 - y) * W + x) * 4 + c]));
        }
      }
    }
    return worst;
  };
  const a = readPng(plain);
  assert.deepEqual([a.width, a.height], [20, 14]);
  const b = readPng(tta);
  assert.deepEqual([b.width, b.height], [20, 14]);
  assert.equal(colourType(tta), 2);
  assert.ok(asymmetry(a) > 4, `the plain output is nearly symmetric already (${asymmetry(a)}): the check below proves nothing`);
  assert.ok(asymmetry(b) <= 1, `TTA output asymmetry ${asymmetry(b)}`);
});

for (const tiled of [false, true]) {
test(`the golden image: lianggong_17x13 with se/up2x-conservative, every byte within 1${tiled ? ', run as tiles (--tile-mb 2.4)' : ''}`, { timeout: TIMEOUT }, async (t) => {
  const input = join(GOLDEN, 'inputs', 'lianggong_17x13.png');
  const expected = join(GOLDEN, 'outputs', 'lianggong_17x13__models-se__up2x-conservative.png');
  if (skip) return t.skip(skip);
  if (!existsSync(input) || !existsSync(expected)) return t.skip(`no golden files under ${GOLDEN}`);
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.png');
  // The default precision (f32) untiled, f32 named when tiled: 'auto' is f16 on adapters with
  // shader-f16, which is not within ±1.
  const r = await cugan(['upscale', '-m', 'se/up2x-conservative', ...(tiled ? ['--precision', 'f32', '--tile-mb', '2.4'] : []), input, out]);
  assert.equal(r.status, 0, r.stderr);
  if (tiled) assert.match(r.stderr, /running it as [2-9] tiles/);
  else assert.doesNotMatch(r.stderr, /tiles/);
  const got = readPng(out);
  const want = readPng(expected);
  assert.deepEqual([got.width, got.height], [want.width, want.height]);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
  assert.ok(worst <= 1, `largest difference ${worst}`);
});
}

test('--precision f16: the golden image at least 50 dB PSNR (8-bit RGB) from the official PNG', { timeout: TIMEOUT }, async (t) => {
  const input = join(GOLDEN, 'inputs', 'lianggong_17x13.png');
  const expected = join(GOLDEN, 'outputs', 'lianggong_17x13__models-se__up2x-conservative.png');
  if (skip) return t.skip(skip);
  if (!existsSync(input) || !existsSync(expected)) return t.skip(`no golden files under ${GOLDEN}`);
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.png');
  const r = await cugan(['upscale', '-m', 'se/up2x-conservative', '--precision', 'f16', input, out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /precision f16/);
  const got = readPng(out);
  const want = readPng(expected);
  assert.deepEqual([got.width, got.height], [want.width, want.height]);
  let se = 0;
  for (let i = 0; i < want.data.length; i++) if (i % 4 !== 3) se += (got.data[i] - want.data[i]) ** 2;
  const psnr = 10 * Math.log10((255 * 255) / (se / ((want.data.length / 4) * 3)));
  t.diagnostic(`f16 PNG PSNR ${psnr.toFixed(2)} dB`);
  assert.ok(psnr >= 50, `PSNR ${psnr.toFixed(2)} dB`);
});

test('writing over the input is refused and the input is unchanged', { timeout: TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const input = tinyPng(dir);
  const before = readFileSync(input);
  const r = await cugan(['upscale', input, input]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^cugan: refusing to overwrite the input/m);
  assert.deepEqual(readFileSync(input), before);
});

test('an unknown model: exit 1, the message names it and the known ones', { timeout: TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await cugan(['upscale', '-m', 'se/up9x-sparkle', tinyPng(dir), join(dir, 'o.png')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cugan: unknown model "se\/up9x-sparkle"; known models: .*se\/up2x-conservative/);
  assert.ok(!existsSync(join(dir, 'o.png')));
});

test('a text file as input: exit 1, BAD_IMAGE message', { timeout: TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const txt = join(dir, 'readme.png');
  writeFileSync(txt, 'this is text, not a picture\n');
  const r = await cugan(['upscale', txt, join(dir, 'o.png')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cugan: .*readme\.png is not an image cugan can read \(PNG, JPEG, WebP, AVIF, TIFF or GIF expected\)/);
});

test('a usage error: exit 2 with its message and one hint line', { timeout: TIMEOUT }, async () => {
  const r = await cugan(['upscale', '--sharpen', 'a.png', 'b.png']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'cugan: unknown option "--sharpen"\nRun `cugan upscale --help` for its usage and options.\n');
});

test('a missing output folder is named before any GPU work (the command fails at once)', { timeout: TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await cugan(['upscale', tinyPng(dir), join(dir, 'no-such-folder', 'o.webp')], { VK_ICD_FILENAMES: '/nonexistent/icd.json' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^cugan: cannot write .*no-such-folder\/o\.webp: its folder .*no-such-folder does not exist\n$/);
});

// Issue 17: a folder of mixed PNG/JPEG/WebP images to WebP with one command, a progress line and
// a JSON line per image; the model and kernels are loaded once. Without VK_ICD_FILENAMES, so the
// launcher's SwiftShader fallback (where there is no GPU) runs too, behind its stderr filter.
test('a folder of PNG, JPEG and WebP images to WebP in one command (--json, progress), without VK_ICD_FILENAMES', { skip, timeout: TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const input = join(dir, 'in');
  const out = join(dir, 'out');
  mkdirSync(input);
  mkdirSync(out);
  const png = readFileSync(tinyPng(dir, 16, 12));
  writeFileSync(join(input, 'a.png'), png);
  await sharp(png).jpeg({ quality: 90 }).toFile(join(input, 'b.jpg'));
  await sharp(png).resize(12, 16, { fit: 'fill' }).webp({ quality: 90 }).toFile(join(input, 'c.webp'));
  writeFileSync(join(input, 'notes.txt'), 'not an image: not picked up');
  const r = await cugan(['upscale', '--json', '-f', 'webp', '-o', out, input], { VK_ICD_FILENAMES: undefined, CUGAN_SWIFTSHADER_ICD: ICD });
  assert.equal(r.status, 0, r.stderr);
  const fallbacks = r.stderr.match(/no GPU adapter found; falling back to SwiftShader \(software rendering, slow\)/g) ?? [];
  assert.ok(fallbacks.length <= 1, r.stderr);
  assert.doesNotMatch(r.stderr, /^Warning: /m, 'a Dawn warning got through');
  assert.match(r.stderr, /^cugan: se\/up2x-conservative, 3 images \([\d.]+ [GM]MAC\) on /m);
  for (const [k, name] of ['a.png', 'b.jpg', 'c.webp'].entries()) {
    assert.match(r.stderr, new RegExp(`^cugan: image ${k + 1}/3 .*${name.replace('.', '\\.')}(: [a-z ]+)?; \\d+( min \\d+)? s elapsed`, 'm'), `no progress line for ${name}`);
  }
  assert.match(r.stderr, /^cugan: image 3\/3 .*c\.webp; .* elapsed, about \d+( min \d+)? s left$/m, 'no time left once images are done');
  assert.match(r.stderr, /^cugan: 3 of 3 images done in \d+\.\d s$/m);
  const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.map((x) => [x.input, x.output, x.format, x.width, x.height, x.outputWidth, x.outputHeight]), [
    [join(input, 'a.png'), join(out, 'a.webp'), 'webp', 16, 12, 32, 24],
    [join(input, 'b.jpg'), join(out, 'b.webp'), 'webp', 16, 12, 32, 24],
    [join(input, 'c.webp'), join(out, 'c.webp'), 'webp', 12, 16, 24, 32],
  ]);
  for (const x of records) {
    assert.equal(x.model, 'se/up2x-conservative');
    assert.equal(x.precision, 'f32');
    assert.match(x.adapter, /\S/);
    assert.ok(CONV_BLOCKS.includes(x.kernels) && x.kernels !== 'f16', `the autotune's pick, exact for f32: ${x.kernels}`);
    assert.equal(x.tiles, 1);
    assert.ok(x.seconds > 0);
    const meta = await sharp(x.output).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['webp', x.outputWidth, x.outputHeight, 3]);
  }
  assert.deepEqual(readdirSync(out).sort(), ['a.webp', 'b.webp', 'c.webp']);
  // Every conv layer class named with the kernel that ran it; 3x3 at 64 -> 3 has one candidate.
  const byClass = records[0].kernelsByClass as Record<string, string>;
  assert.equal(byClass['conv3x3 64→3'], 'conv3x3', JSON.stringify(byClass));
  assert.deepEqual(Object.keys(byClass).sort(), ['conv2x2s2 128→128', 'conv2x2s2 64→64', 'conv3x3 128→256', 'conv3x3 128→64', 'conv3x3 256→128', 'conv3x3 3→32', 'conv3x3 32→64', 'conv3x3 64→128', 'conv3x3 64→3', 'conv3x3 64→64', 'deconv2x2s2 128→128', 'deconv2x2s2 64→64', 'deconv4x4s2 64→3'].sort());
});

test('the autotune\'s choices are kept in the cache file and read back by the next run', { skip, timeout: TIMEOUT }, async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = async () => {
    const r = await cugan(['upscale', '--json', tinyPng(dir, 12, 9), join(dir, 'o.png')]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { kernels: string; kernelsByClass: Record<string, string> };
  };
  const first = await run();
  const cache = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, string>;
  const setKey = Object.keys(cache).find((k) => k.startsWith('cugan-webgpu:conv-block:') && cache[k] === first.kernels);
  assert.ok(setKey, `the set is kept: ${JSON.stringify(cache)}`);
  const adapter = setKey.slice('cugan-webgpu:conv-block:'.length);
  assert.ok(Object.keys(cache).some((k) => k.startsWith(`cugan-webgpu:conv-class:${adapter}|${first.kernels}|`)), 'the per-class choices are kept');
  // Another set, and the set's own kernels for every class, as a run could have measured: the
  // next run takes them from the file and measures nothing.
  const other = first.kernels === 'compact' ? 'wide' : 'compact';
  cache[setKey] = other;
  for (const cls of Object.keys(first.kernelsByClass)) cache[`cugan-webgpu:conv-class:${adapter}|${other}|${cls}`] = other;
  writeFileSync(CACHE_FILE, JSON.stringify(cache));
  const second = await run();
  assert.equal(second.kernels, other);
  const own = other === 'compact' ? /^(conv3x3|conv2x2s2|deconv)$/ : /^(conv3x3(-wide)?|conv2x2s2-wide|deconv2x2s2-wide|deconv4x4s2-wide)$/;
  for (const [cls, k] of Object.entries(second.kernelsByClass)) assert.match(k, own, `${cls}: ${k}`);
});
