// Access to the official PyTorch golden outputs in ../shared/golden (never copied into git).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const GOLDEN_DIR = process.env.CUGAN_GOLDEN ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));
export const goldenAvailable = existsSync(join(GOLDEN_DIR, 'manifest.json'));

export interface GoldenCase {
  input: string;
  model: string;
  scale: number;
  alpha: number;
  pro: boolean;
  se: boolean;
  width: number;
  height: number;
  out_width: number;
  out_height: number;
  output_png: string;
  output_f32: string;
  padding: string;
}

export function goldenCases(): GoldenCase[] {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, 'manifest.json'), 'utf8')).cases;
}

/** `models-se/up2x-conservative` -> `se/up2x-conservative` */
export const modelId = (c: GoldenCase) => c.model.replace(/^models-/, '');

export function readPng(path: string): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

export const goldenPath = (rel: string) => join(GOLDEN_DIR, rel);

export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
