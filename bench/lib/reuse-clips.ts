// The real-stream clips of scripts/build-reuse-clips.mjs, read back for the reuse bench: the
// manifest, and each clip/encoding's decoded RGBA frames. Also where fresh outputs (a full run
// of the network on every frame) are cached: test/.media/reuse/fresh/, gitignored, so a rerun
// of the bench pays only for what it has not computed yet.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConvBlock } from '../../src/runtime/gpu/conv-kernels.js';
import type { GraphExecutor, PackPasses } from '../../src/runtime/gpu/executor.js';
import { readTexture } from '../../src/runtime/gpu/readback.js';

export const CLIPS_DIR = fileURLToPath(new URL('../../test/.media/reuse/', import.meta.url));

export interface ClipFrame {
  shot: number;
  drawing: number;
}

export interface ClipsManifest {
  width: number;
  height: number;
  fps: number;
  frames: number;
  clips: { name: string; what: string; frames: ClipFrame[]; sizes: Record<string, { bytes: number; kbps: number }> }[];
  encoders: { name: string; what: string; ext: string; args: string[] }[];
}

export function readClips(): ClipsManifest {
  const path = join(CLIPS_DIR, 'clips.json');
  if (!existsSync(path)) throw new Error(`no clips at ${path}: run node scripts/build-reuse-clips.mjs`);
  return JSON.parse(readFileSync(path, 'utf8')) as ClipsManifest;
}

/** The frames of one clip as one encoder delivered them ('source': as drawn, lossless), RGBA. */
export function readFrames(m: ClipsManifest, clip: string, encoding: string): Uint8Array[] {
  const buf = readFileSync(join(CLIPS_DIR, clip, `${encoding}.rgba`));
  const size = m.width * m.height * 4;
  return Array.from({ length: m.frames }, (_, i) => new Uint8Array(buf.buffer, buf.byteOffset + i * size, size));
}

/** Cache file of the fresh output of one frame (RGBA at the model's output size). */
export function freshPath(key: string, clip: string, encoding: string, frame: number): string {
  return join(CLIPS_DIR, 'fresh', key, clip, encoding, `${String(frame).padStart(3, '0')}.rgba`);
}

export function readFresh(key: string, clip: string, encoding: string, frame: number): Uint8Array | undefined {
  const p = freshPath(key, clip, encoding, frame);
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
}

export function writeFresh(key: string, clip: string, encoding: string, frame: number, data: Uint8Array): void {
  const p = freshPath(key, clip, encoding, frame);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
}

/** The cache key of a model's fresh outputs: the model and everything that changes its pixels. */
export const freshKey = (model: string, block: ConvBlock) => `${model.replace('/', '_')}-f32-${block}`;

/** The options every reuse script takes (util.parseArgs): models, clips and encodings, each repeatable. */
export const SELECTION_OPTIONS = {
  model: { type: 'string', multiple: true },
  clip: { type: 'string', multiple: true },
  encoding: { type: 'string', multiple: true },
} as const;

/** Uploads one RGBA frame into the executor's input, runs it (through its reuse gate, if on) and reads the output. */
export async function upscaleFrame(device: GPUDevice, ex: GraphExecutor, pack: PackPasses, rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  device.queue.writeTexture({ texture: ex.input }, rgba as Uint8Array<ArrayBuffer>, { bytesPerRow: width * 4 }, [width, height]);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  ex.encode(pass, pack);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const out = await readTexture(device, ex.output);
  return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
}

/** Runs a script's main() when the file is run directly: exit 0, or 1 with the error (the webgpu package keeps Node alive otherwise). */
export function runScript(url: string, main: () => Promise<void>): void {
  if (url !== `file://${process.argv[1]}`) return;
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
