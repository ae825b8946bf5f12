// The program declarations (src/shaders/programs) against their WGSL: the header generated from
// a declaration is the only place that declares the params struct and the bindings, every
// param field and binding the WGSL uses is declared (and every declared one is used), every
// variant composes, and the host side (params bytes, bind group entries, cache keys, features)
// follows the declaration by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { BindingDecl, DefineSchema, Program } from '../../src/shaders/program.js';
import * as conv from '../../src/shaders/programs/conv.js';
import * as pixels from '../../src/shaders/programs/pixels.js';
import * as reuse from '../../src/shaders/programs/reuse.js';
import * as se from '../../src/shaders/programs/se.js';

// The sources are read from the embedded copy: refresh it from the .wgsl files first.
const embed = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/embed-shaders.mjs', import.meta.url))], { encoding: 'utf8' });
if (embed.status !== 0) throw new Error(`scripts/embed-shaders.mjs failed: ${embed.stderr || embed.error}`);
const { composeShader, loadShaderSources } = await import('../../src/shaders/compose.js');
const P = await import('../../src/shaders/program.js');

const isProgram = (v: unknown): v is Program => !!v && typeof v === 'object' && 'source' in v && 'params' in v;
const PROGRAMS: Program[] = [conv, pixels, se, reuse].flatMap((m) => Object.values(m).filter(isProgram));

/** Every combination of the boolean defines (numbers at their defaults). */
function variants(p: Program): Record<string, boolean | number>[] {
  const bools = Object.keys(p.defines).filter((k) => typeof p.defines[k] === 'boolean');
  return Array.from({ length: 2 ** bools.length }, (_, i) => ({ ...p.defines, ...Object.fromEntries(bools.map((k, j) => [k, !!(i & (1 << j))])) }));
}

/** The program's WGSL with every branch kept (all boolean defines on, and each off). */
async function allSource(p: Program): Promise<string> {
  await loadShaderSources(p.source);
  return variants(p).map((d) => composeShader(p.source, d)).join('\n');
}

test('every kernel family is declared, once', () => {
  const names = PROGRAMS.map((p) => p.name);
  assert.deepEqual([...new Set(names)].sort(), names.slice().sort(), 'program names are unique (they key the pipeline cache)');
  for (const want of ['conv3x3', 'conv3x3-wide', 'conv2x2s2', 'conv2x2s2-wide', 'deconv', 'deconv2x2s2-wide', 'deconv4x4s2-wide', 'pack', 'output', 'se', 'se-sum', 'se-fc', 'crop', 'frame-diff', 'reuse-gate']) {
    assert.ok(names.includes(want), `no program ${want}`);
  }
});

test('the WGSL declares no params struct or binding itself, and uses exactly the declared ones', async () => {
  // A family shares one params struct (the conv kernels): each field must be read by one of them.
  const readBy = new Map<object, Set<string>>();
  for (const p of PROGRAMS) {
    const src = await allSource(p);
    assert.doesNotMatch(src, /@binding|@group|var<uniform>\s+P\b/, `${p.name}: bindings belong to the declaration`);
    const used = new Set([...src.matchAll(/\bP\.(\w+)/g)].map((m) => m[1]!));
    for (const f of used) assert.ok(f in p.params, `${p.name}: P.${f} is not a declared param`);
    readBy.set(p.params, new Set([...(readBy.get(p.params) ?? []), ...used]));
    for (const b of Object.keys(p.bindings)) assert.match(src, new RegExp(`\\b${b}\\b`), `${p.name}: binding ${b} is declared but never used`);
    assert.match(src, /@workgroup_size\(WG_X, WG_Y, WG_Z\)/, `${p.name}: the workgroup size comes from the declaration`);
  }
  for (const [params, used] of readBy) {
    for (const f of Object.keys(params)) assert.ok(used.has(f), `param ${f} is declared but never read`);
  }
});

test('every variant composes, with each binding numbered by its place in the declaration', async () => {
  for (const p of PROGRAMS) {
    await loadShaderSources(p.source);
    for (const d of variants(p)) {
      const code = P.composeProgram(p, P.resolveDefines(p, d));
      const bound = [...code.matchAll(/@binding\((\d+)\) var(?:<[^>]+>)? (\w+)/g)].map((m) => [Number(m[1]), m[2]] as const);
      const want = Object.entries<BindingDecl>(p.bindings).flatMap(([name, b], i) => (!b.when || d[b.when] ? [[i + 1, name] as const] : []));
      assert.deepEqual(bound, [[0, 'P'], ...want], `${p.name} ${JSON.stringify(d)}`);
      // enable f16 once where the variant needs shader-f16: native f16 storage, or a kernel's own f16 math.
      const features = P.programFeatures(p, P.resolveDefines(p, d));
      assert.equal(code.split('enable f16;').length - 1, features.includes('shader-f16') ? 1 : 0, `${p.name}: enable f16 exactly with shader-f16`);
      if (d.F16_NATIVE === true) assert.ok(features.includes('shader-f16'), `${p.name}: native f16 storage needs shader-f16`);
      assert.equal(code.includes('enable subgroups;'), features.includes('subgroups'), `${p.name}: enable subgroups exactly with the feature`);
    }
  }
});

test('params are written by name at their declared places; the struct pads to 16 bytes', () => {
  const bytes = P.packParams(pixels.pack, { src_w: 5, src_h: 4, pad_left: -3, pad_top: 7, out_w: 19, out_h: 20 });
  assert.equal(bytes.byteLength, 32);
  const v = new DataView(bytes);
  assert.deepEqual([0, 4, 8, 12, 16, 20].map((o) => v.getInt32(o, true)), [5, 4, -3, 7, 19, 20]);
  assert.throws(() => P.packParams(pixels.pack, { src_w: 5 } as never), /param src_h/);
  assert.match(P.programHeader(pixels.pack, P.resolveDefines(pixels.pack)), /struct Params \{\n {2}src_w: u32,\n {2}src_h: u32,\n {2}pad_left: i32,/);
  assert.equal(reuse.REUSE_HEADER_BYTES, 32, 'the stats read back the reuse counters as 8 words');
});

test('defines: defaults filled in, unknown names and wrong types refused, the cache key covers exactly the schema', () => {
  const d = P.resolveDefines(conv.conv3x3, { LRELU: true });
  assert.equal(d.SKIP, false);
  assert.throws(() => P.resolveDefines(conv.conv3x3, { ONE_GROUP: true } as never), /unknown define ONE_GROUP/);
  assert.throws(() => P.resolveDefines(conv.deconv, { K: true } as never), /K must be a number/);
  assert.equal(P.programKey(conv.conv3x3, d), 'conv3x3|F16=false,F16_NATIVE=false,LRELU=true,SKIP=false,IN_SCALE=false,SKIP_SCALE=false,TEXTURES=false');
});

test('bind group entries by name: a missing or extra resource is an error', () => {
  const params = { buffer: {} as GPUBuffer };
  const r = { src: { buffer: {} as GPUBuffer }, sums: { buffer: {} as GPUBuffer } };
  const d = P.resolveDefines(se.seSum as Program<DefineSchema>);
  assert.deepEqual(P.bindingEntries(se.seSum, d, params, r).map((e) => e.binding), [0, 1, 2]);
  assert.throws(() => P.bindingEntries(se.seSum, d, params, { src: r.src }), /binding sums is missing/);
  const off = P.resolveDefines(se.se as Program<DefineSchema>, { ALPHA: false });
  const excite = { w1: r.src, b1: r.src, w2: r.src, b2: r.src, scale: r.src };
  assert.throws(() => P.bindingEntries(se.se, off, params, { src: r.src, ...excite, alpha: r.src }), /binding alpha is off/);
});

test('a variant needs the features its defines ask for', () => {
  const device = (features: string[]) => ({ features: new Set(features) }) as unknown as GPUDevice;
  const native = P.resolveDefines(conv.conv3x3, { F16: true, F16_NATIVE: true });
  assert.equal(P.supports(device([]), conv.conv3x3, native), false);
  assert.equal(P.supports(device(['shader-f16']), conv.conv3x3, native), true);
  assert.equal(P.supports(device([]), conv.conv3x3, P.resolveDefines(conv.conv3x3, { F16: true })), true);
});
