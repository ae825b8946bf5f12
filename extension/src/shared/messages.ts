// Messages between the content script (one per frame), the service worker and the popup. The
// content script reports what it does per video; the worker keeps the latest report of each
// frame in chrome.storage.session (`status:<tabId>`), where the popup reads it.

/** Where one video stands. */
export type VideoState =
  | 'starting' // the model loads, the first frame is on its way (the plain video shows meanwhile)
  | 'on' // upscaled frames are on screen
  | 'paused' // temporarily plain (e.g. the bare <video> is fullscreen)
  | 'refused' // it cannot work for this video (reason given); the video plays unfiltered
  | 'error'; // something failed (reason given); the video plays unfiltered

export interface VideoReport {
  /** Stable per video within its frame. */
  id: number;
  state: VideoState;
  /** CuganError code, or ENCRYPTED (EME) / FULLSCREEN_VIDEO (extension-side reasons). */
  code?: string;
  /** One line for the popup. */
  reason?: string;
  sourceWidth: number;
  sourceHeight: number;
  outputWidth: number;
  outputHeight: number;
  fps: number;
  videoFps: number;
  gpuMs: number;
  model: string;
  adapter: string;
  gpuBytes: number;
  frames: number;
  /** The video is playing (not paused, not ended). */
  playing: boolean;
}

export interface FrameReport {
  url: string;
  /** The filter is on for this frame's site. */
  siteOn: boolean;
  videos: VideoReport[];
  /** GPU memory the frame's upscalers hold, bytes (0 once turned off: every buffer and texture freed). */
  gpuBytes: number;
  /** GPU devices this frame holds (one, shared by its videos, while any is attached). */
  devices: number;
  /** Canvases and caption layers of ours in the frame's DOM (shadow roots included). */
  overlays: number;
}

export type ContentMessage =
  | { type: 'cugan:report'; report: FrameReport }
  /** The top frame saw a new iframe: inject into the tab's frames again (activeTab only reaches frames present at injection). */
  | { type: 'cugan:inject-frames' };

export const statusKey = (tabId: number): string => `status:${tabId}`;

/** chrome.storage.session[statusKey(tab)]: the latest report of each frame, by frameId. */
export type TabStatus = Record<string, FrameReport>;
