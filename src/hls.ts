// `cugan-webgpu/hls`: upscaling for a <video> played by hls.js (or by anything else). hls.js is
// a peer dependency and never bundled: only its event names are used.

export { attachUpscaler, HlsUpscaleController } from './player-plugin/hls.js';
export type { AttachOptions, HlsLike } from './player-plugin/hls.js';
export { UpscaleController, UPSCALE_EVENTS } from './player-plugin/controller.js';
export { CaptionLayer } from './player-plugin/captions.js';
export { createOverlay } from './player-plugin/overlay.js';
export type { VideoUpscaleOptions, UpscaleStats, UpscaleProgress, ScaleChoice, Denoise } from './runtime/video/types.js';
export { CuganError } from './runtime/errors.js';
export type { CuganErrorCode } from './runtime/errors.js';
