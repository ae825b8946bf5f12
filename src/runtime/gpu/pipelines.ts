// Compiled compute pipelines, one per shader variant, shared by every pass that needs it.

import { composeShader, loadShaderSources, type Defines } from '../../shaders/compose.js';
import type { ConvBlock } from './autotune.js';

const perDevice = new WeakMap<GPUDevice, PipelineCache>();

export class PipelineCache {
  private readonly cache = new Map<string, Promise<GPUComputePipeline>>();
  /** Conv register blocks an executor was built with on this device: their pipelines are compiled. */
  readonly builtBlocks = new Set<ConvBlock>();
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

  get(shader: string, defines: Defines): Promise<GPUComputePipeline> {
    const key = `${shader}|${Object.entries(defines).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
    let p = this.cache.get(key);
    if (!p) {
      p = loadShaderSources(shader).then(() => {
        const module = this.device.createShaderModule({ label: key, code: composeShader(shader, defines) });
        return this.device.createComputePipelineAsync({ label: key, layout: 'auto', compute: { module, entryPoint: 'main' } });
      });
      this.cache.set(key, p);
    }
    return p;
  }
}
