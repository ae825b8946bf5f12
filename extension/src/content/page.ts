// The filter in one frame: on for this site or off, the videos found, one Attachment each, the
// shared GPU device, and the frame's report to the service worker (at most every REPORT_MS).

import { VideoUpscaler } from '../lib.js';
import type { ContentMessage, FrameReport } from '../shared/messages.js';
import type { FilterSettings } from '../shared/settings.js';
import { Attachment, type AttachmentContext } from './attachment.js';
import { DevicePool } from './device-pool.js';
import { VideoFinder } from './video-finder.js';

const REPORT_MS = 300;

export class PageController {
  private readonly attachments = new Map<HTMLVideoElement, Attachment>();
  private readonly finder: VideoFinder;
  private readonly pool = new DevicePool();
  private readonly ctx: AttachmentContext;
  private settings: FilterSettings;
  private on = false;
  private reportTimer?: number;
  /** GPU bytes of attachments already gone that their upscalers still counted (a leak if > 0). */
  private leakedBytes = 0;

  constructor(
    private readonly doc: Document,
    settings: FilterSettings,
    modelBaseUrl: string,
  ) {
    this.settings = settings;
    this.ctx = {
      pool: this.pool,
      modelBaseUrl,
      settings: () => this.settings,
      support: VideoUpscaler.isSupported(),
      changed: () => this.scheduleReport(),
    };
    this.finder = new VideoFinder(doc, {
      found: (v) => this.on && this.attachments.set(v, new Attachment(v, this.ctx)),
      lost: (v) => this.detach(v),
      mutated: () => {
        for (const a of this.attachments.values()) a.follow();
      },
      frameAdded: () => {
        if (window === window.top) send({ type: 'cugan:inject-frames' });
      },
    });
  }

  setSiteOn(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    if (on) {
      this.finder.start();
    } else {
      this.finder.stop();
      for (const v of [...this.attachments.keys()]) this.detach(v);
    }
    this.scheduleReport();
  }

  setSettings(s: FilterSettings): void {
    const adaptiveChanged = s.adaptive !== this.settings.adaptive;
    this.settings = s;
    for (const a of this.attachments.values()) void a.applySettings(s, adaptiveChanged);
  }

  private detach(v: HTMLVideoElement): void {
    const a = this.attachments.get(v);
    if (!a) return;
    this.attachments.delete(v);
    a.destroy();
    this.leakedBytes += a.leakedBytes;
    this.scheduleReport();
  }

  private scheduleReport(): void {
    if (this.reportTimer !== undefined) return;
    this.reportTimer = window.setTimeout(() => {
      this.reportTimer = undefined;
      send({ type: 'cugan:report', report: this.report() });
    }, REPORT_MS);
  }

  private report(): FrameReport {
    const list = [...this.attachments.values()];
    return {
      url: location.href,
      siteOn: this.on,
      videos: list.map((a) => a.report()),
      gpuBytes: list.reduce((n, a) => n + a.gpuBytes, this.leakedBytes),
      devices: this.pool.live,
      // Counted in the DOM, not from our own bookkeeping: what the page would see.
      overlays: this.finder.roots.reduce((n, r) => n + r.querySelectorAll('canvas.cugan-canvas, .cugan-captions').length, 0),
    };
  }
}

function send(message: ContentMessage): void {
  try {
    void chrome.runtime.sendMessage(message).catch(() => undefined);
  } catch {
    // The extension was reloaded or removed: this script is orphaned and says nothing.
  }
}
