// Origin-clean rules: a <video> or <img> loaded from another origin without CORS is "tainted";
// its pixels must not be read. We decide that from the element itself, before any GPU call, so
// the filter never even tries to read such a frame (the browser would refuse with a
// SecurityError, which stays handled as a second line of defence).

/** True when the element's media comes from another origin without a CORS request. */
export function isTainted(el: { currentSrc?: string; src?: string; crossOrigin?: string | null }): boolean {
  if (typeof location === 'undefined') return false; // Node: no origins
  const src = el.currentSrc || el.src;
  if (!src || el.crossOrigin != null) return false; // no source yet, or fetched with CORS
  let url: URL;
  try {
    url = new URL(src, location.href);
  } catch {
    return false;
  }
  // blob: (MSE, hls.js) and data: URLs belong to this document; their bytes came through fetch/XHR.
  if (url.protocol === 'blob:' || url.protocol === 'data:') return false;
  return url.origin !== location.origin;
}
