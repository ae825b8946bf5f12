// Why a video is not upscaled, in the two places the viewer sees it: the toolbar badge (four
// characters at most) and one line in the popup.

export interface Reason {
  badge: string;
  line: string;
}

const REASONS: Record<string, Reason> = {
  NO_WEBGPU: { badge: 'GPU', line: 'this browser has no usable WebGPU (no API or no GPU adapter)' },
  TAINTED_SOURCE: { badge: 'CORS', line: 'a cross-origin video without CORS: the site does not let the page read its frames' },
  ENCRYPTED: { badge: 'DRM', line: 'an encrypted (EME/DRM) video: its frames cannot be read' },
  FRAME_TOO_LARGE: { badge: 'BIG', line: 'the frame is too large for this GPU' },
  FULLSCREEN_VIDEO: { badge: 'FS', line: 'the bare <video> is fullscreen, so nothing can be drawn over it (the site player\'s own fullscreen keeps the filter)' },
  WEIGHTS_NOT_FOUND: { badge: 'MOD', line: 'this model is not packed in the extension (convert it with cugan-weights, see the README)' },
  DEVICE_LOST: { badge: 'GPU', line: 'the GPU device was lost' },
  MEDIA_ERROR: { badge: '', line: 'the video itself failed to play' },
};

/** The badge text and popup line for a reason code, with the library's message as a fallback. */
export function describe(code: string | undefined, message?: string): Reason {
  const known = code ? REASONS[code] : undefined;
  if (known) return known;
  return { badge: '!', line: message || code || 'unknown error' };
}
