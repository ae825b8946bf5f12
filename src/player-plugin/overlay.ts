// The canvas that shows the upscaled picture: inserted right after the <video>, so anything the
// player draws after the video (captions, controls) stays above it by DOM order. It covers the
// video's box and follows its size (resize, fullscreen, layout changes); pointer events pass
// through to the player.

export interface Overlay {
  canvas: HTMLCanvasElement;
  /** Re-reads the video's box (called on resize automatically). */
  update(): void;
  destroy(): void;
}

/** Places `el` exactly over the video's padding box, in the video's containing block. */
export function coverVideo(video: HTMLVideoElement, el: HTMLElement): void {
  el.style.left = `${video.offsetLeft + video.clientLeft}px`;
  el.style.top = `${video.offsetTop + video.clientTop}px`;
  el.style.width = `${video.clientWidth}px`;
  el.style.height = `${video.clientHeight}px`;
}

export function createOverlay(video: HTMLVideoElement, className = 'cugan-canvas'): Overlay {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.setAttribute('aria-hidden', 'true');
  Object.assign(canvas.style, { position: 'absolute', pointerEvents: 'none', visibility: 'hidden', margin: '0', padding: '0', border: '0' });
  video.insertAdjacentElement('afterend', canvas);
  const update = () => coverVideo(video, canvas);
  update();
  const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(update) : undefined;
  ro?.observe(video);
  if (video.parentElement) ro?.observe(video.parentElement);
  window.addEventListener('resize', update);
  document.addEventListener('fullscreenchange', update);
  return {
    canvas,
    update,
    destroy() {
      ro?.disconnect();
      window.removeEventListener('resize', update);
      document.removeEventListener('fullscreenchange', update);
      canvas.remove();
    },
  };
}
