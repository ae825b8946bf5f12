// `cugan-webgpu/hls`: upscaling for a <video> played by hls.js (or by anything else). hls.js is
// a peer dependency and never bundled: only its event names are used.

export { attachUpscaler, HlsUpscaleController } from './player-plugin/hls.js';
export type { AttachOptions, HlsLike, HlsErrorData, HlsUpscaleEventDetails, HlsUpscaleEventMap } from './player-plugin/hls.js';
export { UpscaleController } from './player-plugin/controller.js';
export { UPSCALE_EVENTS } from './runtime/video/events.js';
export type { UpscaleEventDetails, UpscaleEventMap, UpscaleEventType, DisableReason, TierChange } from './runtime/video/events.js';
export { CaptionLayer } from './player-plugin/captions.js';
export { createOverlay } from './player-plugin/overlay.js';
export type { VideoUpscaleOptions, ScaleChoice, Denoise } from './runtime/options.js';
export type { UpscaleStats, UpscaleProgress } from './runtime/video/types.js';
export { CuganError } from './runtime/errors.js';
export type { CuganErrorCode } from './runtime/errors.js';
