// Fresh outputs for the reuse bench: runs the network (f32, one fixed conv block) on every frame
// of the real-stream clips (scripts/build-reuse-clips.mjs) in Node and caches each output on
// disk (bench/lib/reuse-clips.ts), so the threshold curve (bench/reuse-curve.ts) and the reuse
// run (bench/reuse-run.ts) can compare a reused frame with what a full run gives.
//
//   node --import tsx bench/reuse-fresh.ts [--model ID]... [--clip NAME]... [--encoding NAME]... [--block wide|compact]
//
// Defaults: se/up2x-conservative (the players' default model), every clip and encoding, the
// wide block. On a machine without a GPU: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json
// (lavapipe, about 2.5x SwiftShader's speed) XDG_RUNTIME_DIR=/tmp.
import { parseArgs } from 'node:util';
import type { ConvBlock } from '../src/runtime/gpu/conv-kernels.js';
import { requestDevice } from '../src/runtime/gpu/device.js';
import { loadModel } from '../src/runtime/model/load.js';
import { ModelRunner } from '../src/runtime/model-runner.js';
import { freshKey, readClips, readFrames, readFresh, runScript, SELECTION_OPTIONS, upscaleFrame, writeFresh } from './lib/reuse-clips.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...SELECTION_OPTIONS, block: { type: 'string', default: 'wide' } },
  });
  const block = values.block as ConvBlock;
  if (block !== 'wide' && block !== 'compact') throw new Error(`--block must be wide or compact, got ${values.block}`);
  const m = readClips();
  const models = values.model ?? ['se/up2x-conservative'];
  const clips = values.clip ?? m.clips.map((c) => c.name);
  const encodings = values.encoding ?? ['source', ...m.encoders.map((e) => e.name)];
  const device = await requestDevice();
  for (const model of models) {
    const key = freshKey(model, block);
    const runner = new ModelRunner(device, await loadModel(model, { dtype: 'f32' }), 1, {}, 'f32', block);
    const ex = await runner.prepare(m.width, m.height);
    const pack = await ex.packFor();
    for (const clip of clips) {
      for (const enc of encodings) {
        const frames = readFrames(m, clip, enc);
        for (let i = 0; i < frames.length; i++) {
          if (readFresh(key, clip, enc, i)) continue;
          // A frame equal to an earlier one has its output (the network is a pure function of it).
          const same = frames.findIndex((f, k) => k < i && Buffer.compare(f, frames[i]!) === 0);
          const earlier = same >= 0 ? readFresh(key, clip, enc, same) : undefined;
          if (earlier) {
            writeFresh(key, clip, enc, i, earlier);
            continue;
          }
          const t0 = performance.now();
          writeFresh(key, clip, enc, i, await upscaleFrame(device, ex, pack, frames[i]!, m.width, m.height));
          console.log(`${key} ${clip} ${enc} ${i}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
      }
    }
    runner.destroy();
  }
  device.destroy();
}

runScript(import.meta.url, main);
