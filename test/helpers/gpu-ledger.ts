// Counts what a device really holds, independently of the runtime's own accounting: wraps
// createBuffer / createTexture (bytes live until destroy()) and counts createBindGroup calls.
// For memory tests: the runtime's reported bytes must equal the live bytes, and stay flat.

export interface GpuLedger {
  /** Bytes of buffers and textures created and not yet destroyed. */
  readonly liveBytes: number;
  /** Buffers and textures created and not yet destroyed. */
  readonly liveObjects: number;
  /** Buffers, textures and bind groups created so far. */
  readonly created: number;
}

// The formats the runtime makes: rgba8 / r32 (frames, outputs), rgba16float / rgba32float (the texture convs' flat textures).
const TEXEL_BYTES: Partial<Record<GPUTextureFormat, number>> = { rgba16float: 8, rgba32float: 16 };
const textureBytes = (t: GPUTexture) => t.width * t.height * t.depthOrArrayLayers * (TEXEL_BYTES[t.format] ?? 4);

export function trackDevice(device: GPUDevice): GpuLedger {
  const live = new Map<object, number>();
  let created = 0;
  const track = <T extends { destroy(): void }>(obj: T, bytes: number): T => {
    created++;
    live.set(obj, bytes);
    const destroy = obj.destroy.bind(obj);
    obj.destroy = () => {
      live.delete(obj);
      destroy();
    };
    return obj;
  };
  const createBuffer = device.createBuffer.bind(device);
  const createTexture = device.createTexture.bind(device);
  const createBindGroup = device.createBindGroup.bind(device);
  device.createBuffer = (d: GPUBufferDescriptor) => {
    const b = createBuffer(d);
    return track(b, b.size);
  };
  device.createTexture = (d: GPUTextureDescriptor) => {
    const t = createTexture(d);
    return track(t, textureBytes(t));
  };
  device.createBindGroup = (d: GPUBindGroupDescriptor) => {
    created++;
    return createBindGroup(d);
  };
  return {
    get liveBytes() {
      let n = 0;
      for (const b of live.values()) n += b;
      return n;
    },
    get liveObjects() {
      return live.size;
    },
    get created() {
      return created;
    },
  };
}
