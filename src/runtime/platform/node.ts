// The Node host (platform.ts): WebGPU from the `webgpu` package (Dawn), with its GPUBufferUsage
// and friends installed as globals as a browser has them, and models read from a folder.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CuganError } from '../errors.js';
import { defaultModelsUrl } from '../model/default-base-url.js';
import type { Platform } from './platform.js';

// Dawn's Node binding crashes if the object create() returns is garbage-collected while a
// device lives, so it is kept here for the life of the process.
let nodeGPU: GPU | undefined;

export const platform: Platform = {
  async gpu() {
    if (!nodeGPU) {
      let mod: typeof import('webgpu');
      try {
        mod = await import('webgpu'); // an optional dependency
      } catch (e) {
        throw new CuganError('NO_WEBGPU', 'WebGPU is not available: the Node package "webgpu" could not be loaded', { cause: e });
      }
      for (const [k, v] of Object.entries(mod.globals)) {
        if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      }
      nodeGPU = mod.create([]);
    }
    return nodeGPU;
  },

  // A folder path (default $CUGAN_MODELS, else the package's models/); an http(s) base URL is fetched.
  modelFolder(baseUrl) {
    if (baseUrl && /^https?:/.test(baseUrl)) return undefined;
    const dir = baseUrl ?? process.env.CUGAN_MODELS ?? fileURLToPath(defaultModelsUrl());
    return {
      where: (file) => join(dir, file),
      read: async (file) => new Uint8Array(await readFile(join(dir, file))),
    };
  },
};
