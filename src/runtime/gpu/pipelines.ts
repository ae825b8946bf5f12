// Compiled compute pipelines, one per program variant (program.ts: the program and its
// defines), shared by every pass that needs it.

import { loadShaderSources } from '../../shaders/compose.js';
import { composeProgram, programFeatures, programKey, resolveDefines, type DefineSchema, type DefinesOf, type Program } from '../../shaders/program.js';

const perDevice = new WeakMap<GPUDevice, PipelineCache>();

export class PipelineCache {
  private readonly cache = new Map<string, Promise<GPUComputePipeline>>();
  /** Conv kernel sets (conv-kernels.ts) an executor was built with on this device: their pipelines are compiled. */
  readonly builtBlocks = new Set<string>();
  constructor(private readonly device: GPUDevice) {}

  /**
   * The device's shared cache: models switched on one device (another denoise level, the
   * adaptive tiers) reuse its compiled kernels, which take seconds each on a software adapter.
   */
  static of(device: GPUDevice): PipelineCache {
    let c = perDevice.get(device);
    if (!c) {
      c = new PipelineCache(device);
      perDevice.set(device, c);
    }
    return c;
  }

  /** The pipeline of `program` compiled with `defines` (the rest at their defaults). */
  get<S extends DefineSchema>(program: Program<S>, defines: Partial<DefinesOf<S>> = {}): Promise<GPUComputePipeline> {
    const d = resolveDefines(program, defines);
    const key = programKey(program, d);
    let p = this.cache.get(key);
    if (!p) {
      const missing = programFeatures(program, d).filter((f) => !this.device.features.has(f));
      if (missing.length) return Promise.reject(new Error(`internal: ${key} needs the device feature ${missing.join(', ')}`));
      p = loadShaderSources(program.source).then(() => {
        const module = this.device.createShaderModule({ label: key, code: composeProgram(program, d) });
        return this.device.createComputePipelineAsync({ label: key, layout: 'auto', compute: { module, entryPoint: 'main' } });
      });
      this.cache.set(key, p);
    }
    return p;
  }
}
