// The cugan command line without a GPU: parsing, usage errors, and the failures main() reports
// before it asks for a GPU (unknown model, non-image input, writing over the input, a bad output
// path, a missing models folder or model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputPath, DEFAULT_MODEL, formatMacs, main, parseArgs, UsageError, type CliIO } from '../../src/cli/main.js';
import { CuganError } from '../../src/runtime/errors.js';
import { MODELS } from '../../src/runtime/model/architecture.js';

function capture(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (s: string) => void (io.out += s) },
    stderr: { write: (s: string) => void (io.err += s), isTTY: false },
  };
  return io;
}

test('upscale: defaults (f32: the official pixels)', () => {
  assert.deepEqual(parseArgs(['upscale', 'in.png', 'out.png']), {
    command: 'upscale', model: DEFAULT_MODEL, alpha: 1, tta: false, precision: 'f32', models: undefined, inputs: ['in.png'], output: 'out.png', name: '{name}.{ext}',
  });
});

test('upscale: every option, short, long and --name=value', () => {
  const a = parseArgs(['upscale', '-m', 'pro/up3x-denoise3x', '-a', '0.75', '--tta', '--precision', 'f32', '--models', 'm', 'a.jpg', 'b.png']);
  assert.deepEqual(a, { command: 'upscale', model: 'pro/up3x-denoise3x', alpha: 0.75, tta: true, precision: 'f32', models: 'm', inputs: ['a.jpg'], output: 'b.png', name: '{name}.{ext}' });
  const b = parseArgs(['upscale', 'a.png', '--model=se/up4x-no-denoise', '--alpha=1.3', '-x', '--precision=f16', 'b.png']);
  assert.equal(b.command, 'upscale');
  if (b.command !== 'upscale') return;
  assert.equal(b.model, 'se/up4x-no-denoise');
  assert.equal(b.alpha, 1.3);
  assert.equal(b.tta, true);
  assert.equal(b.precision, 'f16');
  assert.deepEqual([b.inputs, b.output], [['a.png'], 'b.png']);
});

test('upscale: -- ends the options', () => {
  const a = parseArgs(['upscale', '--', '-in.png', '-out.png']);
  assert.ok(a.command === 'upscale' && a.inputs[0] === '-in.png' && a.output === '-out.png');
});

test('models, help, version', () => {
  assert.deepEqual(parseArgs(['models']), { command: 'models' });
  assert.deepEqual(parseArgs(['--help']), { command: 'help', topic: undefined });
  assert.deepEqual(parseArgs(['-h']), { command: 'help', topic: undefined });
  assert.deepEqual(parseArgs(['upscale', '--help']), { command: 'help', topic: 'upscale' });
  assert.deepEqual(parseArgs(['--version']), { command: 'version' });
  assert.deepEqual(parseArgs(['-V']), { command: 'version' });
});

test('usage errors', () => {
  const bad: [string[], RegExp][] = [
    [[], /no command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--frob'], /unknown option "--frob"/],
    [['upscale', '--frob', 'a.png', 'b.png'], /unknown option "--frob"/],
    [['upscale', '-q', 'a.png', 'b.png'], /unknown option "-q"/],
    [['upscale'], /missing <in> and <out>/],
    [['upscale', 'a.png'], /missing <out>/],
    [['upscale', 'a.png', 'b.png', 'c.png'], /too many arguments/],
    [['upscale', 'a.png', 'b.png', '-m'], /-m needs a value/],
    [['upscale', '-a', 'x', 'a.png', 'b.png'], /--alpha must be a number/],
    [['upscale', '-a', '0', 'a.png', 'b.png'], /--alpha must be a number/],
    [['upscale', '-a', '-1', 'a.png', 'b.png'], /--alpha must be a number/],
    [['upscale', '--alpha=', 'a.png', 'b.png'], /--alpha must be a number/],
    [['upscale', '--precision', 'f64', 'a.png', 'b.png'], /--precision must be f32, f16 or auto/],
    [['upscale', '--tta=1', 'a.png', 'b.png'], /--tta takes no value/],
    [['models', 'x'], /takes no arguments/],
    [['models', '--frob'], /unknown option "--frob"/],
    [['upscale', '-f', 'gif', 'a.png', '-'], /--format must be png, webp, jpeg, avif/],
    [['upscale', '--quality', '0', 'a.png', 'b.jpg'], /--quality must be a whole number from 1 to 100/],
    [['upscale', '--quality', '90.5', 'a.png', 'b.jpg'], /--quality must be a whole number/],
    [['upscale', '-o', 'out'], /missing <in>/],
    [['upscale', '-o', 'out', 'a.png', '-'], /- \(stdin\) is one image/],
    [['upscale', '-n', 'x.png', '-o', 'out', 'a.png'], /--name must contain \{name\}/],
    [['upscale', '-n', 'd/{name}.png', '-o', 'out', 'a.png'], /without "\/"/],
    [['upscale', '-n', '{name}-{size}.png', '-o', 'out', 'a.png'], /unknown field \{size\}/],
    [['upscale', '--json', 'a.png', '-'], /--json and - as <out> both write to stdout/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(' '));
  }
});

// Issue 17: the message and one hint line, not the whole usage block.
test('main: a usage error exits 2 with its message and one hint line on stderr', async () => {
  const io = capture();
  assert.equal(await main(['upscale', '--frob', 'a.png', 'b.png'], { io }), 2);
  assert.equal(io.err, 'cugan: unknown option "--frob"\nRun `cugan upscale --help` for its usage and options.\n');
  assert.equal(io.out, '');
  const io2 = capture();
  assert.equal(await main([], { io: io2 }), 2);
  assert.equal(io2.err, 'cugan: no command given\nRun `cugan --help` for the usage.\n');
  const io3 = capture();
  assert.equal(await main(['models', 'x'], { io: io3 }), 2);
  assert.equal(io3.err.split('\n').length, 3);
  assert.match(io3.err, /`cugan models --help`/);
});

test('main: models, --help, --version exit 0 on stdout', async () => {
  const io = capture();
  assert.equal(await main(['models'], { io }), 0);
  const lines = io.out.trim().split('\n');
  assert.match(lines[0], /^Models folder: \S+ \((\$CUGAN_MODELS|the package's models folder)\)/);
  assert.deepEqual(lines.slice(1, -1).map((l) => l.split(/\s+/)[0]), MODELS.map((m) => m.id));
  assert.match(lines.at(-1)!, /^\d+ of 18 models installed/);
  const h = capture();
  assert.equal(await main(['--help'], { io: h }), 0);
  assert.match(h.out, /cugan upscale/);
  assert.match(h.out, /--tta/);
  // Issue 17: the package's users are told the package's command, not this repository's scripts.
  assert.match(h.out, /npx cugan-weights --out DIR SOURCE…/);
  assert.doesNotMatch(h.out, /npm run/);
  assert.match(h.out, /--precision <p>\s+f32 \(default/);
  const v = capture();
  assert.equal(await main(['--version'], { io: v }), 0);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(v.out, `cugan ${pkg.version}\n`);
});

test('main: failures before the GPU is asked for exit 1 with `cugan: <message>`', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cugan-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const txt = join(dir, 'notes.txt');
  writeFileSync(txt, 'not an image\n');
  const noAdapter = async () => assert.fail('the GPU must not be asked for');

  let io = capture();
  assert.equal(await main(['upscale', '-m', 'se/up5x-magic', txt, join(dir, 'o.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: unknown model "se\/up5x-magic"; known models: .*se\/up2x-conservative/);

  io = capture();
  assert.equal(await main(['upscale', txt, join(dir, 'o.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: .*notes\.txt is not an image .*PNG, JPEG, WebP, AVIF, TIFF or GIF expected/);

  io = capture();
  assert.equal(await main(['upscale', join(dir, 'missing.png'), join(dir, 'o.png')], { io, onNoAdapter: noAdapter }), 1);
  assert.match(io.err, /^cugan: cannot read .*missing\.png: no such file/);

  // Writing over the input: the same path, another spelling of it, a symlink to it.
  const link = join(dir, 'link.png');
  symlinkSync(txt, link);
  for (const out of [txt, join(dir, '.', 'notes.txt'), link]) {
    io = capture();
    assert.equal(await main(['upscale', txt, out], { io, onNoAdapter: noAdapter }), 1);
    assert.match(io.err, /^cugan: refusing to overwrite the input/);
    assert.throws(() => checkOutputPath(txt, out), (e: unknown) => e instanceof CuganError && e.code === 'BAD_OPTION');
  }
  assert.equal(readFileSync(txt, 'utf8'), 'not an image\n');
});

test('formatMacs', () => {
  assert.equal(formatMacs(326.5e9), '327 GMAC');
  assert.equal(formatMacs(1.26e9), '1.3 GMAC');
  assert.equal(formatMacs(85.4e6), '85 MMAC');
});

test('--tile-mb: a positive number of MiB, else a usage error', () => {
  const cmd = parseArgs(['upscale', '--tile-mb', '2.5', 'a.png', 'b.png']);
  assert.equal(cmd.command === 'upscale' && cmd.tileMiB, 2.5);
  for (const bad of ['0', '-1', 'lots', 'Infinity']) {
    assert.throws(() => parseArgs(['upscale', '--tile-mb', bad, 'a.png', 'b.png']), (e: unknown) => e instanceof UsageError && /--tile-mb must be a positive number/.test(e.message));
  }
});
