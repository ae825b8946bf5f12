// What the core needs from its host beyond the web platform. A browser gives nothing more
// (browser.ts); Node gives WebGPU through the `webgpu` package and models read from a folder
// (node.ts). package.json "imports" maps `#platform` to one of them by the `node` condition,
// so the browser build carries no Node code and Node (the CLI, tests, `import 'cugan-webgpu'`)
// gets its own.

export interface Platform {
  /** A WebGPU implementation where the host has no navigator.gpu. */
  gpu?: () => Promise<GPU>;
  /**
   * Reads model files from a local folder: `baseUrl` if given (unless it is an http(s) URL),
   * else the host's default folder. Undefined: models come over HTTP.
   */
  modelFolder?: (baseUrl: string | undefined) => ModelFolder | undefined;
}

export interface ModelFolder {
  /** A file's path in the folder, for messages. */
  where(file: string): string;
  /** A file's bytes; rejects when it cannot be read. */
  read(file: string): Promise<Uint8Array<ArrayBuffer>>;
}
