// Command-line options of `npm run bench`.

export const USAGE = `npm run bench -- [options]

  --quick               under 3 minutes on a CPU-only machine: the 64x64 graph, one model, ours
                        vs onnxruntime-web (WebGPU and wasm), anime4k-webgpu, bilinear, a small
                        quality crop
  --models a,b          our models (default se/up2x-no-denoise,nose/up2x-no-denoise,
                        se/up3x-no-denoise,se/up4x-no-denoise)
  --sizes 180p,360p     input sizes: 180p 360p 480p 540p 720p 1080p or WxH (default 180p,360p)
  --peer-sizes 64x64    sizes of the ONNX graphs for onnxruntime-web (64x64 128x128 256x256
                        960x540; default 64x64,128x128 on SwiftShader, 64x64,256x256,960x540 on a GPU)
  --frames N            counted frames per row (default 3 on SwiftShader, 30 on a GPU)
  --warmup N            uncounted frames first (default 1 on SwiftShader, 5 on a GPU)
  --no-peers            skip onnxruntime-web and anime4k-webgpu
  --no-quality          skip the quality table
  --video [S]           also measure the real player path (hls.js + attachUpscaler) for S seconds
                        (default 60) on the large test stream (node scripts/build-test-stream.mjs --large)
  --swiftshader         force WebGPU on SwiftShader (default: the GPU, SwiftShader only if no adapter)
  --gpu-only            no GPU adapter in the browser: exit with status 3 instead of using SwiftShader
  --chrome PATH         the browser to drive (default $CHROME_PATH, $PUPPETEER_EXECUTABLE_PATH or /usr/bin/chromium)
  --out DIR             where results go (default bench/results)
  --name NAME           file name stem (default <adapter>-<date>[-quick])
`;

export interface BenchOptions {
  quick: boolean;
  models?: string[];
  sizes?: [number, number][];
  peerSizes?: [number, number][];
  frames?: number;
  warmup?: number;
  peers: boolean;
  quality: boolean;
  video: number;
  swiftshader: boolean;
  gpuOnly: boolean;
  chrome?: string;
  out: string;
  name?: string;
}

const NAMED: Record<string, [number, number]> = {
  '180p': [320, 180],
  '360p': [640, 360],
  '480p': [854, 480],
  '540p': [960, 540],
  '720p': [1280, 720],
  '1080p': [1920, 1080],
};

export function parseSize(s: string): [number, number] {
  const named = NAMED[s.toLowerCase()];
  if (named) return named;
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`bad size "${s}": use 180p, 360p, 480p, 540p, 720p, 1080p or WxH`);
  return [Number(m[1]), Number(m[2])];
}

export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { quick: false, peers: true, quality: true, video: 0, swiftshader: false, gpuOnly: false, out: 'bench/results' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value\n\n${USAGE}`);
      return v;
    };
    const count = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a} needs a whole number, got "${v}"`);
      return n;
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--models': o.models = value().split(','); break;
      case '--sizes': o.sizes = value().split(',').map(parseSize); break;
      case '--peer-sizes': o.peerSizes = value().split(',').map(parseSize); break;
      case '--frames': o.frames = Math.max(1, count(value())); break;
      case '--warmup': o.warmup = count(value()); break;
      case '--no-peers': o.peers = false; break;
      case '--no-quality': o.quality = false; break;
      case '--video': o.video = argv[i + 1] && /^\d+$/.test(argv[i + 1]!) ? count(argv[++i]!) : 60; break;
      case '--swiftshader': o.swiftshader = true; break;
      case '--gpu-only': o.gpuOnly = true; break;
      case '--chrome': o.chrome = value(); break;
      case '--out': o.out = value(); break;
      case '--name': o.name = value(); break;
      case '-h': case '--help': throw new Error(USAGE);
      default: throw new Error(`unknown option "${a}"\n\n${USAGE}`);
    }
  }
  return o;
}
