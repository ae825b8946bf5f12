// Builds the small test video used by the end-to-end tests from the real anime stills in
// ../shared/media (env CUGAN_MEDIA overrides), with the system ffmpeg (works with ffmpeg 5.1):
//
//   test/.media/hls/master.m3u8          two levels, 96x54 and 128x72 (BANDWIDTH, RESOLUTION, CODECS),
//                                        plus an English WebVTT subtitle group (EXT-X-MEDIA)
//   test/.media/hls/96x54/index.m3u8     1-second MPEG-TS segments, H.264 main, yuv420p, 24 fps,
//   test/.media/hls/128x72/index.m3u8    a keyframe every second (every segment starts with one)
//   test/.media/hls/subs/en.m3u8         the subtitle playlist (one segment: en.vtt)
//   test/.media/hls/subs/en.vtt          the cues below; also usable as a <track> for clip.mp4
//   test/.media/hls/clip.mp4             96x54, same content, single file (faststart)
//   with --large also 320x180/index.m3u8 and master-large.m3u8 (three levels), for manual
//   measurements only: master.m3u8 keeps two levels.
//
// Content (8 s, 192 frames): 0-2 s frame-480p.png with a slow pan, 2-4 s lines-447x210.png
// (hold), 4-6 s portrait-245x518.png pillarboxed (hold), 6-8 s old-cartoon-179.jpg pillarboxed
// (hold). Cut points are keyframes and segment boundaries.
//
// Usage: node scripts/build-test-stream.mjs [--large] [--force]
// Skips the work when every output is newer than this script and the inputs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = fileURLToPath(import.meta.url);
const MEDIA = resolve(ROOT, process.env.CUGAN_MEDIA ?? '../shared/media');
let OUT = join(ROOT, 'test', '.media', 'hls');
const FFMPEG = process.env.FFMPEG ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE ?? 'ffprobe';
const args = process.argv.slice(2);
for (const a of args) {
  if (a !== '--large' && a !== '--force') {
    console.error(`unknown argument ${a}\nusage: node scripts/build-test-stream.mjs [--large] [--force]`);
    process.exit(2);
  }
}
const LARGE = args.includes('--large');
const FORCE = args.includes('--force');

const FPS = 24;
const SEG = 1; // seconds per segment and between keyframes
const SCENES = [
  // file, seconds, filter from the still (any size) to 640x360 at 24 fps
  // frame-480p is 854x480: scale by 4/3 and pan a 854x480 window right by 284 px over 2 s,
  // drawn "on twos" like anime: the position changes every 1/12 s, each drawing held 2 frames.
  ['frame-480p.png', 2, `scale=1138:640,crop=854:480:x='min(284,floor(n/2)*142/12)':y=80,scale=640:360`],
  // lines is 447x210 (wider than 16:9): crop the middle to 16:9, then hold.
  ['lines-447x210.png', 2, 'crop=373:210,scale=640:360'],
  // portrait is 245x518: fit the height, pillarbox.
  ['portrait-245x518.png', 2, 'scale=-2:360,pad=640:360:(ow-iw)/2:0'],
  // a small square JPEG with compression artifacts: fit the height, pillarbox.
  ['old-cartoon-179.jpg', 2, 'scale=360:360,pad=640:360:(ow-iw)/2:0'],
];
const DURATION = SCENES.reduce((s, [, d]) => s + d, 0);
const CUES = [
  [0, 2, 'Hello from cugan'],
  [2, 4, 'Second cue'],
  [4, 6, 'Third cue'],
  [6, 8, 'Fourth cue'],
];
const RENDITIONS = [
  { name: '96x54', width: 96, height: 54, kbps: 120 },
  { name: '128x72', width: 128, height: 72, kbps: 200 },
  ...(LARGE ? [{ name: '320x180', width: 320, height: 180, kbps: 700 }] : []),
];

const outputs = [
  'master.m3u8',
  'clip.mp4',
  'subs/en.vtt',
  'subs/en.m3u8',
  ...RENDITIONS.map((r) => `${r.name}/index.m3u8`),
  ...(LARGE ? ['master-large.m3u8'] : []),
].map((p) => join(OUT, p));
const inputs = [SCRIPT, ...SCENES.map(([f]) => join(MEDIA, f))];

for (const f of inputs) {
  if (!existsSync(f)) {
    console.error(`build-test-stream: missing input ${f} (set CUGAN_MEDIA to the folder with the stills)`);
    process.exit(1);
  }
}
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!FORCE && outputs.every((f) => existsSync(f) && statSync(f).mtimeMs > newestInput)) {
  console.log(`build-test-stream: ${relative(ROOT, OUT)}/ is up to date`);
  process.exit(0);
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) {
    // One line that says what to install (the demo passes it on).
    console.error(`build-test-stream: cannot run ${cmd} (${r.error.code ?? r.error.message}): install ffmpeg (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg), or set FFMPEG and FFPROBE`);
    process.exit(1);
  }
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}\nfailed (${r.status}):\n${r.stderr.slice(-4000)}`);
  return r.stdout;
}

const t0 = Date.now();
// Build next to the output and swap it in at the end, so a test that is reading the old
// stream meanwhile sees whole files.
const FINAL = OUT;
OUT = `${FINAL}.build-${process.pid}`;
const BUILD = OUT;
process.on('exit', () => rmSync(BUILD, { recursive: true, force: true })); // after a failure
rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'subs'), { recursive: true });

// 1. The mezzanine: the scenes at 640x360, lossless (FFV1), exactly DURATION * FPS frames.
const mezz = join(OUT, 'mezzanine.mkv');
const inArgs = SCENES.flatMap(([f, d]) => ['-loop', '1', '-framerate', String(FPS), '-t', String(d), '-i', join(MEDIA, f)]);
const graph =
  SCENES.map(([, , filter], i) => `[${i}:v]format=rgb24,${filter},setsar=1,fps=${FPS}[s${i}]`).join(';') +
  `;${SCENES.map((_, i) => `[s${i}]`).join('')}concat=n=${SCENES.length}:v=1:a=0,format=yuv420p[v]`;
run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...inArgs, '-filter_complex', graph, '-map', '[v]',
  '-frames:v', String(DURATION * FPS), '-c:v', 'ffv1', mezz]);

// H.264 settings shared by every output: main profile, level 3.0, a keyframe every second
// (closed GOPs, no scene-cut keyframes), so segments are exactly 1 s and independent.
const h264 = (r) => [
  '-vf', `scale=${r.width}:${r.height}:flags=lanczos,setsar=1`,
  '-c:v', 'libx264', '-preset', 'medium', '-profile:v', 'main', '-level:v', '3.0', '-pix_fmt', 'yuv420p',
  '-b:v', `${r.kbps}k`, '-maxrate', `${Math.round(r.kbps * 1.5)}k`, '-bufsize', `${r.kbps * 2}k`,
  '-g', String(FPS * SEG), '-keyint_min', String(FPS * SEG), '-sc_threshold', '0',
  '-force_key_frames', `expr:gte(t,n_forced*${SEG})`, '-x264-params', 'open-gop=0',
  '-r', String(FPS), '-an',
];

// 2. One HLS media playlist per rendition.
for (const r of RENDITIONS) {
  const dir = join(OUT, r.name);
  mkdirSync(dir, { recursive: true });
  run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', mezz, ...h264(r),
    '-f', 'hls', '-hls_time', String(SEG), '-hls_playlist_type', 'vod', '-hls_segment_type', 'mpegts',
    '-hls_flags', 'independent_segments', '-hls_segment_filename', join(dir, 'seg%03d.ts'), join(dir, 'index.m3u8')]);
}

// 3. The single-file MP4 (96x54).
run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', mezz, ...h264(RENDITIONS[0]), '-movflags', '+faststart',
  join(OUT, 'clip.mp4')]);
rmSync(mezz);

// RFC 6381 codec string from the first SPS NAL unit in a segment: avc1.PPCCLL.
function avcCodec(tsFile) {
  const b = readFileSync(tsFile);
  // TS packets carry the PES payload in pieces; the SPS is in the first video packet, so a
  // plain byte search for a start code followed by NAL type 7 is enough here.
  for (let i = 0; i + 7 < b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1 && (b[i + 3] & 0x1f) === 7) {
      return `avc1.${[b[i + 4], b[i + 5], b[i + 6]].map((x) => x.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
    }
  }
  throw new Error(`no H.264 SPS found in ${tsFile}`);
}

// Peak and average bit rates over the segments of a media playlist (HLS BANDWIDTH is the peak).
function bitrates(dir) {
  const lines = readFileSync(join(dir, 'index.m3u8'), 'utf8').split('\n');
  let peak = 0, bytes = 0, secs = 0, dur = 0;
  for (const line of lines) {
    if (line.startsWith('#EXTINF:')) dur = parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) {
      const size = statSync(join(dir, line)).size;
      peak = Math.max(peak, (size * 8) / dur);
      bytes += size;
      secs += dur;
    }
  }
  return { peak: Math.ceil(peak), average: Math.ceil((bytes * 8) / secs) };
}

// 4. Subtitles. MPEG-TS timestamps start at ffmpeg's mux delay (1.4 s, plus a frame for B-frame
// reordering), not 0; X-TIMESTAMP-MAP tells HLS players which TS time is cue time 0 (without it
// hls.js maps cue 0 to PTS 0).
// Browsers ignore the header line when the file is used as a <track>.
const firstPts = Number(
  run(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_pts', '-of', 'csv=p=0',
    join(OUT, RENDITIONS[0].name, 'seg000.ts')]).split('\n').map((l) => l.trim()).filter(Boolean)[0],
);
if (!Number.isFinite(firstPts)) throw new Error('could not read the first PTS of the first segment');
const ts = (s) => `00:00:${String(Math.floor(s)).padStart(2, '0')}.${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
writeFileSync(
  join(OUT, 'subs', 'en.vtt'),
  `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${firstPts},LOCAL:00:00:00.000\n\n` +
    CUES.map(([a, b, text], i) => `${i + 1}\n${ts(a)} --> ${ts(b)}\n${text}\n`).join('\n'),
);
writeFileSync(
  join(OUT, 'subs', 'en.m3u8'),
  `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${DURATION}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n` +
    `#EXTINF:${DURATION.toFixed(3)},\nen.vtt\n#EXT-X-ENDLIST\n`,
);

// 5. Master playlists.
const master = (renditions) =>
  '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
  '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="subs/en.m3u8"\n' +
  renditions
    .map((r) => {
      const { peak, average } = bitrates(join(OUT, r.name));
      const codec = avcCodec(join(OUT, r.name, 'seg000.ts'));
      return `#EXT-X-STREAM-INF:BANDWIDTH=${peak},AVERAGE-BANDWIDTH=${average},RESOLUTION=${r.width}x${r.height},` +
        `FRAME-RATE=${FPS.toFixed(3)},CODECS="${codec}",SUBTITLES="subs"\n${r.name}/index.m3u8\n`;
    })
    .join('');
writeFileSync(join(OUT, 'master.m3u8'), master(RENDITIONS.filter((r) => r.name !== '320x180')));
if (LARGE) writeFileSync(join(OUT, 'master-large.m3u8'), master(RENDITIONS));

rmSync(FINAL, { recursive: true, force: true });
try {
  renameSync(OUT, FINAL);
} catch (e) {
  // Another build finished first (two test runs at once): keep its output.
  rmSync(OUT, { recursive: true, force: true });
  if (!existsSync(join(FINAL, 'master.m3u8'))) throw e;
}
OUT = FINAL;

const list = (dir) =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? list(join(dir, n)) : [join(dir, n)]));
const files = list(OUT).sort();
for (const f of files) console.log(`  ${relative(ROOT, f)}  ${statSync(f).size} B`);
console.log(
  `build-test-stream: wrote ${files.length} files to ${relative(ROOT, OUT)}/ ` +
    `(${DURATION} s at ${FPS} fps; ${RENDITIONS.map((r) => r.name).join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
