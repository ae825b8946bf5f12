// Turns a .wgsl file into WGSL for one pipeline variant:
//   #include "snippets/x.wgsl"   pastes a shared snippet (once per shader)
//   #if NAME / #elif NAME / #else / #endif   evaluated by wgsl-preprocessor on defines[NAME]
// Unknown names are errors, so a typo cannot silently drop a branch. A compute kernel is
// composed through its program declaration (program.ts), which adds the generated header.
// The generated kernels' sources (the wide register blocks and the other conv3x3 families) and
// frame reuse's are modules of their own, loaded by loadShaderSources() (see
// scripts/embed-shaders.mjs): the core bundle stays small, and a page fetches them only when used.

import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { LAZY_SHADER_GROUPS, SHADER_SOURCES } from './sources.generated.js';

export type Defines = Record<string, boolean | number>;

// One static import() per group, so bundlers split each into its own chunk.
const LAZY_MODULES: Record<string, () => Promise<{ SOURCES: Record<string, string> }>> = {
  wide: () => import('./wide-sources.generated.js'),
  reuse: () => import('./reuse-sources.generated.js'),
};
const lazySources: Record<string, string> = {};
const loadedGroups = new Map<string, Promise<void>>();

const fileOf = (name: string): string => (name.endsWith('.wgsl') ? name : `${name}.wgsl`);

/** Loads the sources `name` needs (once per group): call before composeShader() for a lazily loaded file. */
export async function loadShaderSources(name: string): Promise<void> {
  const group = LAZY_SHADER_GROUPS[fileOf(name)];
  if (group === undefined) return;
  let loading = loadedGroups.get(group);
  if (!loading) {
    loading = LAZY_MODULES[group]!().then((m) => void Object.assign(lazySources, m.SOURCES));
    loadedGroups.set(group, loading);
  }
  await loading;
}

function withIncludes(name: string, seen: Set<string>): string {
  const file = fileOf(name);
  const src = SHADER_SOURCES[file] ?? lazySources[file];
  if (src === undefined) {
    throw new Error(file in LAZY_SHADER_GROUPS ? `shader "${name}": await loadShaderSources() first` : `shader "${name}" not found in src/shaders`);
  }
  return src.replace(/^#include "([^"]+)"\s*$/gm, (_m, inc: string) => {
    if (seen.has(inc)) return '';
    seen.add(inc);
    return withIncludes(inc, seen);
  });
}

export function composeShader(name: string, defines: Defines = {}): string {
  const text = withIncludes(name, new Set([name]));
  const value = (key: string): boolean | number => {
    if (!(key in defines)) throw new Error(`shader "${name}": define ${key} is not set`);
    return defines[key]!;
  };
  // Split at "#if NAME" / "#elif NAME" so the condition becomes a template value.
  const strings: string[] = [];
  const values: boolean[] = [];
  let last = 0;
  for (const m of text.matchAll(/#(if|elif) +(\w+)/g)) {
    strings.push(text.slice(last, m.index) + `#${m[1]} `);
    values.push(Boolean(value(m[2]!)));
    last = m.index! + m[0].length;
  }
  strings.push(text.slice(last));
  const raw = Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray;
  return wgsl(raw, ...values);
}
