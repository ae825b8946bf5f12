// Real anime pictures the golden set never saw: crops of the frames in ../shared/media (read
// at run time, never copied into git), for precision checks beyond the golden crops. Sizes
// from small (where SE means over tiny maps are touchiest) to a few dozen pixels.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readImageFile, type RgbaImage } from '../../src/cli/image-io.js';

export const MEDIA_DIR = process.env.CUGAN_MEDIA ?? fileURLToPath(new URL('../../../shared/media/', import.meta.url));

/** Which frame, and the crop's left, top, width, height. */
const CROPS: [file: string, x: number, y: number, w: number, h: number][] = [
  ['frame-480p.png', 300, 120, 48, 40],
  ['frame-480p.png', 610, 300, 24, 20],
  ['lines-447x210.png', 180, 60, 40, 32],
  ['old-cartoon-179.jpg', 40, 30, 32, 32],
  ['portrait-245x518.png', 90, 140, 36, 44],
];

export const realImagesAvailable = CROPS.every(([f]) => existsSync(join(MEDIA_DIR, f)));

export interface RealImage extends RgbaImage {
  /** e.g. `frame-480p.png@300,120 48x40` */
  name: string;
}

export async function realImages(): Promise<RealImage[]> {
  const frames = new Map<string, RgbaImage>();
  for (const [file] of CROPS) if (!frames.has(file)) frames.set(file, await readImageFile(join(MEDIA_DIR, file)));
  return CROPS.map(([file, x, y, w, h]) => {
    const img = frames.get(file)!;
    if (x + w > img.width || y + h > img.height) throw new Error(`crop ${x},${y} ${w}x${h} outside ${file} (${img.width}x${img.height})`);
    const data = new Uint8Array(w * h * 4);
    for (let r = 0; r < h; r++) data.set(img.data.subarray(((y + r) * img.width + x) * 4, ((y + r) * img.width + x + w) * 4), r * w * 4);
    return { name: `${file}@${x},${y} ${w}x${h}`, width: w, height: h, data };
  });
}
