// Turns a .wgsl file into WGSL for one pipeline variant:
//   #include "snippets/x.wgsl"   pastes a shared snippet (once per shader)
//   #if NAME / #elif NAME / #else / #endif   evaluated by wgsl-preprocessor on defines[NAME]
// Unknown names are errors, so a typo cannot silently drop a branch. A compute kernel is
// composed through its program declaration (program.ts), which adds the generated header.
// The generated kernels' sources (the wide register blocks and the other conv3x3 families) are a
// module of their own, loaded by loadShaderSources() (see scripts/embed-shaders.mjs): the core
// bundle stays small, and a page fetches them only when used.

import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { SHADER_SOURCES } from './sources.generated.js';

export type Defines = Record<string, boolean | number>;

let wideSources: Record<string, string> | undefined;

const inCore = (name: string) => `${name}.wgsl` in SHADER_SOURCES;

/** Loads the sources `name` needs (once): call before composeShader() for a generated kernel. */
export async function loadShaderSources(name: string): Promise<void> {
  if (!inCore(name) && !wideSources) wideSources = (await import('./wide-sources.generated.js')).WIDE_SHADER_SOURCES;
}

function withIncludes(name: string, seen: Set<string>): string {
  const file = name.endsWith('.wgsl') ? name : `${name}.wgsl`;
  const src = SHADER_SOURCES[file] ?? wideSources?.[file];
  if (src === undefined) {
    throw new Error(wideSources ? `shader "${name}" not found in src/shaders` : `shader "${name}": await loadShaderSources() first`);
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
