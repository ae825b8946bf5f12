// Builds the real-stream clips that frame reuse is measured on (bench/reuse-curve.ts,
// bench/reuse-run.ts): short scenes made from the anime stills in ../shared/media (env
// CUGAN_MEDIA overrides) the way anime is drawn (on twos and threes, camera pans, holds, a
// character moving over a held background, a slow pan on ones, cuts), then encoded the way
// sites encode them and decoded back to RGBA, so the reuse gate sees what a player would get.
//
//   test/.media/reuse/clips.json              what was built: sizes, frames, each frame's shot
//                                             and drawing, encoders and their settings, bytes
//   test/.media/reuse/<clip>/source.rgba      the frames as drawn (lossless), RGBA, frame after frame
//   test/.media/reuse/<clip>/<enc>.<ext>      the encoded clip
//   test/.media/reuse/<clip>/<enc>.rgba       it decoded back to RGBA (what the bench reads)
//
// 256x144 (144p, the smallest rendition sites stream): a fresh run of the network on every
// frame is what the reuse error is measured against, and on a software adapter (lavapipe) that
// takes seconds a frame even at 144p, so the clips are short: 16 frames (2/3 s) each.
//
// Usage: node scripts/build-reuse-clips.mjs [--force]
// Skips the work when clips.json is newer than this script and the stills.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = fileURLToPath(import.meta.url);
const MEDIA = resolve(ROOT, process.env.CUGAN_MEDIA ?? '../shared/media');
const OUT = join(ROOT, 'test', '.media', 'reuse');
const FFMPEG = process.env.FFMPEG ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE ?? 'ffprobe';

const args = process.argv.slice(2);
for (const a of args) {
  if (a !== '--force') {
    console.error(`unknown argument ${a}\nusage: node scripts/build-reuse-clips.mjs [--force]`);
    process.exit(2);
  }
}
const FORCE = args.includes('--force');

const W = 256;
const H = 144;
const FPS = 24;

// How sites encode (each from the same RGB frames, yuv420p): x264 with its defaults (CRF 23,
// preset medium) and at a low-bit-rate CRF, x264 tuned for animation, HEVC, VP9 and AV1 with
// their encoders' usual constant-quality settings. Encoders this ffmpeg lacks are skipped.
const ENCODERS = [
  { name: 'x264-crf23', encoder: 'libx264', ext: 'mp4', args: ['-c:v', 'libx264', '-crf', '23', '-preset', 'medium'], what: 'libx264 defaults (-crf 23 -preset medium)' },
  { name: 'x264-crf28', encoder: 'libx264', ext: 'mp4', args: ['-c:v', 'libx264', '-crf', '28', '-preset', 'medium'], what: 'libx264 -crf 28 -preset medium' },
  { name: 'x264-anim-crf18', encoder: 'libx264', ext: 'mp4', args: ['-c:v', 'libx264', '-crf', '18', '-preset', 'medium', '-tune', 'animation'], what: 'libx264 -crf 18 -tune animation' },
  { name: 'x265-crf28', encoder: 'libx265', ext: 'mp4', args: ['-c:v', 'libx265', '-crf', '28', '-preset', 'medium', '-x265-params', 'log-level=error'], what: 'libx265 defaults (-crf 28 -preset medium)' },
  { name: 'vp9-crf32', encoder: 'libvpx-vp9', ext: 'webm', args: ['-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-row-mt', '1'], what: 'libvpx-vp9 -crf 32 -b:v 0 (constant quality)' },
  { name: 'av1-crf35', encoder: 'libsvtav1', ext: 'mp4', args: ['-c:v', 'libsvtav1', '-crf', '35', '-preset', '8'], what: 'libsvtav1 -crf 35 -preset 8' },
];

// The stills (source pixels). Views are rectangles of a still in its own pixels, mapped onto
// the whole 256x144 frame; sprites are rectangles of a still drawn at a place in the frame.
const STILLS = { frame: 'frame-480p.png', lines: 'lines-447x210.png', portrait: 'portrait-245x518.png', cartoon: 'old-cartoon-179.jpg' };
// A character: the praying girl's face and hands from frame-480p.
const FACE = { still: 'frame', x: 420, y: 40, w: 200, h: 220 };

/**
 * The clips: per frame, which shot and drawing it shows (frames of one drawing are equal as
 * drawn) and what to draw: a view of a still and an optional sprite (dest in frame pixels).
 */
const CLIPS = [
  {
    name: 'twos',
    what: 'on twos: a camera pan right over frame-480p (8 frames, 4 drawings, 7.5 px a drawing), the camera holds (4 frames), a cut to lines-447x210 where a hand-sized patch moves on twos (4 frames, 2 drawings)',
    frame(n) {
      if (n < 12) {
        const d = Math.min(Math.floor(n / 2), 4);
        return { shot: 0, drawing: d, view: { still: 'frame', x: 20 * d, y: 48, w: 683, h: 384 } };
      }
      const d = Math.floor((n - 12) / 2);
      const view = { still: 'lines', x: 37, y: 0, w: 373, h: 210 };
      // A 40x30 patch of the picture (the hand over the eye) moving down-right 2 px a drawing.
      return { shot: 1, drawing: d, view, sprite: { src: { still: 'lines', x: 0, y: 60, w: 58, h: 44 }, x: 4 + 2 * d, y: 40 + 2 * d, w: 40, h: 30 } };
    },
  },
  {
    name: 'threes',
    what: 'on threes: a character moving left over a held background (portrait-245x518, 9 frames, 3 drawings, 5 px a drawing), the background then pans down slowly on ones (0.4 px a frame, 5 frames), a cut to old-cartoon-179 held (2 frames)',
    frame(n) {
      if (n < 9) {
        const d = Math.floor(n / 3);
        return { shot: 0, drawing: d, view: { still: 'portrait', x: 0, y: 200, w: 245, h: 138 }, sprite: { src: FACE, x: 150 - 5 * d, y: 30, w: 60, h: 66 } };
      }
      if (n < 14) {
        const k = n - 8;
        return { shot: 0, drawing: 2 + k, view: { still: 'portrait', x: 0, y: 200 + 0.4 * k * (138 / H), w: 245, h: 138 }, sprite: { src: FACE, x: 140, y: 30, w: 60, h: 66 } };
      }
      return { shot: 1, drawing: 0, view: { still: 'cartoon', x: 0, y: 39, w: 179, h: 101 } };
    },
  },
];
const FRAMES = 16;

function run(cmd, argv, input) {
  const r = spawnSync(cmd, argv, { input, maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (is ffmpeg installed? FFMPEG/FFPROBE override the commands)`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}\nfailed (${r.status}):\n${r.stderr.toString().slice(-4000)}`);
  return r.stdout;
}

const inputs = [SCRIPT, ...Object.values(STILLS).map((f) => join(MEDIA, f))];
for (const f of inputs) {
  if (!existsSync(f)) {
    console.error(`build-reuse-clips: missing input ${f} (set CUGAN_MEDIA to the folder with the stills)`);
    process.exit(1);
  }
}
const manifestPath = join(OUT, 'clips.json');
const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!FORCE && existsSync(manifestPath) && statSync(manifestPath).mtimeMs > newest) {
  console.log(`build-reuse-clips: ${relative(ROOT, OUT)}/ is up to date`);
  process.exit(0);
}

const encoders = new Set(run(FFMPEG, ['-hide_banner', '-encoders']).toString().split('\n').map((l) => l.trim().split(/\s+/)[1]));
const t0 = Date.now();

/** A still decoded to RGB bytes. */
function loadStill(file) {
  const [w, h] = run(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', join(MEDIA, file)])
    .toString().trim().split(',').map(Number);
  const data = run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-i', join(MEDIA, file), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return { w, h, data };
}
const stills = Object.fromEntries(Object.entries(STILLS).map(([k, f]) => [k, loadStill(f)]));

/** Bilinear sample of channel c at (x, y) in still pixels (pixel centres at +0.5), edges clamped. */
function sample(img, x, y, c) {
  const fx = Math.min(Math.max(x - 0.5, 0), img.w - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), img.h - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, img.w - 1), y1 = Math.min(y0 + 1, img.h - 1);
  const ax = fx - x0, ay = fy - y0;
  const p = (xx, yy) => img.data[(yy * img.w + xx) * 3 + c];
  return (p(x0, y0) * (1 - ax) + p(x1, y0) * ax) * (1 - ay) + (p(x0, y1) * (1 - ax) + p(x1, y1) * ax) * ay;
}

/**
 * Renders one frame: each pixel is the mean of 4x4 bilinear samples over its footprint (an
 * area filter, so sub-pixel camera positions move edges smoothly, as a real pan does).
 */
function render(f) {
  const out = new Uint8Array(W * H * 4);
  const S = 4;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const acc = [0, 0, 0];
      for (let j = 0; j < S; j++) {
        for (let i = 0; i < S; i++) {
          const px = x + (i + 0.5) / S;
          const py = y + (j + 0.5) / S;
          const sp = f.sprite;
          const inSprite = sp && px >= sp.x && px < sp.x + sp.w && py >= sp.y && py < sp.y + sp.h;
          const v = inSprite ? sp.src : f.view;
          const vx = inSprite ? (px - sp.x) / sp.w : px / W;
          const vy = inSprite ? (py - sp.y) / sp.h : py / H;
          const img = stills[v.still];
          for (let c = 0; c < 3; c++) acc[c] += sample(img, v.x + vx * v.w, v.y + vy * v.h, c);
        }
      }
      const o = (y * W + x) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(acc[c] / (S * S));
      out[o + 3] = 255;
    }
  }
  return out;
}

rmSync(OUT, { recursive: true, force: true });
const manifest = { width: W, height: H, fps: FPS, frames: FRAMES, clips: [], encoders: [] };
for (const enc of ENCODERS) {
  if (encoders.has(enc.encoder)) manifest.encoders.push({ name: enc.name, what: enc.what, ext: enc.ext, args: enc.args });
  else console.log(`build-reuse-clips: this ffmpeg has no ${enc.encoder}: ${enc.name} skipped`);
}
for (const clip of CLIPS) {
  const dir = join(OUT, clip.name);
  mkdirSync(dir, { recursive: true });
  const frames = Array.from({ length: FRAMES }, (_, n) => clip.frame(n));
  const rgba = Buffer.concat(frames.map(render));
  writeFileSync(join(dir, 'source.rgba'), rgba);
  const rgb = Buffer.alloc(W * H * 3 * FRAMES);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) rgba.copy(rgb, j, i, i + 3);
  const sizes = {};
  for (const enc of manifest.encoders) {
    const file = join(dir, `${enc.name}.${enc.ext}`);
    run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(FPS), '-i', '-',
      ...enc.args, '-pix_fmt', 'yuv420p', '-an', file], rgb);
    const decoded = run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
    if (decoded.length !== rgba.length) throw new Error(`${file} decodes to ${decoded.length / (W * H * 4)} frames, not ${FRAMES}`);
    writeFileSync(join(dir, `${enc.name}.rgba`), decoded);
    sizes[enc.name] = { bytes: statSync(file).size, kbps: Math.round((statSync(file).size * 8) / (FRAMES / FPS) / 1000) };
  }
  manifest.clips.push({ name: clip.name, what: clip.what, frames: frames.map((f) => ({ shot: f.shot, drawing: f.drawing })), sizes });
}
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
console.log(`build-reuse-clips: ${manifest.clips.length} clips x ${manifest.encoders.length} encoders in ${relative(ROOT, OUT)}/ ` +
  `(${W}x${H}, ${FRAMES} frames at ${FPS} fps) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
