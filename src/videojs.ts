// `cugan-webgpu/videojs`: the video.js plugin. video.js is a peer dependency and never bundled:
// registerUpscalePlugin(videojs) takes the page's own copy. Importing it also adds `upscale()` and
// the typed `upscale:*` events to video.js's own `Player` type (player-plugin/videojs/api.ts).

export { registerUpscalePlugin, getUpscalePlugin, PLUGIN_NAME, DEFAULT_STORAGE_KEY, DEFAULT_HOTKEY, LABELS, LABEL_KEYS, DENOISE_LABELS } from './player-plugin/videojs/plugin.js';
export type { UpscalePlugin, UpscalePluginOptions, UpscalePlayer, UpscaleChoices, UpscaleListener } from './player-plugin/videojs/plugin.js';
export { UPSCALE_EVENTS } from './runtime/video/events.js';
export type { UpscaleEventDetails, UpscaleEventMap, UpscaleEventType, DisableReason, TierChange } from './runtime/video/events.js';
export { UpscaleController } from './player-plugin/controller.js';
export type { VideoUpscaleOptions, ScaleChoice, Denoise } from './runtime/options.js';
export type { UpscaleStats, UpscaleProgress } from './runtime/video/types.js';
export { CuganError } from './runtime/errors.js';
export type { CuganErrorCode } from './runtime/errors.js';
