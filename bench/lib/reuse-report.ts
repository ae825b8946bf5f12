// The Markdown report of the reuse bench (bench/reuse-curve.ts): the default threshold on every
// real-stream clip and encoder, the threshold curve, the choice of statistic, and the GPU runs.
import type { Statistic } from '../../test/helpers/reuse-model.js';
import type { RunRecord } from '../reuse-run.js';
import { DEFAULT_REUSE_THRESHOLD_DB } from '../../src/runtime/options.js';
import type { ClipsManifest } from './reuse-clips.js';

/** One clip and encoding under one gate setting (bench/reuse-curve.ts). */
export interface CurvePoint {
  model: string;
  clip: string;
  encoding: string;
  stat: Statistic;
  block: number;
  threshold: number;
  frames: number;
  reused: number;
  tileFrames: number;
  tilesRun: number;
  /** Multiply-adds run over those of a full run on every frame. */
  work: number;
  /** Worst PSNR of a frame showing any reused output against a fresh run (Infinity: none, or exact). */
  worstFrameDb: number;
  worstBlockDb: number;
  worstFrame: number;
}

/** The encoder's own error as the network shows it: each frame's fresh output against the lossless source frame's. */
export interface CodecError {
  model: string;
  clip: string;
  encoding: string;
  meanDb: number;
  worstDb: number;
}

export interface ReuseReportInput {
  name: string;
  command: string;
  clips: ClipsManifest;
  points: CurvePoint[];
  codec: CodecError[];
  runs: RunRecord[];
}

/** The gate the players run: mean squared difference per 16x16 block. */
const STAT = 'mse';
const BLOCK = 16;
const DEFAULT_DB = DEFAULT_REUSE_THRESHOLD_DB;
/** The bound every reused frame must keep against a fresh run. */
const BOUND_DB = 40;

const db = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '∞');
const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
const mseDb = (mse: number) => (mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse));
const thresholdLabel = (mse: number) => (mse === 0 ? 'exact' : `${mseDb(mse).toFixed(0)} dB`);
const same = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a));

/** Pooled over clips: frames, reused frames, tiles run, mean work, worst PSNRs. */
function pool(ps: CurvePoint[]) {
  return {
    frames: ps.reduce((a, p) => a + p.frames, 0),
    reused: ps.reduce((a, p) => a + p.reused, 0),
    tileFrames: ps.reduce((a, p) => a + p.tileFrames, 0),
    work: ps.reduce((a, p) => a + p.work, 0) / Math.max(1, ps.length),
    worstFrameDb: Math.min(Infinity, ...ps.map((p) => p.worstFrameDb)),
    worstBlockDb: Math.min(Infinity, ...ps.map((p) => p.worstBlockDb)),
  };
}

/** Why the bound and the default: the encoders' own error, and where the curve breaks the bound. */
function choice(r: ReuseReportInput, defaultMse: number): string[] {
  const means = r.codec.map((c) => c.meanDb);
  const lines = ['## The bound and the default', ''];
  const atDefault = r.points.filter((p) => p.stat === STAT && p.block === BLOCK && same(p.threshold, defaultMse));
  const worst = Math.min(...atDefault.map((p) => p.worstFrameDb));
  if (means.length) {
    lines.push(
      `Why ${BOUND_DB} dB: through the network, the encoders here already put each frame's output ${db(Math.min(...means))}–${db(Math.max(...means))} dB (mean per clip and encoder; worst frame ${db(Math.min(...r.codec.map((c) => c.worstDb)))} dB) from the output of the lossless frame. ${BOUND_DB} dB sits at the clean end of that range: a reused frame at the bound differs from a fresh run about as much as the cleanest encode here differs from the drawing, and less than the others do. At the default threshold the worst reused frame is ${db(worst)} dB, ${db(worst - Math.max(...means))} dB cleaner than that.`,
      '',
    );
  }
  for (const model of [...new Set(r.points.map((p) => p.model))]) {
    const ps = r.points.filter((p) => p.model === model && p.stat === STAT && p.block === BLOCK);
    const thresholds = [...new Set(ps.map((p) => p.threshold))].sort((a, b) => a - b);
    const stats = thresholds.map((t) => ({ t, s: pool(ps.filter((p) => p.threshold === t)) }));
    const firstFail = stats.find((x) => x.s.worstFrameDb < BOUND_DB);
    const lastPass = [...stats].reverse().find((x) => x.s.worstFrameDb >= BOUND_DB && (!firstFail || x.t < firstFail.t));
    const def = stats.find((x) => same(x.t, defaultMse));
    if (!def) continue;
    const failPoint = firstFail && ps.filter((p) => p.threshold === firstFail.t).sort((a, b) => a.worstFrameDb - b.worstFrameDb)[0]!;
    lines.push(
      `- ${model}: the loosest threshold tried that keeps every reused frame within the bound is ${lastPass ? thresholdLabel(lastPass.t) : '–'}` +
        (failPoint ? `; at ${thresholdLabel(firstFail!.t)} ${failPoint.clip}/${failPoint.encoding} reuses a frame at ${db(failPoint.worstFrameDb)} dB (frame ${failPoint.worstFrame})` : '') +
        `. At the default ${DEFAULT_DB} dB: work ${pct(def.s.work)}, worst reused frame ${db(def.s.worstFrameDb)} dB.`,
    );
  }
  const twos = atDefault.find((p) => p.clip === 'twos' && p.encoding === 'x264-crf23');
  lines.push(
    '',
    `The default is ${DEFAULT_DB} dB rather than the loosest passing threshold: the clips are few (2 scenes x 7 encodings), and the first failures are slow pans on ones, which a looser threshold reuses frame after frame until the drift passes it. ${DEFAULT_DB} dB keeps every model at least 4 dB (2.5x in squared error) clear of the first threshold that failed` +
      (twos ? `, and the on-twos clip encoded with x264's defaults still runs ${pct(twos.work)} of the network work (${twos.model}).` : '.'),
  );
  return lines;
}

export function reuseReport(r: ReuseReportInput): string {
  const out: string[] = [];
  const m = r.clips;
  const models = [...new Set(r.points.map((p) => p.model))];
  const at = (p: CurvePoint, stat: string, block: number) => p.stat === stat && p.block === block;
  const defaultMse = (255 * 255) / 10 ** (DEFAULT_DB / 10);
  out.push(`# Near-duplicate frame reuse on real encodes: ${r.name}`, '');
  out.push(
    '- Clips: `node scripts/build-reuse-clips.mjs` (the anime stills of ../shared/media drawn as anime is drawn, encoded as sites encode, decoded back to RGBA).',
    '- Fresh outputs (the network on every frame, cached under test/.media/reuse/fresh): `VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json node --import tsx bench/reuse-fresh.ts` (SE model, every clip and encoding) and `... --model nose/up2x-no-denoise --encoding x264-crf23`.',
    `- This report: \`${r.command}\`; the GPU runs (their JSON given as --run): ${[...new Set(r.runs.map((x) => `\`${x.command}\``))].join(', ') || 'none'}.`,
    '- Adapter: Node `webgpu` (Dawn) on Mesa lavapipe (llvmpipe: WebGPU on the CPU), f32 feature maps, the wide conv block. The machine was shared, so no times are reported: work is counted as the multiply-adds of the passes that ran, against a full run of every frame.',
    `- Clips: ${m.width}x${m.height} (144p, the smallest rendition sites stream; a fresh run of every frame costs 15-50 s a frame on this shared CPU), ${m.frames} frames at ${m.fps} fps each.`,
    `- The gate (src/runtime/gpu/reuse.ts, frame-diff.wgsl): the packed, reflect-padded input is compared with the input the shown output was computed from (per region tile for the no-SE model), per ${BLOCK}x${BLOCK} block; a block whose mean squared difference (8-bit levels, R, G, B) exceeds the threshold makes its window run. The threshold is given as that block's PSNR: \`reuseThreshold\`, default ${DEFAULT_DB} dB (a mean squared difference of ${defaultMse.toFixed(1)}). The reuse decisions here come from the CPU model of the gate (test/helpers/reuse-model.ts); the GPU runs below decide alike.`,
    `- The bound: every frame that shows a reused output (the whole frame, or some region tiles) is within **${BOUND_DB} dB PSNR** (RGB, whole frame) of a fresh run of that frame. The worst 32x32 block is listed too: reuse errors are local.`,
    '',
  );
  out.push(...choice(r, defaultMse), '');
  out.push('## Clips', '', `| clip | what | ${m.encoders.map((e) => e.name).join(' | ')} |`, `|---|---|${m.encoders.map(() => '---|').join('')}`);
  for (const c of m.clips) out.push(`| ${c.name} | ${c.what} | ${m.encoders.map((e) => `${c.sizes[e.name]?.kbps ?? '–'} kbit/s`).join(' | ')} |`);
  out.push('', 'Encoders: ' + m.encoders.map((e) => `\`${e.name}\`: ${e.what}`).join('; ') + '; `source`: the frames as drawn (lossless).', '');

  for (const model of models) {
    const mine = r.points.filter((p) => p.model === model && at(p, STAT, BLOCK));
    const regions = mine.some((p) => p.tileFrames > 0);
    out.push(`## ${model}: reuseThreshold ${DEFAULT_DB} dB on every clip and encoder`, '');
    out.push(
      `| clip | encoder | frames reused${regions ? ' (run as tiles)' : ''} | work per shown frame vs a full run | worst reused frame vs a fresh run | worst 32x32 block | exact reuse: work | the encoder's own error (mean, worst) |`,
      '|---|---|---|---|---|---|---|---|',
    );
    for (const p of mine.filter((q) => same(q.threshold, defaultMse))) {
      const exact = mine.find((q) => q.clip === p.clip && q.encoding === p.encoding && q.threshold === 0);
      const c = r.codec.find((q) => q.model === model && q.clip === p.clip && q.encoding === p.encoding);
      out.push(
        `| ${p.clip} | ${p.encoding} | ${p.reused} of ${p.frames}${regions ? ` (${p.tileFrames}: ${p.tilesRun} tiles)` : ''} | **${pct(p.work)}** | ${db(p.worstFrameDb)} dB | ${db(p.worstBlockDb)} dB | ${exact ? pct(exact.work) : '–'} | ${c ? `${db(c.meanDb)}, ${db(c.worstDb)} dB` : '–'} |`,
      );
    }
    out.push('');
    out.push(`### The curve (${model}, every clip and encoder above)`, '');
    out.push(
      'Per threshold: frames reused (whole frames re-shown), work per shown frame against a full run (mean over the clips), and the worst PSNR of a frame showing reused output against a fresh run. A cell below: work / worst reused frame (dB).',
      '',
    );
    const thresholds = [...new Set(mine.map((p) => p.threshold))].sort((a, b) => a - b);
    out.push('| threshold (block PSNR) | frames reused | work | worst reused frame | worst 32x32 block |', '|---|---|---|---|---|');
    for (const t of thresholds) {
      const s = pool(mine.filter((p) => p.threshold === t));
      const mark = same(t, defaultMse) ? ' (default)' : '';
      out.push(`| ${thresholdLabel(t)}${mark} | ${s.reused} of ${s.frames}${regions ? ` (+${s.tileFrames} as tiles)` : ''} | ${pct(s.work)} | ${db(s.worstFrameDb)} dB${s.worstFrameDb < BOUND_DB ? ' ✗' : ''} | ${db(s.worstBlockDb)} dB |`);
    }
    out.push('');
    const keys = [...new Set(mine.map((p) => `${p.clip} ${p.encoding}`))];
    out.push(`| clip, encoder | ${thresholds.map(thresholdLabel).join(' | ')} |`, `|---|${thresholds.map(() => '---|').join('')}`);
    for (const k of keys) {
      const row = thresholds.map((t) => {
        const p = mine.find((q) => `${q.clip} ${q.encoding}` === k && q.threshold === t)!;
        return `${pct(p.work)} / ${db(p.worstFrameDb)}`;
      });
      out.push(`| ${k} | ${row.join(' | ')} |`);
    }
    out.push('');
  }

  out.push('## Which statistic, which block size', '');
  out.push(
    `Per candidate (statistics of a block's difference: mean squared \`mse\`, mean absolute \`mad\`, largest \`max\`, per mille of values more than 4 levels off \`over4\`), the loosest threshold tried that keeps every reused frame of every clip within ${BOUND_DB} dB, and what it saves. The gate runs \`mse\` on ${BLOCK}x${BLOCK} blocks.`,
    '',
    '| model | statistic | block | threshold | frames reused | work | worst reused frame | worst 32x32 block |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const model of models) {
    const mine = r.points.filter((p) => p.model === model);
    const combos = [...new Set(mine.map((p) => `${p.stat}/${p.block}`))];
    for (const combo of combos) {
      const [stat, block] = combo.split('/');
      const ps = mine.filter((p) => p.stat === stat && p.block === Number(block));
      const ok = [...new Set(ps.map((p) => p.threshold))]
        .map((t) => ({ t, s: pool(ps.filter((p) => p.threshold === t)) }))
        .filter((x) => x.s.worstFrameDb >= BOUND_DB)
        .sort((a, b) => a.s.work - b.s.work)[0];
      if (!ok) continue;
      const label = stat === 'mse' ? thresholdLabel(ok.t) : String(ok.t);
      out.push(`| ${model} | ${stat} | ${block} | ${label} | ${ok.s.reused} of ${ok.s.frames} | ${pct(ok.s.work)} | ${db(ok.s.worstFrameDb)} dB | ${db(ok.s.worstBlockDb)} dB |`);
    }
  }
  out.push('');

  if (r.runs.length) {
    out.push('## The GPU gate on the same clips', '', 'The executor with frame reuse on (`bench/reuse-run.ts`), frame by frame: how each frame ran (the reuse counters), and its output against the fresh run.', '');
    out.push('| model | clip | encoder | threshold | how the frames ran | as the CPU model decides | work | worst reused frame | frames run whole equal the fresh run |', '|---|---|---|---|---|---|---|---|---|');
    for (const x of r.runs) {
      const reused = x.frameDb.filter((d, i) => x.runs[i] !== 'whole');
      const wholeEqual = x.frameDb.every((d, i) => x.runs[i] !== 'whole' || !Number.isFinite(d));
      const agree = x.runs.every((v, i) => v === x.modelRuns[i]);
      const short = x.runs.map((v) => (v === 'whole' ? 'W' : v === 'reused' ? '·' : `t${v.split(':')[1]}`)).join('');
      out.push(`| ${x.model} | ${x.clip} | ${x.encoding} | ${x.thresholdDb} dB | \`${short}\` | ${agree ? 'yes' : 'no'} | ${pct(x.work)} | ${db(Math.min(Infinity, ...reused))} dB | ${wholeEqual ? 'yes' : 'no'} |`);
    }
    out.push('', '`W`: run whole; `·`: re-shown; `tN`: N region tiles run.', '');
  }
  return out.join('\n');
}
