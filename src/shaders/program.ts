// A GPU program: everything the host must know to run one compute kernel, declared once beside
// its WGSL (the idea of tfjs-backend-webgpu's program objects and onnxruntime-web's ProgramInfo,
// smaller). The declaration names the WGSL file, the defines it is compiled with (a schema with
// defaults), the fields of its uniform struct, its bindings, its workgroup size and dispatch
// geometry, and the device features it needs. The WGSL header (enables, the workgroup and block
// constants, the `Params` struct bound as `P`, every binding) is generated from it, so the host
// and the shader cannot disagree on a field's position or a binding's number; the pipeline cache
// key comes from it too.

import { composeShader } from './compose.js';

/** Each define and its default; a boolean drives `#if NAME`, a number becomes `const NAME: u32`. */
export type DefineSchema = Readonly<Record<string, boolean | number>>;
export type DefinesOf<S extends DefineSchema> = { [K in keyof S]: S[K] extends boolean ? boolean : S[K] extends number ? number : boolean | number };

export type Scalar = 'u32' | 'i32' | 'f32';
/** The uniform struct's fields in order, each 4 bytes; the struct is padded to 16 bytes. */
export type ParamSchema = Readonly<Record<string, Scalar>>;
export type ParamsOf<P extends ParamSchema> = { [K in keyof P]: number };

/** A binding's WGSL declaration after `var`, e.g. `<storage, read> ... : array<vec4f>` as space + type. */
export interface BindingDecl {
  /** `uniform`, `storage, read`, `storage, read_write`; none for textures; a function of the defines where a variant binds a texture instead. */
  space?: string | ((d: Readonly<Record<string, boolean | number>>) => string | undefined);
  /** The WGSL type; a function of the defines where a variant changes it (a texture kind). */
  type: string | ((d: Readonly<Record<string, boolean | number>>) => string);
  /** Declared and bound only when this boolean define is true. */
  when?: string;
}

export const storage = (type: string, when?: string): BindingDecl => ({ space: 'storage, read', type, when });
export const storageRW = (type: string, when?: string): BindingDecl => ({ space: 'storage, read_write', type, when });
export const uniform = (type: string, when?: string): BindingDecl => ({ space: 'uniform', type, when });
export const resource = (type: BindingDecl['type'], when?: string): BindingDecl => ({ type, when });

/** What one invocation computes: `x` x `y` output pixels and `c4` channel groups. */
export interface Block {
  x: number;
  y: number;
  c4: number;
}

/**
 * How many workgroups a dispatch needs for an extent (w x h pixels, c4 channel groups):
 * - `grid`: workgroups tile the blocks in x, y and channel groups in z; with `phases`, x counts
 *   the outputs of one phase (stride apart) and z repeats per phase (transposed convs);
 * - `flat`: the blocks as one list, columns fastest, then rows, then channel groups, in rows of
 *   workgroups (snippets/conv-io.wgsl flat_block): no lanes idle on maps a few blocks wide;
 *   with `c4InZ`, the list holds the pixel blocks only and z the channel groups, so every
 *   invocation of a workgroup computes the same channels (a subgroup kernel shares their weights);
 * - `single`: one workgroup that loops over everything itself.
 */
export type Dispatch =
  | { kind: 'grid'; block: Block; phases?: boolean }
  | { kind: 'flat'; block: Block; c4InZ?: boolean }
  | { kind: 'single' };

export interface Extent {
  w: number;
  h: number;
  c4?: number;
  /** Transposed convs: the phases (output pixels per input pixel, per axis). */
  stride?: number;
}

export interface ProgramDecl<S extends DefineSchema, P extends ParamSchema, B extends string> {
  /** Unique: the pipeline label and the cache key's prefix. */
  name: string;
  /** The WGSL file under src/shaders, without `.wgsl`. */
  source: string;
  defines: S;
  params: P;
  /** Bound at 1, 2, ... in this order (the params at 0); the names are the WGSL variables'. */
  bindings: Readonly<Record<B, BindingDecl>>;
  workgroup: readonly [number, number, number];
  dispatch: Dispatch;
  /** Device features a variant needs (its WGSL `enable`s follow from them). */
  features?(d: DefinesOf<S>): readonly GPUFeatureName[];
  /** More generated WGSL (shared structs, flag constants). */
  declarations?: readonly string[];
  /** The params struct's size in 4-byte words, when it must be more than its fields padded to a multiple of 4. */
  paramWords?: number;
}

export interface Program<S extends DefineSchema = DefineSchema, P extends ParamSchema = ParamSchema, B extends string = string>
  extends ProgramDecl<S, P, B> {
  readonly paramBytes: number;
}

/** Checks a declaration and gives the program. */
export function declareProgram<S extends DefineSchema, P extends ParamSchema, B extends string>(d: ProgramDecl<S, P, B>): Program<S, P, B> {
  for (const [name, b] of Object.entries<BindingDecl>(d.bindings)) {
    if (b.when !== undefined && typeof d.defines[b.when] !== 'boolean') throw new Error(`program ${d.name}: binding ${name} depends on ${b.when}, not a boolean define`);
  }
  if (d.dispatch.kind === 'flat' && (d.workgroup[1] !== 1 || d.workgroup[2] !== 1)) throw new Error(`program ${d.name}: a flat dispatch needs a workgroup of N x 1 x 1`);
  return { ...d, paramBytes: Math.max(paddedWords(d.params), d.paramWords ?? 0) * 4 };
}

/** The defines with defaults filled in; unknown names are errors (a typo must not drop a branch). */
export function resolveDefines<S extends DefineSchema>(p: Program<S>, given: Partial<DefinesOf<S>> = {}): DefinesOf<S> {
  for (const [k, v] of Object.entries(given)) {
    if (!(k in p.defines)) throw new Error(`program ${p.name}: unknown define ${k}`);
    if (typeof v !== typeof p.defines[k]) throw new Error(`program ${p.name}: define ${k} must be a ${typeof p.defines[k]}, got ${String(v)}`);
  }
  return { ...p.defines, ...given } as DefinesOf<S>;
}

/** The pipeline cache key: the program and the value of each of its defines. */
export function programKey<S extends DefineSchema>(p: Program<S>, d: DefinesOf<S>): string {
  return `${p.name}|${Object.keys(p.defines).map((k) => `${k}=${String(d[k])}`).join(',')}`;
}

export function programFeatures<S extends DefineSchema>(p: Program<S>, d: DefinesOf<S>): readonly GPUFeatureName[] {
  return p.features?.(d) ?? [];
}

/** Whether `device` has every feature the variant needs. */
export function supports<S extends DefineSchema>(device: GPUDevice, p: Program<S>, d: DefinesOf<S>): boolean {
  return programFeatures(p, d).every((f) => device.features.has(f));
}

const ENABLES: Partial<Record<GPUFeatureName, string>> = { 'shader-f16': 'f16', subgroups: 'subgroups' };

/**
 * A WGSL struct of 4-byte fields padded to a multiple of 16 bytes (a uniform struct's size rule),
 * then `tail` (a runtime-sized array) if given. Its size before the tail is paddedWords() * 4.
 */
export function wgslStruct(name: string, fields: Readonly<Record<string, string>>, tail?: string, words = 0): string {
  const list = Object.entries(fields).map(([k, t]) => `${k}: ${t}`);
  while (list.length < Math.max(paddedWords(fields), words)) list.push(`_pad${list.length}: u32`);
  if (tail) list.push(tail);
  return `struct ${name} {\n  ${list.join(',\n  ')},\n}`;
}

/** Words of a wgslStruct() before its tail. */
export const paddedWords = (fields: Readonly<Record<string, string>>): number => Math.ceil(Object.keys(fields).length / 4) * 4;

/** The generated part of the shader: enables, constants, structs and every binding. */
export function programHeader<S extends DefineSchema>(p: Program<S>, d: DefinesOf<S>): string {
  const lines: string[] = [];
  for (const f of programFeatures(p, d)) if (ENABLES[f]) lines.push(`enable ${ENABLES[f]};`);
  const [wx, wy, wz] = p.workgroup;
  lines.push(`const WG_X = ${wx}u;`, `const WG_Y = ${wy}u;`, `const WG_Z = ${wz}u;`);
  if (p.dispatch.kind !== 'single') {
    const b = p.dispatch.block;
    lines.push(`const BLOCK_X = ${b.x}u;`, `const BLOCK_Y = ${b.y}u;`, `const BLOCK_C4 = ${b.c4}u;`);
  }
  for (const [k, v] of Object.entries(d)) if (typeof v === 'number') lines.push(`const ${k} = ${v}u;`);
  lines.push(...(p.declarations ?? []));
  lines.push(wgslStruct('Params', p.params, undefined, p.paramBytes / 4), '@group(0) @binding(0) var<uniform> P: Params;');
  Object.entries<BindingDecl>(p.bindings).forEach(([name, b], i) => {
    if (b.when && !d[b.when]) return;
    const type = typeof b.type === 'function' ? b.type(d) : b.type;
    const space = typeof b.space === 'function' ? b.space(d) : b.space;
    lines.push(`@group(0) @binding(${i + 1}) var${space ? `<${space}>` : ''} ${name}: ${type};`);
  });
  return lines.join('\n') + '\n';
}

/** The WGSL of one variant: the generated header, then the program's file (see compose.ts). */
export function composeProgram<S extends DefineSchema>(p: Program<S>, d: DefinesOf<S>): string {
  return programHeader(p, d) + composeShader(p.source, d);
}

/** The uniform values as the bytes of the `Params` struct. */
export function packParams<P extends ParamSchema>(p: Program<DefineSchema, P>, values: ParamsOf<P>): ArrayBuffer {
  const bytes = new ArrayBuffer(p.paramBytes);
  const view = new DataView(bytes);
  Object.entries<Scalar>(p.params).forEach(([k, t], i) => {
    const v = values[k];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`program ${p.name}: param ${k} is ${String(v)}`);
    if (t === 'f32') view.setFloat32(4 * i, v, true);
    else if (t === 'i32') view.setInt32(4 * i, v, true);
    else view.setUint32(4 * i, v, true);
  });
  return bytes;
}

export type Resource = GPUBindingResource | GPUBuffer;
/** The resource for each binding by name (the params excepted); those off under the defines are left out. */
export type Resources<B extends string> = Partial<Record<B, Resource | undefined>>;

const isBuffer = (r: Resource): r is GPUBuffer => typeof (r as GPUBuffer).mapAsync === 'function';

/** Bind group entries by name: the params at 0, then each binding that is on under the defines. */
export function bindingEntries<S extends DefineSchema, B extends string>(
  p: Program<S, ParamSchema, B>, d: DefinesOf<S>, params: GPUBindingResource, resources: Resources<B>,
): GPUBindGroupEntry[] {
  const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: params }];
  Object.entries<BindingDecl>(p.bindings).forEach(([name, b], i) => {
    const on = !b.when || !!d[b.when];
    const r = resources[name as B];
    if (on !== (r !== undefined)) throw new Error(`internal: program ${p.name}: binding ${name} is ${on ? 'missing' : 'off under these defines'}`);
    if (r !== undefined) entries.push({ binding: i + 1, resource: isBuffer(r) ? { buffer: r } : r });
  });
  return entries;
}

const div = (a: number, b: number) => Math.ceil(a / b);
/** Workgroups per dispatch dimension that every adapter allows (WebGPU's default limit). */
export const MAX_GROUPS = 65535;

/** The workgroup counts of a dispatch over `e`. */
export function dispatchSize(p: Program, e: Extent): [number, number, number] {
  const d = p.dispatch;
  const [wx, wy, wz] = p.workgroup;
  if (d.kind === 'single') return [1, 1, 1];
  const b = d.block;
  const c4 = e.c4 ?? 1;
  if (d.kind === 'flat') {
    const z = d.c4InZ ? div(c4, b.c4) : 1;
    const n = div(div(e.w, b.x) * div(e.h, b.y) * (d.c4InZ ? 1 : div(c4, b.c4)), wx);
    return n <= MAX_GROUPS ? [n, 1, z] : [MAX_GROUPS, div(n, MAX_GROUPS), z];
  }
  const phases = d.phases ? (e.stride ?? 1) : 1;
  return [div(div(div(e.w, phases), b.x), wx), div(div(e.h, b.y), wy), div(div(c4, b.c4), wz) * phases];
}
