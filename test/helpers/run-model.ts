// One image through a ModelRunner whose conv kernels the caller fixed (createUpscaler would
// autotune, compiling every candidate): the unrounded output (HWC RGB, 0..255) and the 8-bit
// RGBA output. Used by tests that pick the kernels per adapter and by bench/gpu.
import { readFloats, readTexture } from '../../src/runtime/gpu/readback.js';
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
  device.queue.submit([enc.finish()]);
  return { raw: await readFloats(device, ex.raw!), rgba: new Uint8Array((await readTexture(device, ex.output)).data) };
}
