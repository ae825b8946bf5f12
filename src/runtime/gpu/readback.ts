// Reading results back to the CPU (stills, tests, the bench; never on the per-frame path).

export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

export async function readTexture(device: GPUDevice, texture: GPUTexture): Promise<ImageDataLike> {
  const { width, height } = texture;
  const bytesPerRow = Math.ceil((width * 4) / 256) * 256;
  const staging = device.createBuffer({ size: bytesPerRow * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder({ label: 'readback' });
  enc.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow }, [width, height]);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const src = new Uint8Array(staging.getMappedRange());
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) data.set(src.subarray(y * bytesPerRow, y * bytesPerRow + width * 4), y * width * 4);
  staging.destroy();
  const IData = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  return IData ? new IData(data, width, height) : { width, height, data };
}

/** The f32 contents of a storage buffer (e.g. the executor's unrounded output, `GraphExecutor.raw`). */
export async function readFloats(device: GPUDevice, buffer: GPUBuffer): Promise<Float32Array> {
  const staging = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder({ label: 'readback' });
  enc.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return out;
}
