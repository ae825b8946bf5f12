// One image through a ModelRunner whose conv kernels the caller fixed (createUpscaler would
// autotune, compiling every candidate): the unrounded output (HWC RGB, 0..255) and the 8-bit
// RGBA output. Used by tests that pick the kernels per adapter and by bench/gpu.
import { readTexture } from '../../src/runtime/gpu/readback.js';
import type { ModelRunner } from '../../src/runtime/model-runner.js';

export async function runModel(runner: ModelRunner, image: { width: number; height: number; data: Uint8Array }): Promise<{ raw: Float32Array; rgba: Uint8Array }> {
  const { device } = runner;
  const ex = await runner.prepare(image.width, image.height);
  device.queue.writeTexture({ texture: ex.input }, image.data as Uint8Array<ArrayBuffer>, { bytesPerRow: image.width * 4 }, [image.width, image.height]);
  await ex.enableRaw();
  const pack = ex.cachedPack() ?? (await ex.packFor());
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  ex.encode(pass, pack, true);
  pass.end();
  const raw = ex.raw!;
  const staging = device.createBuffer({ size: raw.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  enc.copyBufferToBuffer(raw, 0, staging, 0, raw.size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return { raw: out, rgba: new Uint8Array((await readTexture(device, ex.output)).data) };
}
