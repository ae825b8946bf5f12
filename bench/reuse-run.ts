// Near-duplicate frame reuse as it runs: the real executor with the GPU gate (gpu/reuse.ts) at
// a threshold, fed the real-stream clips (scripts/build-reuse-clips.mjs) frame by frame in
// Node. Per frame: how it ran (the reuse counters, read back here after each frame), and its
// output against a fresh run of the same frame (bench/reuse-fresh.ts's cache). Also checks the
// GPU decided as the CPU model of the gate does (test/helpers/reuse-model.ts).
//
//   node --import tsx bench/reuse-run.ts [--model ID]... [--clip NAME]... [--encoding NAME]... [--threshold DB] [--json FILE]
//
// On a machine without a GPU: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json XDG_RUNTIME_DIR=/tmp.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { requestDevice } from '../src/runtime/gpu/device.js';
import { loadModel } from '../src/runtime/model/load.js';
import { ModelRunner } from '../src/runtime/model-runner.js';
import { DEFAULT_REUSE_THRESHOLD_DB } from '../src/runtime/options.js';
import { reuseGateThreshold } from '../src/runtime/video/reuse-option.js';
import { geometry, packInput, psnrs, simulate, windowStat } from '../test/helpers/reuse-model.js';
import { freshKey, readClips, readFrames, readFresh, runScript, SELECTION_OPTIONS, upscaleFrame } from './lib/reuse-clips.js';

export interface RunRecord {
  /** The command that ran it. */
  command: string;
  model: string;
  clip: string;
  encoding: string;
  thresholdDb: number;
  /** Per frame: 'whole', 'tiles:N' or 'reused', as the GPU ran it. */
  runs: string[];
  /** Per frame, as the CPU model of the gate decides. */
  modelRuns: string[];
  /** Per frame: PSNR of the shown output against a fresh run, frame and worst 32x32 block. */
  frameDb: number[];
  blockDb: number[];
  /** Multiply-adds run over those of a full run on every frame. */
  work: number;
  wallMs: number;
}

async function readCounters(device: GPUDevice, state: GPUBuffer): Promise<number[]> {
  const read = device.createBuffer({ size: 32, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(state, 0, read, 0, 32);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const words = [...new Uint32Array(read.getMappedRange().slice(0))];
  read.destroy();
  return words;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...SELECTION_OPTIONS, threshold: { type: 'string', default: String(DEFAULT_REUSE_THRESHOLD_DB) }, json: { type: 'string' } },
  });
  const command = `node --import tsx bench/reuse-run.ts ${process.argv.slice(2).join(' ')}`;
  const thresholdDb = Number(values.threshold);
  const mse = reuseGateThreshold({ reuseFrames: 'near', reuseThreshold: thresholdDb })!;
  const m = readClips();
  const models = values.model ?? ['se/up2x-conservative', 'nose/up2x-no-denoise'];
  const device = await requestDevice();
  const records: RunRecord[] = [];
  for (const model of models) {
    const packed = await loadModel(model, { dtype: 'f32' });
    const key = freshKey(model, 'wide');
    const geo = geometry(packed.model, m.width, m.height, !packed.model.se);
    for (const clip of values.clip ?? m.clips.map((c) => c.name)) {
      for (const encoding of values.encoding ?? ['source', ...m.encoders.map((e) => e.name)]) {
        const fresh = Array.from({ length: m.frames }, (_, i) => readFresh(key, clip, encoding, i));
        if (fresh.some((f) => !f)) {
          console.log(`${model} ${clip} ${encoding}: fresh outputs missing (node --import tsx bench/reuse-fresh.ts), skipped`);
          continue;
        }
        const frames = readFrames(m, clip, encoding);
        // A runner per clip: a new executor, so the first frame runs whole.
        const runner = new ModelRunner(device, packed, 1, {}, 'f32', 'wide');
        const ex = await runner.prepare(m.width, m.height);
        await ex.enableReuse(mse);
        const pack = await ex.packFor();
        const rec: RunRecord = { command, model, clip, encoding, thresholdDb, runs: [], modelRuns: [], frameDb: [], blockDb: [], work: 0, wallMs: 0 };
        let before = [0, 0, 0, 0, 0];
        const t0 = performance.now();
        for (let i = 0; i < frames.length; i++) {
          const out = await upscaleFrame(device, ex, pack, frames[i]!, m.width, m.height);
          const now = await readCounters(device, ex.reuseState!);
          const whole = now[2]! - before[2]!;
          const tiles = now[4]! - before[4]!;
          rec.runs.push(whole ? 'whole' : tiles ? `tiles:${tiles}` : 'reused');
          rec.work += whole ? geo.frameMacs : tiles * geo.tileMacs;
          before = now;
          const p = psnrs(out, fresh[i]!, m.width * 2);
          rec.frameDb.push(p.frame);
          rec.blockDb.push(p.block);
        }
        rec.wallMs = performance.now() - t0;
        rec.work /= frames.length * geo.frameMacs;
        runner.destroy();
        const packedIn = frames.map((f) => packInput(f, geo));
        const sim = simulate(frames.length, geo.windows.length, geo.maxTiles, mse, (i, k, b) => windowStat(packedIn[i]!, packedIn[b]!, geo, geo.windows[k]!, 16, 'mse'));
        rec.modelRuns = sim.runs.map((r) => (r.run === 'tiles' ? `tiles:${r.tiles.length}` : r.run));
        records.push(rec);
        const reused = rec.frameDb.filter((d, i) => rec.runs[i] !== 'whole' && Number.isFinite(d));
        const wholeOff = rec.frameDb.filter((d, i) => rec.runs[i] === 'whole' && Number.isFinite(d)).length;
        console.log(
          `${model} ${clip} ${encoding} at ${thresholdDb} dB: ${rec.runs.join(' ')}; work ${(100 * rec.work).toFixed(0)}%, ` +
            `worst reused frame ${Math.min(Infinity, ...reused).toFixed(1)} dB; ` +
            `${wholeOff ? `${wholeOff} frames run whole differ from the fresh run; ` : ''}` +
            `${rec.runs.every((r, i) => r === rec.modelRuns[i]) ? 'as the CPU model decides' : `CPU model: ${rec.modelRuns.join(' ')}`}`,
        );
      }
    }
  }
  device.destroy();
  if (values.json) writeFileSync(values.json, `${JSON.stringify(records, null, 1)}\n`);
}

runScript(import.meta.url, main);
