// What `cugan upscale` checks before any GPU work (issue 17 points 6 and 10): output paths
// (folder exists and is writable, extension names a format cugan writes), inputs (folders of
// mixed formats, names, collisions), the models folder and the model file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseArgs, type UpscaleCommand } from '../../src/cli/args.js';
import { planJobs, outputName } from '../../src/cli/jobs.js';
import { main, type CliIO } from '../../src/cli/main.js';
import { checkModelInstalled, listModels, modelsFolder } from '../../src/cli/models-folder.js';
import { CuganError } from '../../src/runtime/errors.js';
import { MODELS } from '../../src/runtime/model/architecture.js';

function capture(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (s: string | Uint8Array) => void (io.out += String(s)) },
    stderr: { write: (s: string) => void (io.err += s), isTTY: false },
  };
  return io;
}

const noAdapter = async (): Promise<number> => assert.fail('the GPU must not be asked for');
const noStdin = async (): Promise<Uint8Array> => assert.fail('stdin must not be read');
const upscaleCmd = (argv: string[]) => parseArgs(['upscale', ...argv]) as UpscaleCommand;

function tmp(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cugan-jobs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A folder of PNG, JPEG and WebP images of different sizes, plus files that are no images. */
async function mixedFolder(dir: string): Promise<string> {
  const input = join(dir, 'in');
  mkdirSync(input);
  const px = (w: number, h: number) => sharp(Buffer.alloc(w * h * 3, 120), { raw: { width: w, height: h, channels: 3 } });
  await px(16, 12).png().toFile(join(input, 'a.png'));
  await px(20, 16).jpeg().toFile(join(input, 'b.JPG'));
  await px(24, 8).webp().toFile(join(input, 'c.webp'));
  writeFileSync(join(input, 'notes.txt'), 'not an image');
  mkdirSync(join(input, 'sub.png')); // a folder with an image's name: not an image
  return input;
}

test('a missing output folder, or a file as its folder, is named before anything else (exit 1, no GPU)', async (t) => {
  const dir = tmp(t);
  const input = join(dir, 'in.png');
  await sharp(Buffer.alloc(12, 9), { raw: { width: 2, height: 2, channels: 3 } }).png().toFile(input);
  writeFileSync(join(dir, 'file'), '');
  const cases: [string, RegExp][] = [
    [join(dir, 'missing', 'out.png'), /cannot write .*missing\/out\.png: its folder .*missing does not exist/],
    [join(dir, 'file', 'out.png'), /cannot write .*file\/out\.png: its folder .*file is not a folder/],
    [join(dir, 'out.gif'), /cannot write .*out\.gif: cugan writes \.png, \.webp, \.jpg \(or \.jpeg\) or \.avif files/],
    [dir, /cannot write .*: it is a directory/],
  ];
  for (const [out, re] of cases) {
    const io = capture();
    assert.equal(await main(['upscale', input, out], { io, onNoAdapter: noAdapter }), 1, out);
    assert.match(io.err, new RegExp(`^cugan: ${re.source}\\n$`), out);
  }
  const io = capture();
  assert.equal(await main(['upscale', '-f', 'webp', input, join(dir, 'x.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /cannot write .*x\.png: --format is webp, the file name says png/);
  if (process.getuid?.() !== 0) {
    // (root writes anywhere: this case only runs as another user)
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const io2 = capture();
    assert.equal(await main(['upscale', input, join(ro, 'o.png')], { io: io2, onNoAdapter: noAdapter }), 1);
    assert.match(io2.err, /its folder .*ro is not writable/);
  }
});

test('-o: a folder of mixed PNG/JPEG/WebP images, by extension, sorted, with the format and name pattern', async (t) => {
  const dir = tmp(t);
  const input = await mixedFolder(dir);
  const out = join(dir, 'out');
  mkdirSync(out);
  const plan = await planJobs(upscaleCmd(['-f', 'webp', '-o', out, input]), 2, noStdin);
  assert.equal(plan.folder, true);
  assert.deepEqual(plan.skipped, []);
  assert.deepEqual(
    plan.jobs.map((j) => [j.input, j.output, j.format, j.inputFormat, j.width, j.height]),
    [
      [join(input, 'a.png'), join(out, 'a.webp'), 'webp', 'png', 16, 12],
      [join(input, 'b.JPG'), join(out, 'b.webp'), 'webp', 'jpeg', 20, 16],
      [join(input, 'c.webp'), join(out, 'c.webp'), 'webp', 'webp', 24, 8],
    ],
  );
  // <in> a folder, <out> a folder: the same; a pattern with its own extension names the format.
  const p2 = await planJobs(upscaleCmd(['-m', 'se/up3x-conservative', '-n', '{name}-{model}-{scale}x.jpg', input, out]), 3, noStdin);
  assert.deepEqual(p2.jobs.map((j) => [j.output, j.format]), ['a', 'b', 'c'].map((n) => [join(out, `${n}-se-up3x-conservative-3x.jpg`), 'jpeg']));
  assert.equal(outputName('{name}.{ext}', '/x/y.tar.png', { ext: 'avif', model: 'pro/up2x-denoise3x', scale: 2 }), 'y.tar.avif');
});

test('-o: an output folder that does not exist, two inputs onto one output, an empty folder: named, before the GPU', async (t) => {
  const dir = tmp(t);
  const input = await mixedFolder(dir);
  let io = capture();
  assert.equal(await main(['upscale', '-o', join(dir, 'nope'), input], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: the output folder .*nope does not exist\n$/);
  writeFileSync(join(input, 'a.jpg'), readFileSync(join(input, 'b.JPG')));
  io = capture();
  assert.equal(await main(['upscale', '-o', dir, input], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /a\.jpg and .*a\.png would both be written to .*a\.png; give --name a pattern/);
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  io = capture();
  assert.equal(await main(['upscale', '-o', dir, empty], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /no images in .*empty/);
});

test('-o: an input that is no image is skipped with its reason; none readable: exit 1 before the GPU', async (t) => {
  const dir = tmp(t);
  const input = await mixedFolder(dir);
  writeFileSync(join(input, 'd.png'), 'text, not a PNG');
  const plan = await planJobs(upscaleCmd(['-o', dir, input]), 2, noStdin);
  assert.deepEqual(plan.jobs.map((j) => j.output), ['a', 'b', 'c'].map((n) => join(dir, `${n}.png`)));
  assert.equal(plan.skipped.length, 1);
  assert.match(plan.skipped[0].error.message, /d\.png is not an image cugan can read/);
  const io = capture();
  assert.equal(await main(['upscale', '--json', '-o', dir, join(input, 'd.png'), join(input, 'notes.txt')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /cugan: skipping .*d\.png: .*is not an image/);
  assert.match(io.err, /cugan: skipping .*notes\.txt: .*is not an image/);
  assert.match(io.err, /cugan: no image to upscale\n$/);
  const records = io.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => [r.input.replace(/.*\//, ''), r.error.code]), [['d.png', 'BAD_IMAGE'], ['notes.txt', 'BAD_IMAGE']]);
});

test('- reads stdin once, before the GPU; its format is told by its bytes', async (t) => {
  const dir = tmp(t);
  const png = await sharp(Buffer.alloc(5 * 3 * 3, 50), { raw: { width: 5, height: 3, channels: 3 } }).png().toBuffer();
  let reads = 0;
  const stdin = async () => {
    reads++;
    return new Uint8Array(png);
  };
  const plan = await planJobs(upscaleCmd(['-f', 'avif', '-', '-']), 2, stdin);
  assert.equal(reads, 1);
  assert.deepEqual(plan.jobs.map((j) => [j.input, j.output, j.format, j.width, j.height, j.bytes?.length]), [['-', '-', 'avif', 5, 3, png.length]]);
  const p2 = await planJobs(upscaleCmd(['-', join(dir, 'o.jpeg')]), 2, stdin);
  assert.equal(p2.jobs[0].format, 'jpeg');
  const io = capture();
  io.readStdin = async () => new TextEncoder().encode('plain text');
  assert.equal(await main(['upscale', '-', join(dir, 'o.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: stdin is not an image cugan can read/);
  const tty = capture();
  tty.stdout = { write: () => assert.fail('image bytes written to a terminal'), isTTY: true };
  assert.equal(await main(['upscale', '-', '-'], { io: tty, onNoAdapter: noAdapter }), 1);
  assert.match(tty.err, /^cugan: refusing to write image data to a terminal/);
});

test('the models folder: a --models or $CUGAN_MODELS folder that does not exist is named; a missing model says how to convert it', async (t) => {
  const dir = tmp(t);
  const png = join(dir, 'a.png');
  await sharp(Buffer.alloc(12, 9), { raw: { width: 2, height: 2, channels: 3 } }).png().toFile(png);
  let io = capture();
  assert.equal(await main(['upscale', '--models', join(dir, 'nope'), png, join(dir, 'o.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: the models folder .*nope \(--models\) does not exist; convert the released weights into it with: npx cugan-weights --out .*nope SOURCE…\n$/);
  assert.throws(() => checkModelInstalled(modelsFolder(undefined, { CUGAN_MODELS: join(dir, 'gone') }), 'se/up2x-conservative'), /the models folder .*gone \(\$CUGAN_MODELS\) does not exist/);

  // A folder with one f32 model (by file name; no manifest) and one f16 model.
  const models = join(dir, 'models');
  mkdirSync(join(models, 'se'), { recursive: true });
  writeFileSync(join(models, 'se', 'up2x-conservative.f32.cugan'), 'x');
  writeFileSync(join(models, 'se', 'up4x-denoise3x.f16.cugan'), 'x');
  io = capture();
  assert.equal(await main(['upscale', '-m', 'se/up4x-denoise3x', '--models', models, png, join(dir, 'o.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: model "se\/up4x-denoise3x" is not installed in .*models \(--models\); convert the released weights with: npx cugan-weights --out .*models SOURCE… \(`cugan models` lists what is installed\)\n$/);
  assert.doesNotMatch(io.err, /npm run/);

  io = capture();
  assert.equal(await main(['models', '--models', models], { io }), 0);
  const lines = io.out.trim().split('\n');
  assert.equal(lines[0], `Models folder: ${models} (--models)`);
  const byId = new Map(lines.slice(1, -1).map((l) => [l.split(/\s+/)[0], l.split(/\s+/).slice(1).join(' ')]));
  assert.equal(byId.size, MODELS.length);
  assert.equal(byId.get('se/up2x-conservative'), 'f32');
  assert.equal(byId.get('se/up4x-denoise3x'), 'f16');
  assert.equal(byId.get('pro/up3x-denoise3x'), '-');
  assert.equal(lines.at(-1), `2 of 18 models installed; convert the released weights with: npx cugan-weights --out ${models} SOURCE…`);
  io = capture();
  assert.equal(await main(['models', '--models', join(dir, 'nope')], { io }), 1);
  assert.match(io.err, /^cugan: the models folder .*nope \(--models\) does not exist/);
  // The package's own folder may be missing (a fresh install): listed, not an error.
  assert.match(listModels({ path: join(dir, 'pkg-models'), origin: "the package's models folder", exists: false }), /^Models folder: .*pkg-models \(the package's models folder\), which does not exist yet\n/);
  assert.throws(() => checkModelInstalled({ path: join(dir, 'pkg-models'), origin: "the package's models folder", exists: false }, 'se/up2x-conservative'), (e: unknown) =>
    e instanceof CuganError && e.code === 'WEIGHTS_NOT_FOUND' && /is not installed: .*pkg-models \(the package's models folder\) does not exist; convert .* npx cugan-weights --out /.test(e.message));
});
