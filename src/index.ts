// cugan-webgpu: Real-CUGAN anime super-resolution on WebGPU. The public API.

export { createUpscaler } from './runtime/upscaler.js';
export type { Upscaler, UpscalerOptions, UpscaleOptions, UpscaleSource } from './runtime/upscaler.js';
// Every option check, shared by the API, the players and the CLI.
export { ALPHA_RANGE, ALPHA_RANGE_TEXT, DENOISE_LEVELS, checkAlpha, checkPrecision, checkScale, checkDenoise, checkVideoOptions } from './runtime/options.js';
export type { Precision, ScaleChoice, Denoise, VideoUpscaleOptions, TileLimitOptions } from './runtime/options.js';
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
export type { LoadOptions, LoadProgress, ModelSource } from './runtime/model/load.js';
export { readManifest, MANIFEST_FILE } from './runtime/model/manifest.js';
export type { ModelManifest, ManifestEntry } from './runtime/model/manifest.js';

// The video path: one inference per video frame into a canvas over the <video>.
export { VideoUpscaler } from './runtime/video/video-upscaler.js';
export type { UpscaleStats, UpscaleProgress } from './runtime/video/types.js';
export { UPSCALE_EVENTS } from './runtime/video/events.js';
export type { UpscaleEventMap, UpscaleEventDetails, UpscaleEventType, UpscaleEventSink, DisableReason, TierChange } from './runtime/video/events.js';
export type { StageTimes, FrameRun } from './runtime/video/stage-timer.js';
export { chooseModel, denoiseLevels, autoScale } from './runtime/video/model-choice.js';

// The player integrations are their own entry points, so the core pulls in no player code:
// `cugan-webgpu/hls` (attachUpscaler) and `cugan-webgpu/videojs` (registerUpscalePlugin).
