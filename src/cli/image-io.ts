// Image files for the CLI, through sharp (libvips; JPEG through libjpeg-turbo's decoder, as the
// official tools decode through OpenCV or Pillow: ISLOW IDCT, fancy upsampling). Inputs are
// told apart by their first bytes, not the file name; colour values are kept as stored (no ICC
// profile applied, no EXIF rotation), as cv2.imread/Pillow give them to the official model.
// Outputs are 8-bit RGB in the format the file name's extension names.

import { readFileSync } from 'node:fs';
import type { Sharp, SharpOptions } from 'sharp';
import { CuganError } from '../runtime/errors.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row by row from the top. */
  data: Uint8Array;
}

export type InputFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif';
export type OutputFormat = 'png' | 'webp' | 'jpeg' | 'avif';

export const INPUT_FORMATS_TEXT = 'PNG, JPEG, WebP, AVIF, TIFF or GIF';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'webp', 'jpeg', 'avif'];
/** File name extensions of the formats cugan reads (a folder's images are found by them). */
export const INPUT_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.jpe', '.jfif', '.webp', '.avif', '.tif', '.tiff', '.gif'];
const OUTPUT_EXTENSIONS: Record<string, OutputFormat> = { '.png': 'png', '.webp': 'webp', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.avif': 'avif' };
export const OUTPUT_EXTENSIONS_TEXT = '.png, .webp, .jpg (or .jpeg) or .avif';

/** Lossy formats' quality when --quality is not given. */
export const DEFAULT_QUALITY = 90;

const NAMES: Record<InputFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF', tiff: 'TIFF', gif: 'GIF' };

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));
const startsWith = (bytes: Uint8Array, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** The format of an image file from its first bytes (32 are enough); undefined: none cugan reads. */
export function detectFormat(bytes: Uint8Array): InputFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp';
  if (ascii(bytes, 4, 'ftyp') && (ascii(bytes, 8, 'avif') || ascii(bytes, 8, 'avis'))) return 'avif';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'gif';
  return undefined;
}

/** The output format a file name's extension names; undefined: none cugan writes. */
export function formatOfPath(path: string): OutputFormat | undefined {
  const m = /\.[^./\\]+$/.exec(path);
  return m ? OUTPUT_EXTENSIONS[m[0].toLowerCase()] : undefined;
}

/** The file name extension cugan gives a format ({ext} in --name). */
export const extensionOf = (format: OutputFormat): string => (format === 'jpeg' ? 'jpg' : format);

/** Largest image accepted, in pixels (a 16k x 16k JPEG would take 1 GiB decoded). */
const MAX_PIXELS = 100e6;

type SharpFactory = (input?: Uint8Array, options?: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFactory> | undefined;

/** sharp, loaded on first use (`cugan models` and `--help` never need it). */
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then(
    (m) => m.default as unknown as SharpFactory,
    (e: unknown) => {
      sharpModule = undefined;
      throw new CuganError('BAD_IMAGE', `cugan reads and writes images with the "sharp" package, which could not be loaded (${(e as Error).message}); install it: npm install sharp`, { cause: e });
    },
  );
  return sharpModule;
}

function notAnImage(name: string): CuganError {
  return new CuganError('BAD_IMAGE', `${name} is not an image cugan can read (${INPUT_FORMATS_TEXT} expected)`);
}

function corrupt(name: string, format: InputFormat, e: unknown): CuganError {
  const why = e instanceof Error ? e.message : String(e);
  return new CuganError('BAD_IMAGE', `${name} is a corrupt or unsupported ${NAMES[format]} file (${why.trim()}); ${INPUT_FORMATS_TEXT} expected`, { cause: e });
}

const readOptions: SharpOptions = { ignoreIcc: true, limitInputPixels: MAX_PIXELS, failOn: 'warning' };

/** Width, height and format from an image's header (no decode); BAD_IMAGE otherwise. */
export async function probeImage(bytes: Uint8Array, name: string): Promise<{ width: number; height: number; format: InputFormat }> {
  const format = detectFormat(bytes);
  if (!format) throw notAnImage(name);
  const sharp = await loadSharp();
  let meta;
  try {
    meta = await sharp(bytes, readOptions).metadata();
  } catch (e) {
    throw corrupt(name, format, e);
  }
  const { width, height } = meta;
  if (!(width && height && width > 0 && height > 0)) throw corrupt(name, format, new Error(`size ${width}x${height}`));
  if (width * height > MAX_PIXELS) throw corrupt(name, format, new Error(`${width}x${height} is over ${MAX_PIXELS / 1e6} megapixels`));
  return { width, height, format };
}

/** Decodes image bytes to 8-bit RGBA; `name` (the file) only goes into error messages. */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<RgbaImage> {
  const format = detectFormat(bytes);
  if (!format) throw notAnImage(name);
  const sharp = await loadSharp();
  let out;
  try {
    // Grey, grey+alpha, palette and 16-bit images come out as 8-bit RGBA.
    out = await sharp(bytes, readOptions).ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw corrupt(name, format, e);
  }
  const { width, height, channels } = out.info;
  if (!(width > 0 && height > 0) || channels !== 4 || out.data.length < width * height * 4) {
    throw corrupt(name, format, new Error(`decoded to ${width}x${height}x${channels}`));
  }
  return { width, height, data: new Uint8Array(out.data.buffer, out.data.byteOffset, width * height * 4) };
}

/** A file's bytes; BAD_IMAGE naming it when it cannot be read. */
export function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CuganError('BAD_IMAGE', `cannot read ${path}: ${why}`, { cause: e });
  }
}

/** Reads and decodes an image file. */
export async function readImageFile(path: string): Promise<RgbaImage> {
  return decodeImage(readFileBytes(path), path);
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

export interface EncodeOptions {
  format: OutputFormat;
  /** 1-100, for JPEG, WebP and AVIF (default DEFAULT_QUALITY). */
  quality?: number;
}

/** Encodes 8-bit RGB (channels 3) or RGBA (channels 4) pixels; PNG keeps the channels. */
export async function encodeImage(width: number, height: number, data: Uint8Array | Uint8ClampedArray, channels: 3 | 4, opts: EncodeOptions): Promise<Uint8Array> {
  if (data.length !== width * height * channels) {
    throw new CuganError('BAD_IMAGE', `encodeImage: ${data.length} bytes given for a ${width}x${height} image with ${channels} channels`);
  }
  const sharp = await loadSharp();
  const image = sharp(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels }, limitInputPixels: false });
  const quality = opts.quality ?? DEFAULT_QUALITY;
  // 4:4:4 JPEG: the upscaled picture's sharp colour edges are what the network made.
  const encoded =
    opts.format === 'png' ? image.png()
    : opts.format === 'webp' ? image.webp({ quality })
    : opts.format === 'jpeg' ? image.jpeg({ quality, chromaSubsampling: '4:4:4' })
    : image.avif({ quality });
  const bytes = await encoded.toBuffer();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
