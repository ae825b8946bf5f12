// The near-duplicate reuse threshold, measured: for each real-stream clip and encoding
// (scripts/build-reuse-clips.mjs), each candidate statistic, block size and threshold, which
// frames (and, for the no-SE model, which region tiles) the gate would reuse, and how far each
// reused output is from a fresh run of the same frame (bench/reuse-fresh.ts caches those).
// The gate is modelled on the CPU (bench/lib/reuse-model.ts), with the GPU's geometry.
//
//   node --import tsx bench/reuse-curve.ts [--model ID]... [--stat S]... [--block N]... [--json FILE] [--md FILE --run FILE... --name NAME]
//
// --md writes the report (bench/lib/reuse-report.ts), with the GPU runs of bench/reuse-run.ts
// (--run, their --json files) beside the model's decisions.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ConvBlock } from '../src/runtime/gpu/conv-kernels.js';
import { loadModel } from '../src/runtime/model/load.js';
import { freshKey, readClips, readFrames, readFresh, runScript, SELECTION_OPTIONS } from './lib/reuse-clips.js';
import { composite, geometry, packInput, psnrs, simulate, STATISTICS, windowStat, type Geometry, type Statistic } from '../test/helpers/reuse-model.js';
import { reuseReport, type CodecError, type CurvePoint } from './lib/reuse-report.js';
import type { RunRecord } from './reuse-run.js';

/** Candidate thresholds per statistic (mse as the block PSNR it allows, in dB: dbToMse). */
export const dbToMse = (db: number) => (255 * 255) / 10 ** (db / 10);
export const MSE_DB = [Infinity, 50, 46, 44, 42, 40, 38, 36, 34, 32, 30, 28, 26];
export const THRESHOLDS: Record<Statistic, number[]> = {
  mse: MSE_DB.map(dbToMse),
  mad: [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6],
  max: [0, 2, 4, 6, 8, 12, 16, 24, 32, 48],
  over4: [0, 1, 5, 10, 20, 50, 100, 200],
};

export interface ClipData {
  clip: string;
  encoding: string;
  packed: Float64Array[];
  fresh: Uint8Array[];
}


/** Loads the clips/encodings whose fresh outputs are all cached for `model`. */
export function loadClipData(model: string, geo: Geometry, only: { clip?: string[]; encoding?: string[] } = {}, block: ConvBlock = 'wide'): ClipData[] {
  const m = readClips();
  const out: ClipData[] = [];
  for (const clip of m.clips.filter((c) => !only.clip || only.clip.includes(c.name))) {
    for (const encoding of ['source', ...m.encoders.map((e) => e.name)].filter((e) => !only.encoding || only.encoding.includes(e) || e === 'source')) {
      const fresh = Array.from({ length: m.frames }, (_, i) => readFresh(freshKey(model, block), clip.name, encoding, i));
      if (fresh.some((f) => !f)) continue;
      const packed = readFrames(m, clip.name, encoding).map((f) => packInput(f, geo));
      out.push({ clip: clip.name, encoding, packed, fresh: fresh as Uint8Array[] });
    }
  }
  return out;
}

/** One clip under one gate setting. */
export function curvePoint(
  model: string, geo: Geometry, d: ClipData, stat: Statistic, block: number, threshold: number,
  memo: Map<string, number>,
): CurvePoint {
  const stats = (i: number, k: number, b: number) => {
    const key = `${stat}/${block}/${k}/${i}/${b}`;
    let v = memo.get(key);
    if (v === undefined) {
      v = windowStat(d.packed[i]!, d.packed[b]!, geo, geo.windows[k]!, block, stat);
      memo.set(key, v);
    }
    return v;
  };
  const n = d.packed.length;
  const { runs, shown } = simulate(n, geo.windows.length, geo.maxTiles, threshold, stats);
  let worstFrameDb = Infinity;
  let worstBlockDb = Infinity;
  let worstFrame = -1;
  let work = 0;
  runs.forEach((r, i) => {
    work += r.run === 'whole' ? geo.frameMacs : r.run === 'tiles' ? r.tiles.length * geo.tileMacs : 0;
    if (shown[i]!.every((s) => s === i)) return;
    const out = composite(geo, shown[i]!, (f) => d.fresh[f]!);
    const p = psnrs(out, d.fresh[i]!, geo.width * geo.scale);
    if (p.frame < worstFrameDb) worstFrame = i;
    worstFrameDb = Math.min(worstFrameDb, p.frame);
    worstBlockDb = Math.min(worstBlockDb, p.block);
  });
  return {
    model, clip: d.clip, encoding: d.encoding, stat, block, threshold, frames: n,
    reused: runs.filter((r) => r.run === 'reused').length,
    tileFrames: runs.filter((r) => r.run === 'tiles').length,
    tilesRun: runs.reduce((a, r) => a + (r.run === 'tiles' ? r.tiles.length : 0), 0),
    work: work / (n * geo.frameMacs),
    worstFrameDb, worstBlockDb, worstFrame,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...SELECTION_OPTIONS,
      stat: { type: 'string', multiple: true },
      block: { type: 'string', multiple: true },
      json: { type: 'string' },
      md: { type: 'string' },
      run: { type: 'string', multiple: true },
      name: { type: 'string', default: 'reuse' },
    },
  });
  const models = values.model ?? ['se/up2x-conservative', 'nose/up2x-no-denoise'];
  const codec: CodecError[] = [];
  const statList = (values.stat ?? Object.keys(STATISTICS)) as Statistic[];
  const blocks = (values.block ?? ['8', '16', '32']).map(Number);
  const m = readClips();
  const points: CurvePoint[] = [];
  for (const model of models) {
    const variant = (await loadModel(model, { dtype: 'f32' })).model;
    const regions = !variant.se;
    const geo = geometry(variant, m.width, m.height, regions);
    const data = loadClipData(model, geo, values);
    for (const d of data) {
      const source = data.find((s) => s.clip === d.clip && s.encoding === 'source');
      if (source && d !== source) {
        const db = d.fresh.map((f, i) => psnrs(f, source.fresh[i]!, geo.width * geo.scale).frame);
        codec.push({ model, clip: d.clip, encoding: d.encoding, meanDb: db.reduce((a, b) => a + b, 0) / db.length, worstDb: Math.min(...db) });
      }
      const memo = new Map<string, number>();
      for (const stat of statList) {
        for (const block of blocks) {
          for (const t of THRESHOLDS[stat]) {
            const p = curvePoint(model, geo, d, stat, block, t, memo);
            points.push(p);
            if (!values.md) {
              console.log(
                `${model} ${d.clip} ${d.encoding} ${stat}/${block} <= ${t.toFixed(2)}: reused ${p.reused}/${p.frames}, tiles ${p.tileFrames} (${p.tilesRun}), ` +
                  `work ${(100 * p.work).toFixed(0)}%, worst ${p.worstFrameDb.toFixed(1)} dB (block ${p.worstBlockDb.toFixed(1)}) at ${p.worstFrame}`,
              );
            }
          }
        }
      }
    }
  }
  // The JSON keeps the statistic the gate runs (mse, 16x16 blocks); the report has the others' summary.
  const kept = points.filter((p) => p.stat === 'mse' && p.block === 16);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ points: kept, codec }, (_k, v) => (v === Infinity ? 'Infinity' : v))}\n`);
  if (values.md) {
    // JSON writes an infinite PSNR (equal pixels) as null.
    const runs = (values.run ?? []).flatMap((f) => JSON.parse(readFileSync(f, 'utf8'), (_k, v) => (v === null ? Infinity : v)) as RunRecord[]);
    const command = `node --import tsx bench/reuse-curve.ts ${process.argv.slice(2).join(' ')}`;
    writeFileSync(values.md, reuseReport({ name: values.name!, command, clips: m, points, codec, runs }));
  }
}

runScript(import.meta.url, main);
