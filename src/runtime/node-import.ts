// Imports a Node-only module (node:fs, the `webgpu` package) at run time. The specifier is a
// parameter, so bundlers building a site from this library neither try to resolve it nor
// warn about Node built-ins; browsers never reach these calls.
export function importNode<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}
