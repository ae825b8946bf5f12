// Everything the extension takes from cugan-webgpu, and only through its public entry points:
// the core (`src/index.ts`) and the caption layer of `cugan-webgpu/hls` (`src/hls.ts`).

export { VideoUpscaler, CuganError, requestDevice, chooseModel, denoiseLevels, MANIFEST_FILE, readManifest } from '../../src/index.js';
export type { CuganErrorCode, Denoise, ScaleChoice, UpscaleStats, VideoUpscaleOptions, ModelManifest } from '../../src/index.js';
export { CaptionLayer } from '../../src/hls.js';
