// Image files for the CLI, without a GPU: decoding as libjpeg-turbo does (the reference bytes in
// test/fixtures/jpeg come from its djpeg), colour values as stored, each output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { decodeImage, detectFormat, encodeImage, formatOfPath, hasTransparency, probeImage, rgbaToRgb, type OutputFormat } from '../../src/cli/image-io.js';
import { CuganError } from '../../src/runtime/errors.js';

const W = 7;
const H = 5;
const rgb = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 53 + 11) % 256);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/jpeg/${name}`, import.meta.url)));

const badImage = (file: RegExp) => (e: unknown) =>
  e instanceof CuganError && e.code === 'BAD_IMAGE' && file.test(e.message) && /PNG, JPEG, WebP, AVIF, TIFF or GIF expected/.test(e.message);

/** A binary PPM (P6) or PGM (P5) as RGB. */
function readPnm(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const head = /^(P[56])\s+(\d+)\s+(\d+)\s+255\s/.exec(Buffer.from(bytes.subarray(0, 32)).toString('latin1'));
  assert.ok(head, 'not a binary PNM');
  const [width, height, channels] = [Number(head[2]), Number(head[3]), head[1] === 'P6' ? 3 : 1];
  const px = bytes.subarray(head[0].length);
  assert.equal(px.length, width * height * channels);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height * 3; i++) out[i] = channels === 3 ? px[i] : px[Math.floor(i / 3)];
  return { width, height, rgb: out };
}

/** An APP2 ICC_PROFILE segment with `icc` inserted after a JPEG's SOI marker. */
function withIccProfile(jpg: Uint8Array, icc: Uint8Array): Uint8Array {
  const payload = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), icc]);
  const marker = Buffer.from([0xff, 0xe2, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return new Uint8Array(Buffer.concat([jpg.subarray(0, 2), marker, payload, jpg.subarray(2)]));
}

const JPEGS = ['420-q85', '422-q75-progressive', '444-q95', 'grey-q90'];

test('JPEG decodes to libjpeg-turbo djpeg\'s bytes exactly (ISLOW, fancy upsampling; 4:2:0, 4:2:2 progressive, 4:4:4, grey)', async () => {
  for (const name of JPEGS) {
    const want = readPnm(fixture(`${name}.pnm`));
    const got = await decodeImage(fixture(`${name}.jpg`), `${name}.jpg`);
    assert.deepEqual([got.width, got.height], [want.width, want.height], name);
    assert.ok(!hasTransparency(got), name);
    const gotRgb = rgbaToRgb(got.data);
    let differ = 0;
    for (let i = 0; i < gotRgb.length; i++) differ += gotRgb[i] !== want.rgb[i] ? 1 : 0;
    assert.equal(differ, 0, `${name}: ${differ} of ${gotRgb.length} values differ from djpeg's`);
  }
});

test('an embedded colour profile is not applied (the official tools read the stored values)', async () => {
  // Display P3, from sharp's own profiles: a JPEG tagged with it still decodes to djpeg's bytes.
  const tagged = await sharp(Buffer.from(rgb), { raw: { width: W, height: H, channels: 3 } }).withIccProfile('p3').png().toBuffer();
  const icc = (await sharp(tagged).metadata()).icc;
  assert.ok(icc && icc.length > 100, 'no P3 profile to embed');
  const jpg = withIccProfile(fixture('420-q85.jpg'), icc);
  assert.ok((await sharp(jpg).metadata()).icc, 'the profile was not embedded');
  const got = rgbaToRgb((await decodeImage(jpg, 'p3.jpg')).data);
  assert.deepEqual(got, readPnm(fixture('420-q85.pnm')).rgb);
});

test('formats are told by their first bytes, whatever the file is called', async () => {
  const raw = { raw: { width: W, height: H, channels: 3 as const } };
  const made: [string, Buffer][] = [
    ['png', await sharp(Buffer.from(rgb), raw).png().toBuffer()],
    ['jpeg', Buffer.from(fixture('444-q95.jpg'))],
    ['webp', await sharp(Buffer.from(rgb), raw).webp({ lossless: true }).toBuffer()],
    ['avif', await sharp(Buffer.from(rgb), raw).avif({ lossless: true }).toBuffer()],
    ['tiff', await sharp(Buffer.from(rgb), raw).tiff({ compression: 'lzw' }).toBuffer()],
    ['gif', await sharp(Buffer.from(rgb), raw).gif().toBuffer()],
  ];
  for (const [format, bytes] of made) {
    assert.equal(detectFormat(bytes), format);
    const probe = await probeImage(bytes, `really-a-${format}.txt`);
    assert.deepEqual(probe, { width: format === 'jpeg' ? 37 : W, height: format === 'jpeg' ? 29 : H, format });
    const img = await decodeImage(bytes, `really-a-${format}.png`);
    if (format === 'png' || format === 'webp' || format === 'avif' || format === 'tiff') assert.deepEqual(rgbaToRgb(img.data), rgb, format); // lossless
  }
});

test('grey+alpha, palette and 16-bit PNGs come out as 8-bit RGBA', async () => {
  const ga = await sharp(Buffer.from([0, 255, 50, 128, 100, 0, 200, 9]), { raw: { width: 2, height: 2, channels: 2 } }).png().toBuffer();
  assert.deepEqual([...(await decodeImage(ga, 'ga.png')).data], [0, 0, 0, 255, 50, 50, 50, 128, 100, 100, 100, 0, 200, 200, 200, 9]);
  // pngjs writes the 16-bit samples big-endian, as PNG stores them.
  const png = new PNG({ width: 2, height: 1, bitDepth: 16, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(new Uint16Array([0x1280, 0xffff, 0x0000, 0x8000, 0x0180, 0xfe00]).buffer);
  const png16 = PNG.sync.write(png, { bitDepth: 16, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  assert.equal((await sharp(png16).metadata()).depth, 'ushort');
  const img16 = await decodeImage(png16, '16.png');
  assert.deepEqual([...img16.data], [0x12, 0xff, 0x00, 255, 0x80, 0x01, 0xfe, 255]);
  assert.ok(!hasTransparency(img16));
});

test('each output format: written by extension, read back (PNG and WebP-lossless exact, RGB PNG)', async () => {
  assert.equal(formatOfPath('a/b.PNG'), 'png');
  assert.equal(formatOfPath('b.jpeg'), 'jpeg');
  assert.equal(formatOfPath('b.jpg'), 'jpeg');
  assert.equal(formatOfPath('b.webp'), 'webp');
  assert.equal(formatOfPath('b.avif'), 'avif');
  for (const bad of ['b.gif', 'b.tiff', 'b', 'dir.png/b', '.png']) assert.equal(formatOfPath(bad), bad === '.png' ? 'png' : undefined, bad);
  const png = await encodeImage(W, H, rgb, 3, { format: 'png' });
  assert.equal(detectFormat(png), 'png');
  assert.equal(png[25], 2, 'IHDR colour type 2 (RGB)');
  assert.equal(png[24], 8, 'IHDR bit depth 8');
  assert.deepEqual(rgbaToRgb((await decodeImage(png, 'x.png')).data), rgb);
  const smooth = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => 100 + ((i / 3) % 32) * 2);
  for (const format of ['webp', 'jpeg', 'avif'] as OutputFormat[]) {
    const lo = await encodeImage(32, 32, smooth, 3, { format, quality: 10 });
    const hi = await encodeImage(32, 32, smooth, 3, { format, quality: 95 });
    assert.equal(detectFormat(hi), format);
    assert.ok(hi.length > lo.length, `${format}: quality 95 (${hi.length} B) is not larger than quality 10 (${lo.length} B)`);
    const back = rgbaToRgb((await decodeImage(hi, `x.${format}`)).data);
    let worst = 0;
    for (let i = 0; i < back.length; i++) worst = Math.max(worst, Math.abs(back[i] - smooth[i]));
    assert.ok(worst <= 12, `${format} at quality 95: largest error ${worst}`);
  }
  assert.equal((await sharp(await encodeImage(W, H, rgb, 3, { format: 'jpeg' })).metadata()).chromaSubsampling, '4:4:4');
});

test('a non-image is BAD_IMAGE naming the file', async () => {
  await assert.rejects(decodeImage(new TextEncoder().encode('hello, world\n'), 'notes.txt'), badImage(/notes\.txt is not an image/));
  await assert.rejects(probeImage(new Uint8Array(0), 'empty.png'), badImage(/empty\.png is not an image/));
  await assert.rejects(decodeImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.svg'), badImage(/a\.svg/));
});

test('a truncated PNG or JPEG is BAD_IMAGE naming the file', async () => {
  const png = await encodeImage(W, H, rgb, 3, { format: 'png' });
  for (const n of [8, 20, 40, png.length - 13]) {
    await assert.rejects(decodeImage(png.subarray(0, n), 'cut.png'), badImage(/cut\.png is a corrupt or unsupported PNG/), `${n} bytes`);
  }
  const jpg = fixture('420-q85.jpg');
  for (const n of [40, jpg.length - 100]) await assert.rejects(decodeImage(jpg.subarray(0, n), 'cut.jpg'), badImage(/cut\.jpg is a corrupt or unsupported JPEG/), `${n} bytes`);
});

test('a PNG with a damaged chunk is BAD_IMAGE', async () => {
  const png = (await encodeImage(W, H, rgb, 3, { format: 'png' })).slice();
  png[png.length - 20] ^= 0xff; // inside IDAT: CRC mismatch
  await assert.rejects(decodeImage(png, 'crc.png'), badImage(/crc\.png/));
});
