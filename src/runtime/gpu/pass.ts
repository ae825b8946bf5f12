// One recorded compute dispatch: a pipeline, its bind group and its workgroup counts, built from
// a program declaration (shaders/program.ts): uniforms by field name, bindings by name, the
// workgroup counts from the program's dispatch geometry. Every GPU object in it is made once,
// when an executor is built; recording it allocates nothing.

import {
  bindingEntries, dispatchSize, packParams,
  type DefineSchema, type DefinesOf, type Extent, type ParamSchema, type ParamsOf, type Program, type Resources,
} from '../../shaders/program.js';
import type { PipelineCache } from './pipelines.js';

export interface Pass {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
  /** A dispatch recorded just before this one, with the same workgroup counts (a texture conv's stage pass). */
  before?: Pass;
}

/** Records one dispatch (its `before` first); with `args`, an indirect one reading the arguments of pass `index`. */
export function run(pass: GPUComputePassEncoder, p: Pass, args?: GPUBuffer, index = 0): void {
  if (p.before) run(pass, p.before, args, index);
  pass.setPipeline(p.pipeline);
  pass.setBindGroup(0, p.bindGroup);
  if (args) pass.dispatchWorkgroupsIndirect(args, index * 12);
  else pass.dispatchWorkgroups(...p.groups);
}

/** What a pass is: a program variant, its uniform values and resources, and the extent it covers. */
export interface PassSpec<S extends DefineSchema = DefineSchema, P extends ParamSchema = ParamSchema, B extends string = string> {
  label: string;
  program: Program<S, P, B>;
  defines: Partial<DefinesOf<S>>;
  params: ParamsOf<P>;
  resources: Resources<B>;
  extent: Extent;
  /** A pass recorded before this one with its workgroup counts (its own extent is ignored), gated with it. */
  before?: PassSpec;
}

/** A spec, type-checked against its program (an array of specs holds many programs). */
export const passSpec = <S extends DefineSchema, P extends ParamSchema, B extends string>(s: PassSpec<S, P, B>): PassSpec =>
  s as unknown as PassSpec;

/** A built pass and its uniform slot, which variants of it share (rebind()). */
export interface BuiltPass extends Pass {
  spec: PassSpec;
  params: GPUBufferBinding;
}

export interface BuiltPasses {
  passes: BuiltPass[];
  /** One uniform buffer holding every pass's params, a slot each. */
  uniforms: GPUBuffer;
}

/**
 * Builds the passes of `specs`: their params in one uniform buffer (written once), their
 * pipelines asked for all at once (so the implementation may compile them in parallel), then
 * a bind group each.
 */
export async function buildPasses(device: GPUDevice, pipelines: PipelineCache, specs: readonly PassSpec[], label: string): Promise<BuiltPasses> {
  // Every spec and its `before`, a uniform slot and a pipeline each.
  const all = specs.flatMap((s) => (s.before ? [s.before, s] : [s]));
  const align = device.limits.minUniformBufferOffsetAlignment;
  const slot = Math.max(align, ...all.map((s) => Math.ceil(s.program.paramBytes / align) * align));
  const uniforms = device.createBuffer({ label: `${label} params`, size: Math.max(16, all.length * slot), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const bytes = new Uint8Array(uniforms.size);
  all.forEach((s, i) => bytes.set(new Uint8Array(packParams(s.program, s.params)), i * slot));
  device.queue.writeBuffer(uniforms, 0, bytes);
  const compiled = await Promise.all(all.map((s) => pipelines.get(s.program, s.defines)));
  const built = all.map((spec, i): BuiltPass => {
    const params = { buffer: uniforms, offset: i * slot, size: spec.program.paramBytes };
    return { spec, params, ...bind(device, compiled[i]!, spec, params) };
  });
  const passes = specs.map((s) => {
    const p = built[all.indexOf(s)]!;
    if (s.before) p.before = { ...built[all.indexOf(s.before)]!, groups: p.groups };
    return p;
  });
  return { passes, uniforms };
}

/** A variant of a built pass with other defines or resources (the same params), e.g. the pack pass of another source. */
export function rebind(device: GPUDevice, built: BuiltPass, pipeline: GPUComputePipeline, change: { defines?: Partial<DefinesOf<DefineSchema>>; resources?: Resources<string> }): Pass {
  const spec = { ...built.spec, defines: { ...built.spec.defines, ...change.defines }, resources: { ...built.spec.resources, ...change.resources } };
  return bind(device, pipeline, spec, built.params);
}

function bind(device: GPUDevice, pipeline: GPUComputePipeline, spec: PassSpec, params: GPUBufferBinding): Pass {
  const d = { ...spec.program.defines, ...spec.defines } as DefinesOf<DefineSchema>;
  const bindGroup = device.createBindGroup({
    label: spec.label,
    layout: pipeline.getBindGroupLayout(0),
    entries: bindingEntries(spec.program, d, params, spec.resources),
  });
  return { pipeline, bindGroup, groups: dispatchSize(spec.program, spec.extent) };
}
