// GPU time of every pass of one model at one input size (timestamp queries, one compute pass
// each), grouped by kind, with GFLOP/s: where a frame's time goes. Prints a table and a JSON
// line. Runs in Node (Dawn); without a GPU:
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp \
//     node --import tsx bench/profile-passes.ts [model] [WxH] [runs] [compact|wide|auto]
// (defaults se/up2x-no-denoise 64x64 2 auto; the fastest of the runs counts per pass).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConvBlock } from '../src/runtime/gpu/autotune.js';
import { requestDevice } from '../src/runtime/gpu/device.js';
import { loadModel } from '../src/runtime/model/load.js';
import { ModelRunner } from '../src/runtime/model-runner.js';
import { encodeProfiled } from '../src/runtime/gpu/profile.js';
import { timePasses } from './lib/timestamps.js';

const embed = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/embed-shaders.mjs', import.meta.url))], { encoding: 'utf8' });
if (embed.status !== 0) throw new Error(`scripts/embed-shaders.mjs failed: ${embed.stderr || embed.error}`);

const model = process.argv[2] ?? 'se/up2x-no-denoise';
const [w, h] = (process.argv[3] ?? '64x64').split('x').map(Number) as [number, number];
const runs = Number(process.argv[4] ?? 2);
const kernel = (process.argv[5] ?? 'auto') as ConvBlock | 'auto';

const device = await requestDevice();
if (!device.features.has('timestamp-query')) throw new Error('this adapter has no timestamp-query');
const runner = new ModelRunner(device, await loadModel(model, { dtype: 'f32' }), 1, {}, 'f32', kernel);
const ex = await runner.prepare(w, h);
if (ex.tiled) throw new Error(`${w}x${h} runs as tiles here; profile a smaller size`);
const texture = device.createTexture({ size: [w, h], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
const pixels = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 2654435761) >>> 24);
device.queue.writeTexture({ texture }, pixels, { bytesPerRow: w * 4 }, [w, h]);
const pack = await ex.packFor(texture);

let best: number[] = [];
let passes: { name: string; kind: string; macs: number }[] = [];
for (let r = 0; r < runs; r++) {
  const { timed, ms } = await timePasses(device, 128, (enc, querySet) => encodeProfiled(enc, querySet, ex.profiledFrame(pack).frame));
  passes = timed;
  best = r === 0 ? ms : best.map((b, i) => Math.min(b, ms[i]!));
}

const gflops = (macs: number, ms: number) => (ms > 0 ? (2 * macs) / ms / 1e6 : 0);
const kinds = new Map<string, { ms: number; macs: number; n: number }>();
console.log(`${model} ${w}x${h}: ${passes.length} passes, best of ${runs}, conv block ${runner.convBlock}`);
passes.forEach((p, i) => {
  const k = kinds.get(p.kind) ?? { ms: 0, macs: 0, n: 0 };
  kinds.set(p.kind, { ms: k.ms + best[i]!, macs: k.macs + p.macs, n: k.n + 1 });
  console.log(`  ${p.name.padEnd(28)} ${p.kind.padEnd(10)} ${best[i]!.toFixed(2).padStart(9)} ms ${p.macs ? `${gflops(p.macs, best[i]!).toFixed(2).padStart(7)} GFLOP/s` : ''}`);
});
const total = best.reduce((a, b) => a + b, 0);
console.log('by kind:');
for (const [kind, k] of kinds) {
  console.log(`  ${kind.padEnd(10)} x${String(k.n).padEnd(3)} ${k.ms.toFixed(1).padStart(9)} ms (${((100 * k.ms) / total).toFixed(1)}%) ${k.macs ? `${gflops(k.macs, k.ms).toFixed(2)} GFLOP/s` : ''}`);
}
console.log(JSON.stringify({ model, width: w, height: h, convBlock: runner.convBlock, totalMs: total, kinds: Object.fromEntries([...kinds].map(([kind, k]) => [kind, { ms: k.ms, gflops: gflops(k.macs, k.ms) }])) }));
runner.destroy();
device.destroy();
