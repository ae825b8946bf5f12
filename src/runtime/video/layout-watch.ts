// Calls back when the picture's on-screen size may have changed: the canvas or the video was
// resized, or the device pixel ratio changed (zoom, a move to another screen), which resizes
// nothing in CSS pixels, so ResizeObserver misses it: a media query on the current ratio fires
// once when it changes. Returns the function that stops watching.

export function watchLayout(elements: Element[], onChange: () => void): () => void {
  const observer = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => onChange()) : undefined;
  for (const el of elements) observer?.observe(el);
  let query: MediaQueryList | undefined;
  const onRatio = (): void => {
    watchRatio();
    onChange();
  };
  const watchRatio = (): void => {
    query?.removeEventListener('change', onRatio);
    if (typeof matchMedia === 'undefined') return;
    query = matchMedia(`(resolution: ${globalThis.devicePixelRatio || 1}dppx)`);
    query.addEventListener('change', onRatio);
  };
  watchRatio();
  return () => {
    observer?.disconnect();
    query?.removeEventListener('change', onRatio);
  };
}
