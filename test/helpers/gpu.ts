// A tiny WebGPU harness for kernel tests: one device per process, buffers from typed arrays,
// one pass run from its program declaration (the spec the runtime builds: uniforms, bindings
// and dispatch by name), read-back of buffers and textures.
// Every GPU error (WGSL compile, validation, out-of-memory, internal) of a run rejects its
// promise with the implementation's message, so a broken shader fails the test that ran it.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requestDevice } from '../../src/runtime/gpu/device.js';
import { readTexture } from '../../src/runtime/gpu/readback.js';
import { passSpec, type PassSpec } from '../../src/runtime/gpu/pass.js';
import { bindingEntries, dispatchSize, packParams, resolveDefines, type DefineSchema, type ParamSchema } from '../../src/shaders/program.js';

// The kernels are composed from src/shaders/sources.generated.ts; refresh it from the .wgsl
// files first (the script only writes when something changed) so the tests see the WGSL on disk.
const embed = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/embed-shaders.mjs', import.meta.url))], {
  encoding: 'utf8',
});
if (embed.status !== 0) throw new Error(`scripts/embed-shaders.mjs failed: ${embed.stderr || embed.error}`);
const { loadShaderSources } = await import('../../src/shaders/compose.js');
const { composeProgram } = await import('../../src/shaders/program.js');

let devicePromise: Promise<GPUDevice> | undefined;
const uncaptured: string[] = [];

/** The shared test device (requestDevice keeps the Node GPU object alive for the process). */
export function getDevice(): Promise<GPUDevice> {
  devicePromise ??= requestDevice().then((d) => {
    d.addEventListener('uncapturederror', (e) => uncaptured.push((e as GPUUncapturedErrorEvent).error.message));
    return d;
  });
  return devicePromise;
}

/** Destroys the shared device (call from `after`, so the process can exit). */
export async function closeDevice(): Promise<void> {
  if (!devicePromise) return;
  const d = await devicePromise;
  devicePromise = undefined;
  d.destroy();
}

const size16 = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

/** A storage buffer holding `data` (padded to a multiple of 16 bytes), also copyable both ways. */
export function storageBuffer(device: GPUDevice, data: Float32Array | Uint32Array, label = 'storage'): GPUBuffer {
  const buf = device.createBuffer({
    label,
    size: size16(data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    mappedAtCreation: true,
  });
  new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buf.unmap();
  return buf;
}

/** A storage buffer of `floats` f32 values, each set to `fill` (a sentinel to catch stray writes). */
export function filledBuffer(device: GPUDevice, floats: number, fill = 0, label = 'output'): GPUBuffer {
  return storageBuffer(device, new Float32Array(Math.ceil(floats / 4) * 4).fill(fill), label);
}

/** A uniform buffer of u32 words (param structs), or of f32 words with `f32: true`. */
export function uniformBuffer(device: GPUDevice, words: readonly number[], f32 = false, label = 'params'): GPUBuffer {
  const data = f32 ? new Float32Array(words) : new Uint32Array(words);
  const buf = device.createBuffer({ label, size: size16(data.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

/** An rgba8unorm source texture (sampled) from RGBA bytes. */
export function sourceTexture(device: GPUDevice, width: number, height: number, rgba: Uint8Array<ArrayBuffer>): GPUTexture {
  const tex = device.createTexture({
    label: 'source',
    size: [width, height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  device.queue.writeTexture({ texture: tex }, rgba, { bytesPerRow: width * 4 }, [width, height]);
  return tex;
}

/** An rgba8unorm storage texture to write into and read back (like the executor's output). */
export function outputTexture(device: GPUDevice, width: number, height: number): GPUTexture {
  return device.createTexture({
    label: 'output',
    size: [width, height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC,
  });
}

async function withErrorScopes<T>(device: GPUDevice, what: string, fn: () => Promise<T>): Promise<T> {
  const filters: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];
  for (const f of filters) device.pushErrorScope(f);
  let result: T | undefined;
  let thrown: unknown;
  try {
    result = await fn();
  } catch (e) {
    thrown = e;
  }
  const errors: string[] = [];
  for (const f of [...filters].reverse()) {
    const err = await device.popErrorScope();
    if (err) errors.push(`${f}: ${err.message}`);
  }
  if (uncaptured.length) errors.push(...uncaptured.splice(0).map((m) => `uncaptured: ${m}`));
  if (errors.length) throw new Error(`${what}: GPU error\n${errors.join('\n')}`);
  if (thrown !== undefined) throw thrown;
  return result as T;
}

const pipelines = new Map<string, GPUComputePipeline>();

/** Compiles WGSL into a compute pipeline (cached by code); compile errors reject with their messages. */
export async function pipelineFor(device: GPUDevice, code: string, label = 'kernel'): Promise<GPUComputePipeline> {
  const cached = pipelines.get(code);
  if (cached) return cached;
  return withErrorScopes(device, `compiling ${label}`, async () => {
    const module = device.createShaderModule({ label, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) {
      throw new Error(`WGSL errors in ${label}:\n${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
    }
    const pipeline = device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    pipelines.set(code, pipeline);
    return pipeline;
  });
}

/** Compiles and runs one pass of a program as the runtime builds it; resolves when the GPU has finished it. */
export async function runPass<S extends DefineSchema, P extends ParamSchema, B extends string>(device: GPUDevice, typed: PassSpec<S, P, B>, groups?: [number, number, number]): Promise<void> {
  const spec = passSpec(typed);
  // A pass's `before` (a texture conv's stage pass) runs first, with the pass's workgroup counts.
  if (spec.before) await runPass(device, spec.before, dispatchSize(spec.program, spec.extent));
  await loadShaderSources(spec.program.source);
  const defines = resolveDefines(spec.program, spec.defines);
  const label = `${spec.program.name} ${JSON.stringify(spec.defines)}`;
  const pipeline = await pipelineFor(device, composeProgram(spec.program, defines), label);
  const params = device.createBuffer({ label: 'params', size: spec.program.paramBytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, packParams(spec.program, spec.params));
  await dispatch(device, label, pipeline, bindingEntries(spec.program, defines, { buffer: params }, spec.resources), groups ?? dispatchSize(spec.program, spec.extent));
  params.destroy();
}

/** Raw WGSL with explicit bindings by number (the harness's own test). */
export async function runCode(device: GPUDevice, code: string, entries: GPUBindGroupEntry[], groups: [number, number, number]): Promise<void> {
  await dispatch(device, 'code', await pipelineFor(device, code, 'code'), entries, groups);
}

async function dispatch(device: GPUDevice, label: string, pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[], groups: [number, number, number]): Promise<void> {
  await withErrorScopes(device, `running ${label}`, async () => {
    const bindGroup = device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
    const enc = device.createCommandEncoder({ label });
    const pass = enc.beginComputePass({ label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...groups);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  });
}

/** Reads a buffer back as f32 (the whole buffer, or its first `floats` values). */
export async function readFloats(device: GPUDevice, buffer: GPUBuffer, floats = buffer.size / 4): Promise<Float32Array> {
  return withErrorScopes(device, `reading ${buffer.label}`, async () => {
    const bytes = floats * 4;
    const staging = device.createBuffer({ size: size16(bytes), usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, size16(bytes));
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange(0, size16(bytes)).slice(0, bytes));
    staging.destroy();
    return out;
  });
}

/** Reads an rgba8unorm texture back as RGBA bytes, row by row (no row padding). */
export async function readRGBA(device: GPUDevice, texture: GPUTexture): Promise<Uint8Array> {
  return withErrorScopes(device, `reading ${texture.label}`, async () => new Uint8Array((await readTexture(device, texture)).data));
}
