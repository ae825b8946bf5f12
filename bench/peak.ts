// The FMA peak of this machine's WebGPU adapter in Node (Dawn): best of several shapes, f32 and
// (with shader-f16) f16; see lib/fma-peak.ts. Prints one JSON line per precision.
//   node --import tsx bench/peak.ts [f32|f16|both]
// Without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (or Mesa's lavapipe,
// /usr/share/vulkan/icd.d/lvp_icd.json) XDG_RUNTIME_DIR=/tmp

import { requestDevice } from '../src/runtime/gpu/device.js';
import { adapterName } from './lib/adapter.js';
import { measurePeak, type PeakPrecision } from './lib/fma-peak.js';

const which = process.argv[2] ?? 'both';
if (!['f32', 'f16', 'both'].includes(which)) throw new Error(`precision must be f32, f16 or both, got ${which}`);
const device = await requestDevice();
const precisions: PeakPrecision[] = which === 'both' ? ['f32', ...(device.features.has('shader-f16') ? ['f16' as const] : [])] : [which as PeakPrecision];
for (const p of precisions) {
  const r = await measurePeak(device, p, { onShape: (s) => console.error(`${p} ${s.accumulators} x ${s.chain}: ${s.gflops.toFixed(1)} GFLOP/s`) });
  console.log(JSON.stringify({ bench: 'fma-peak', ...r, gflops: +r.gflops.toFixed(2), adapter: adapterName(device) }));
}
device.destroy();
