// Every <video> of a document: in the light DOM and in open shadow roots (each observed too),
// found at start, when added later (MutationObserver), and again after a single-page site's
// navigation (the Navigation API's navigatesuccess, popstate), when its player may be new.
// Same-origin iframes run their own content script (all frames), so they are not entered here;
// the top frame only says when a new iframe loaded, so the worker can inject into it.

type Root = Document | ShadowRoot;

export interface FinderEvents {
  found(video: HTMLVideoElement): void;
  lost(video: HTMLVideoElement): void;
  /** Nodes were added or removed somewhere (the overlays re-check their place). */
  mutated(): void;
  /** An iframe was added and has loaded. */
  frameAdded(): void;
}

export class VideoFinder {
  private readonly observers = new Map<Root, MutationObserver>();
  private readonly videos = new Set<HTMLVideoElement>();
  /** Every root ever observed (kept after stop(): the report counts our leftovers in them). */
  private readonly seen = new Set<Root>();

  constructor(
    private readonly doc: Document,
    private readonly on: FinderEvents,
  ) {}

  /** The document and every shadow root found, connected or not. */
  get roots(): Root[] {
    return [this.doc, ...[...this.seen].filter((r) => r !== this.doc)];
  }

  start(): void {
    this.observe(this.doc);
    this.scan(this.doc);
    const win = this.doc.defaultView;
    win?.addEventListener('popstate', this.rescan);
    (win as { navigation?: EventTarget } | null)?.navigation?.addEventListener('navigatesuccess', this.rescan);
  }

  stop(): void {
    for (const o of this.observers.values()) o.disconnect();
    this.observers.clear();
    this.videos.clear();
    const win = this.doc.defaultView;
    win?.removeEventListener('popstate', this.rescan);
    (win as { navigation?: EventTarget } | null)?.navigation?.removeEventListener('navigatesuccess', this.rescan);
  }

  private readonly rescan = (): void => {
    this.dropDisconnected();
    for (const root of [...this.observers.keys()]) this.scan(root);
  };

  private observe(root: Root): void {
    if (this.observers.has(root)) return;
    const o = new MutationObserver(this.onMutations);
    o.observe(root, { childList: true, subtree: true });
    this.observers.set(root, o);
    this.seen.add(root);
  }

  /** Finds videos and open shadow roots in `node` and below. */
  private scan(node: ParentNode): void {
    if (node instanceof HTMLVideoElement) this.add(node);
    for (const v of Array.from(node.querySelectorAll('video'))) this.add(v);
    const hosts = node instanceof Element && node.shadowRoot ? [node] : [];
    for (const el of Array.from(node.querySelectorAll('*'))) if (el.shadowRoot) hosts.push(el);
    for (const host of hosts) {
      const root = host.shadowRoot!;
      if (this.observers.has(root)) continue;
      this.observe(root);
      this.scan(root);
    }
  }

  private add(v: HTMLVideoElement): void {
    if (this.videos.has(v)) return;
    this.videos.add(v);
    this.on.found(v);
  }

  private dropDisconnected(): void {
    for (const v of this.videos) {
      if (v.isConnected) continue;
      this.videos.delete(v);
      this.on.lost(v);
    }
    for (const [root, o] of this.observers) {
      if (root !== this.doc && !(root as ShadowRoot).host.isConnected) {
        o.disconnect();
        this.observers.delete(root);
      }
    }
  }

  private readonly onMutations = (records: MutationRecord[]): void => {
    let removed = false;
    for (const r of records) {
      if (r.removedNodes.length) removed = true;
      for (const n of Array.from(r.addedNodes)) {
        if (!(n instanceof Element)) continue;
        this.scan(n);
        const frames = n instanceof HTMLIFrameElement ? [n] : Array.from(n.querySelectorAll('iframe'));
        for (const f of frames) f.addEventListener('load', () => this.on.frameAdded(), { once: true });
      }
    }
    if (removed) this.dropDisconnected();
    this.on.mutated();
  };
}
