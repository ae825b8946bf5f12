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

// The video path: one inference per video frame into a canvas over the <video>.
export { VideoUpscaler } from './runtime/video/video-upscaler.js';
export type { VideoUpscaleOptions, UpscaleStats, ScaleChoice, Denoise } from './runtime/video/types.js';
export { chooseModel, denoiseLevels, autoScale } from './runtime/video/model-choice.js';

// Player integrations: hls.js (or any <video>) and the pieces they share.
export { attachUpscaler, HlsUpscaleController } from './player-plugin/hls.js';
export type { AttachOptions, HlsLike } from './player-plugin/hls.js';
export { UpscaleController } from './player-plugin/controller.js';
export { CaptionLayer } from './player-plugin/captions.js';
export { createOverlay } from './player-plugin/overlay.js';

// The video.js plugin: registerUpscalePlugin(videojs) with the page's own video.js (not bundled).
export { registerUpscalePlugin, getUpscalePlugin } from './player-plugin/videojs/plugin.js';
export type { UpscalePlugin, UpscalePluginOptions } from './player-plugin/videojs/plugin.js';
