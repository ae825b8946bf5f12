// Image files for the CLI, without a GPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, detectFormat, encodePng, readImage, rgbaToRgb, writePng } from '../../src/cli/image-io.js';
import { CuganError } from '../../src/runtime/errors.js';

const W = 7;
const H = 5;
const rgb = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 53 + 11) % 256);
const rgba = Uint8Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 29 + 3) % 256));

const badImage = (file: RegExp) => (e: unknown) =>
  e instanceof CuganError && e.code === 'BAD_IMAGE' && file.test(e.message) && /PNG or JPEG expected/.test(e.message);

test('RGB PNG: write, read back identical, and it is an 8-bit RGB PNG', () => {
  const bytes = encodePng(W, H, rgb, 3);
  assert.equal(detectFormat(bytes), 'png');
  const png = PNG.sync.read(Buffer.from(bytes));
  assert.equal(png.width, W);
  assert.equal(png.height, H);
  assert.equal(bytes[25], 2, 'IHDR colour type 2 (RGB)');
  assert.equal(bytes[24], 8, 'IHDR bit depth 8');
  const back = decodeImage(bytes, 'x.png');
  assert.deepEqual([back.width, back.height], [W, H]);
  assert.deepEqual(rgbaToRgb(back.data), rgb);
  assert.ok(back.data.every((v, i) => i % 4 !== 3 || v === 255));
});

test('RGBA PNG: write and read back identical (through a file)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cugan-io-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'a.png');
  const withAlpha = rgba.map((v, i) => (i % 4 === 3 ? (i * 7) % 256 : v));
  writePng(f, W, H, withAlpha, 4);
  const back = readImage(f);
  assert.deepEqual(back.data, withAlpha);
});

test('JPEG is detected by its bytes, whatever the file is called', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cugan-io-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const grey = new Uint8Array(16 * 8 * 4).fill(128);
  const jpg = jpeg.encode({ width: 16, height: 8, data: grey }, 95).data;
  const f = join(dir, 'really-a-jpeg.png');
  writeFileSync(f, jpg);
  assert.equal(detectFormat(jpg), 'jpeg');
  const img = readImage(f);
  assert.deepEqual([img.width, img.height, img.data.length], [16, 8, 16 * 8 * 4]);
  assert.ok(img.data.every((v, i) => (i % 4 === 3 ? v === 255 : Math.abs(v - 128) <= 2)));
  // and a PNG named .jpg
  const g = join(dir, 'really-a-png.jpg');
  writeFileSync(g, encodePng(W, H, rgb, 3));
  assert.deepEqual(rgbaToRgb(readImage(g).data), rgb);
});

test('a non-image is BAD_IMAGE naming the file', () => {
  assert.throws(() => decodeImage(new TextEncoder().encode('hello, world\n'), 'notes.txt'), badImage(/notes\.txt/));
  assert.throws(() => decodeImage(new Uint8Array(0), 'empty.png'), badImage(/empty\.png/));
});

test('a truncated PNG or JPEG is BAD_IMAGE naming the file', () => {
  const png = encodePng(W, H, rgb, 3);
  for (const n of [8, 20, 40, png.length - 13]) {
    assert.throws(() => decodeImage(png.subarray(0, n), 'cut.png'), badImage(/cut\.png/), `${n} bytes`);
  }
  const jpg = jpeg.encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(90) }, 90).data;
  assert.throws(() => decodeImage(jpg.subarray(0, 40), 'cut.jpg'), badImage(/cut\.jpg/));
});

test('a PNG with a damaged chunk is BAD_IMAGE', () => {
  const png = encodePng(W, H, rgb, 3).slice();
  png[40] ^= 0xff; // inside IDAT: CRC mismatch
  assert.throws(() => decodeImage(png, 'crc.png'), badImage(/crc\.png/));
});
