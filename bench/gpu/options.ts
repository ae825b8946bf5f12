// Command-line options of `npm run bench:gpu`.

export const USAGE = `npm run bench:gpu -- [options]

One command for a Linux machine with a GPU: checks for a Vulkan driver, then measures in Node
(Dawn) the FMA peak (f32, f16), our models at 480p/720p/1080p input (se 2x) and 720p (3x, 4x,
no-SE) in f32 and f16, every conv kernel family per layer class, and onnxruntime-web's WebGPU EP
on the 960x540 graph; then headless Chromium where it gets the GPU. Writes
bench/results/<adapter>-<date>.{json,md}.

  --dry-run        small sizes and few frames, for a software adapter (lavapipe, SwiftShader):
                   checks the whole run works; the figures say nothing about a GPU
  --budget S       stop starting new measurements after S seconds (default 450; the run ends
                   within ~8 minutes on a GPU)
  --no-browser     skip headless Chromium
  --out DIR        where results go (default bench/results)
  --name NAME      file name stem (default <adapter>-<date>, -dry-run added with --dry-run)
`;

export interface GpuBenchOptions {
  dryRun: boolean;
  budgetS: number;
  browser: boolean;
  out: string;
  name?: string;
}

export function parseArgs(argv: string[]): GpuBenchOptions {
  const o: GpuBenchOptions = { dryRun: false, budgetS: 450, browser: true, out: 'bench/results' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (a) {
      case '--dry-run': o.dryRun = true; break;
      case '--budget': {
        const v = value();
        o.budgetS = Number(v);
        if (!(o.budgetS > 0)) throw new Error(`--budget needs seconds, got "${v}"`);
        break;
      }
      case '--no-browser': o.browser = false; break;
      case '--out': o.out = value(); break;
      case '--name': o.name = value(); break;
      case '-h': case '--help': throw new Error(USAGE);
      default: throw new Error(`unknown option "${a}"\n\n${USAGE}`);
    }
  }
  return o;
}
