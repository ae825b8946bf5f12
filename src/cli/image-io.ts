// Image files for the CLI: PNG and JPEG in (told apart by their first bytes, not the file
// name), 8-bit PNG out. Decoded images are RGBA, as the runtime's upscale() takes them.

import { readFileSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { CuganError } from '../runtime/errors.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row by row from the top. */
  data: Uint8Array;
}

export type ImageFormat = 'png' | 'jpeg';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

export function detectFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return 'png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'jpeg';
  return undefined;
}

/** Largest image accepted, in pixels (a 16k x 16k JPEG would take 1 GiB decoded). */
const MAX_PIXELS = 100e6;

/** Decodes PNG or JPEG bytes to RGBA; `name` (the file) only goes into error messages. */
export function decodeImage(bytes: Uint8Array, name: string): RgbaImage {
  const format = detectFormat(bytes);
  if (!format) {
    throw new CuganError('BAD_IMAGE', `${name} is not an image cugan can read (PNG or JPEG expected)`);
  }
  let image: RgbaImage;
  try {
    if (format === 'png') {
      // pngjs expands palette, grey and 16-bit images to 8-bit RGBA.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      image = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } else {
      const jpg = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 2048 });
      image = { width: jpg.width, height: jpg.height, data: jpg.data };
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new CuganError('BAD_IMAGE', `${name} is a corrupt or unsupported ${format === 'png' ? 'PNG' : 'JPEG'} file (${why}); PNG or JPEG expected`, { cause: e });
  }
  if (!(image.width > 0 && image.height > 0) || image.data.length < image.width * image.height * 4) {
    throw new CuganError('BAD_IMAGE', `${name} decodes to an empty or incomplete ${image.width}x${image.height} image; PNG or JPEG expected`);
  }
  return image;
}

/** Reads and decodes an image file. */
export function readImage(path: string): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new Error(`cannot read ${path}: ${why}`, { cause: e });
  }
  return decodeImage(bytes, path);
}

/** Whether any pixel of an RGBA image is not fully opaque. */
export function hasTransparency(image: RgbaImage): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return true;
  return false;
}

/** RGBA -> RGB, dropping alpha. */
export function rgbaToRgb(data: Uint8Array | Uint8ClampedArray): Uint8Array {
  const n = data.length >> 2;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = data[i * 4];
    out[i * 3 + 1] = data[i * 4 + 1];
    out[i * 3 + 2] = data[i * 4 + 2];
  }
  return out;
}

/** Encodes 8-bit RGB (channels 3) or RGBA (channels 4) pixels as a PNG of the same kind. */
export function encodePng(width: number, height: number, data: Uint8Array | Uint8ClampedArray, channels: 3 | 4): Uint8Array {
  if (data.length !== width * height * channels) {
    throw new CuganError('BAD_IMAGE', `encodePng: ${data.length} bytes given for a ${width}x${height} image with ${channels} channels`);
  }
  const colorType = channels === 3 ? 2 : 6;
  const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8 });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bytes = PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function writePng(path: string, width: number, height: number, data: Uint8Array | Uint8ClampedArray, channels: 3 | 4): void {
  writeFileSync(path, encodePng(width, height, data, channels));
}
