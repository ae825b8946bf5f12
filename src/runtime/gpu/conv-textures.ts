// The flat textures a texture conv (conv3x3-texture.wgsl) reads (snippets/flat-texture.wgsl:
// element i at texel (i mod FLAT_WIDTH, i / FLAT_WIDTH)): a copy of each weights buffer it reads
// (copyBufferToTexture, once), and one staging texture its stage passes copy each input into,
// sized for the largest. A set belongs to one executor (or one autotune probe), which counts
// its bytes and destroys it: made when the passes are built, never per frame. The passes of an
// executor run in order on the queue, each stage pass right before its conv, so they share the
// staging texture. A chunk of its own (frame-passes.ts loads it where a texture conv runs).

import { FLAT_WIDTH } from '../../shaders/programs/conv.js';
import { tensorTexture } from '../../shaders/programs/tensor-texture.js';
import type { Tensor } from '../plan/graph.js';
import type { ConvResources, ConvTextures, StorageDefines } from './conv-kernels.js';
import { passSpec } from './pass.js';

// Channel groups of t (plan/memory.ts's tensorGroups: importing it here splits the core bundle).
const groups = (t: Tensor) => t.w * t.h * t.c4;
const rowsFor = (texels: number) => Math.max(1, Math.ceil(texels / FLAT_WIDTH));

export class ConvTextureSet implements ConvTextures {
  private readonly staging: GPUTexture;
  private readonly weights = new Map<GPUBuffer, GPUTexture>();

  /** For the texture convs reading `inputs`, stored as f16 where `storage.F16`. */
  constructor(private readonly device: GPUDevice, inputs: readonly Tensor[], storage: StorageDefines) {
    const maxInputTexels = Math.max(...inputs.map(groups));
    const format: GPUTextureFormat = storage.F16 ? 'rgba16float' : 'rgba32float';
    this.staging = device.createTexture({
      label: `conv input (flat ${format})`,
      size: [FLAT_WIDTH, rowsFor(maxInputTexels)],
      format,
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING,
    });
  }

  bind(name: string, input: Tensor, storage: StorageDefines, resources: ConvResources) {
    const wts = asBinding(resources.wts);
    const count = groups(input);
    if (rowsFor(count) > this.staging.height) throw new Error(`internal: ${name}: the staging texture holds fewer than ${count} elements`);
    return {
      before: passSpec({
        label: `${name} stage`, program: tensorTexture, defines: storage, params: { count },
        resources: { src: resources.src, dst: this.staging.createView() }, extent: { w: 1, h: 1 },
      }),
      src: this.staging.createView(),
      wts: this.weightTexture(wts.buffer).createView(),
      wtsOff: (wts.offset ?? 0) / 16,
    };
  }

  /** Bytes of the textures made so far. */
  get bytes(): number {
    const size = (t: GPUTexture) => t.width * t.height * (t.format === 'rgba16float' ? 8 : 16);
    return [this.staging, ...this.weights.values()].reduce((a, t) => a + size(t), 0);
  }

  destroy(): void {
    this.staging.destroy();
    for (const t of this.weights.values()) t.destroy();
    this.weights.clear();
  }

  /** `buffer` (16-byte elements; made with COPY_SRC) as a flat rgba32float texture, copied once. */
  private weightTexture(buffer: GPUBuffer): GPUTexture {
    let t = this.weights.get(buffer);
    if (t) return t;
    const texels = Math.floor(buffer.size / 16);
    t = this.device.createTexture({
      label: `${buffer.label || 'weights'} (flat texture)`,
      size: [FLAT_WIDTH, rowsFor(texels)],
      format: 'rgba32float',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder({ label: 'weights to texture' });
    const full = Math.floor(texels / FLAT_WIDTH);
    if (full > 0) encoder.copyBufferToTexture({ buffer, bytesPerRow: FLAT_WIDTH * 16 }, { texture: t }, [FLAT_WIDTH, full]);
    const rest = texels - full * FLAT_WIDTH;
    if (rest > 0) encoder.copyBufferToTexture({ buffer, offset: full * FLAT_WIDTH * 16 }, { texture: t, origin: [0, full] }, [rest, 1]);
    this.device.queue.submit([encoder.finish()]);
    this.weights.set(buffer, t);
    return t;
  }
}

const asBinding = (r: ConvResources['wts']): GPUBufferBinding => {
  if (r && typeof (r as GPUBuffer).mapAsync === 'function') return { buffer: r as GPUBuffer };
  if (r && 'buffer' in (r as GPUBufferBinding)) return r as GPUBufferBinding;
  throw new Error('internal: a texture conv needs a buffer binding for its weights');
};
