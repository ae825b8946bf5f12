// Compiled compute pipelines, one per shader variant, shared by every pass that needs it.

import { composeShader, type Defines } from '../../shaders/compose.js';

export class PipelineCache {
  private readonly cache = new Map<string, Promise<GPUComputePipeline>>();
  constructor(private readonly device: GPUDevice) {}

  get(shader: string, defines: Defines): Promise<GPUComputePipeline> {
    const key = `${shader}|${Object.entries(defines).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
    let p = this.cache.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ label: key, code: composeShader(shader, defines) });
      p = this.device.createComputePipelineAsync({ label: key, layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.cache.set(key, p);
    }
    return p;
  }
}
