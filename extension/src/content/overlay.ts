// The canvas over one <video>: inserted right after it (so the site's controls and captions,
// which come later in DOM order or sit higher in z-index, stay above), covering exactly the
// video's content box (the library draws the picture inside it by the video's object-fit, the
// letterbox stays transparent), with the video's own z-index. It follows the video: resizes
// (ResizeObserver), fullscreen, and moves or re-parenting by the site (theatre and mini-player
// layouts) through a cheap check twice a second. A fullscreen ancestor of the video contains the
// canvas by construction; the bare <video> in fullscreen cannot be drawn over (reported).

const FOLLOW_MS = 500;

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The video's content box in viewport coordinates (inside its borders and padding). */
export function contentBox(video: HTMLVideoElement): Box {
  const r = video.getBoundingClientRect();
  const cs = getComputedStyle(video);
  const px = (v: string) => parseFloat(v) || 0;
  const l = px(cs.borderLeftWidth) + px(cs.paddingLeft);
  const t = px(cs.borderTopWidth) + px(cs.paddingTop);
  const rgt = px(cs.borderRightWidth) + px(cs.paddingRight);
  const b = px(cs.borderBottomWidth) + px(cs.paddingBottom);
  return { left: r.left + l, top: r.top + t, width: Math.max(0, r.width - l - rgt), height: Math.max(0, r.height - t - b) };
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.5;

export class Overlay {
  readonly canvas: HTMLCanvasElement;
  /** Elements that travel with the canvas, right after it (the caption layer). */
  private readonly companions: HTMLElement[] = [];
  private readonly ro: ResizeObserver;
  private readonly timer: number;
  private readonly doc: Document;
  private bareFullscreen = false;

  constructor(
    readonly video: HTMLVideoElement,
    private readonly onBareFullscreen: (on: boolean) => void,
  ) {
    this.doc = video.ownerDocument;
    const canvas = this.doc.createElement('canvas');
    canvas.className = 'cugan-canvas';
    canvas.setAttribute('aria-hidden', 'true');
    Object.assign(canvas.style, {
      position: 'absolute', pointerEvents: 'none', margin: '0', padding: '0', border: '0', left: '0px', top: '0px',
      maxWidth: 'none', maxHeight: 'none', minWidth: '0', minHeight: '0', transform: 'none', background: 'transparent',
    } satisfies Partial<CSSStyleDeclaration>);
    this.canvas = canvas;
    video.after(canvas);
    this.ro = new ResizeObserver(this.follow);
    this.ro.observe(video);
    if (video.parentElement) this.ro.observe(video.parentElement);
    const win = this.doc.defaultView ?? window;
    win.addEventListener('resize', this.follow);
    this.doc.addEventListener('fullscreenchange', this.onFullscreen);
    this.timer = win.setInterval(this.follow, FOLLOW_MS);
    this.place();
  }

  /** Keeps `el` right after the canvas (above it), with the canvas's placement rules. */
  adopt(el: HTMLElement): void {
    this.companions.push(el);
    this.follow();
  }

  /** Re-places the canvas when the video moved, resized or was re-parented; cheap when nothing changed. */
  readonly follow = (): void => {
    if (!this.video.isConnected) return;
    let before: Element = this.video;
    for (const el of [this.canvas, ...this.companions]) {
      if (before.nextElementSibling !== el) {
        this.video.after(this.canvas, ...this.companions); // the site moved things: back right after the video
        break;
      }
      before = el;
    }
    const want = contentBox(this.video);
    const got = this.canvas.getBoundingClientRect();
    if (!near(want.left, got.left) || !near(want.top, got.top) || !near(want.width, got.width) || !near(want.height, got.height) || this.zIndexChanged()) this.place();
  };

  destroy(): void {
    this.ro.disconnect();
    const win = this.doc.defaultView ?? window;
    win.removeEventListener('resize', this.follow);
    win.clearInterval(this.timer);
    this.doc.removeEventListener('fullscreenchange', this.onFullscreen);
    this.canvas.remove();
  }

  private zIndexChanged(): boolean {
    return this.canvas.style.zIndex !== this.zIndex();
  }

  /** The video's z-index when it has one, so the canvas paints right above it and below what the site put above it. */
  private zIndex(): string {
    const cs = getComputedStyle(this.video);
    return cs.position !== 'static' && cs.zIndex !== 'auto' ? cs.zIndex : 'auto';
  }

  private place(): void {
    const fixed = getComputedStyle(this.video).position === 'fixed';
    const z = this.zIndex();
    const box = contentBox(this.video);
    for (const el of [this.canvas, ...this.companions]) {
      el.style.position = fixed ? 'fixed' : 'absolute';
      el.style.zIndex = z;
    }
    const s = this.canvas.style;
    s.width = `${box.width}px`;
    s.height = `${box.height}px`;
    // Whatever the canvas's containing block is (a positioned ancestor, a table cell, the
    // viewport for a fixed video), moving it by the difference of the two rectangles lands it.
    const got = this.canvas.getBoundingClientRect();
    s.left = `${(parseFloat(s.left) || 0) + box.left - got.left}px`;
    s.top = `${(parseFloat(s.top) || 0) + box.top - got.top}px`;
  }

  private readonly onFullscreen = (): void => {
    const bare = this.doc.fullscreenElement === this.video;
    if (bare !== this.bareFullscreen) {
      this.bareFullscreen = bare;
      this.onBareFullscreen(bare);
    }
    this.follow();
  };
}
