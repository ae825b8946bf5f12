// cugan-webgpu: Real-CUGAN anime super-resolution on WebGPU. The public API.

export { createUpscaler } from './runtime/upscaler.js';
export type { Upscaler, UpscalerOptions, UpscaleOptions, UpscaleSource, Precision } from './runtime/upscaler.js';
export type { ImageDataLike } from './runtime/gpu/readback.js';
export { readTexture } from './runtime/gpu/readback.js';
export { requestDevice, getGPU } from './runtime/gpu/device.js';
export { CuganError } from './runtime/errors.js';
export type { CuganErrorCode } from './runtime/errors.js';
export { MODELS, findModel } from './runtime/model/architecture.js';
export type { ModelInfo, ModelVariant, Scale } from './runtime/model/architecture.js';
export { readPackedModel } from './runtime/model/packed-format.js';
export type { PackedModel, WeightDType } from './runtime/model/packed-format.js';
export { loadModel, modelFileName } from './runtime/model/load.js';
