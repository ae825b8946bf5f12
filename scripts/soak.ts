// The long memory soak (not part of `npm test`: on SwiftShader it takes hours; on a GPU minutes):
// FRAMES frames (default 10 000) on WebGPU in Node with SWITCHES resolution switches spread
// through them (default 100, alternating sizes, some of them tiled), checking after each that
// the runtime's reported GPU bytes equal the bytes it really holds and that each size holds the
// same bytes every time; prints the GPU bytes and the process's RSS as it goes.
//   npm run soak -- [frames] [switches] [model]
// (without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, as scripts/gpu-test.sh sets)
import { createUpscaler } from '../src/runtime/upscaler.js';
import { requestDevice } from '../src/runtime/gpu/device.js';
import { trackDevice } from '../test/helpers/gpu-ledger.js';

const frames = Number(process.argv[2] ?? 10_000);
const switches = Number(process.argv[3] ?? 100);
const model = process.argv[4] ?? 'se/up2x-conservative';
const sizes: [number, number][] = [[64, 36], [48, 27], [96, 54], [32, 32]];

const device = await requestDevice();
const ledger = trackDevice(device);
// A budget small enough that 96x54 runs as tiles (2 with the 2x models).
const up = await createUpscaler({ model, device, tileLimits: { maxTotalBytes: 16e6 } });
const bytesAt = new Map<string, number>();
const every = Math.max(1, Math.floor(frames / Math.max(1, switches)));
const start = Date.now();
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
let failures = 0;
for (let f = 0; f < frames; f++) {
  const [w, h] = sizes[Math.floor(f / every) % sizes.length]!;
  const data = new Uint8ClampedArray(w * h * 4).fill(f & 255);
  await up.upscale({ width: w, height: h, data });
  if (f % 8 === 7) await device.queue.onSubmittedWorkDone();
  const key = `${w}x${h}`;
  const bytes = up.gpuBytes;
  if (!bytesAt.has(key)) bytesAt.set(key, bytes);
  if (bytes !== bytesAt.get(key) || bytes !== ledger.liveBytes) {
    failures++;
    console.error(`frame ${f} ${key}: reported ${bytes}, first ${bytesAt.get(key)}, live ${ledger.liveBytes}`);
  }
  if (f % 500 === 0 || f === frames - 1) {
    const s = (Date.now() - start) / 1000;
    console.log(`frame ${f} ${key} (${up.tiles} tiles): GPU ${mib(bytes)} MiB, RSS ${mib(process.memoryUsage().rss)} MiB, ${s.toFixed(0)} s`);
  }
}
await device.queue.onSubmittedWorkDone();
up.destroy();
console.log(`after destroy(): ${ledger.liveBytes} bytes live`);
device.destroy();
if (failures || ledger.liveBytes) process.exit(1);
