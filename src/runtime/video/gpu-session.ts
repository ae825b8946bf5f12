// What a VideoUpscaler holds on one device: the device (requested, or the page's), the canvas
// presenter, the stage timer, the model runner, the loupes, and the watch that notices the
// device's loss. A lost device ends its session; the recovery opens a new one.

import { CuganError } from '../errors.js';
import { requestDevice } from '../gpu/device.js';
import type { ModelRunner } from '../model-runner.js';
import { DeviceWatch } from './device-recovery.js';
import { Presenter, type ContentRect } from './presenter.js';
import { StageTimer } from './stage-timer.js';

/** Whether a session can open here at all: WebGPU with an adapter. */
export async function webgpuSupport(): Promise<{ ok: true } | { ok: false; error: CuganError }> {
  try {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) throw new CuganError('NO_WEBGPU', 'this browser has no WebGPU (navigator.gpu is missing)');
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new CuganError('NO_WEBGPU', 'WebGPU is present but no GPU adapter is available');
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof CuganError ? e : new CuganError('NO_WEBGPU', String(e), { cause: e }) };
  }
}

export interface SessionOptions {
  /** The page's device (not destroyed with the session, not re-created after a loss). */
  device?: GPUDevice;
  /** Per-stage GPU times (adapters with timestamp-query). */
  timing?: boolean;
}

/** A magnifier view: a part of each upscaled frame (fractions of the frame), filling its canvas. */
export interface Loupe {
  setRegion(r: ContentRect): void;
  remove(): void;
}

export type LostHandler = (session: GpuSession, reason: string, message: string) => void;

export class GpuSession {
  readonly device: GPUDevice;
  /** The device was requested here: re-created after a loss, destroyed with the session. */
  readonly owned: boolean;
  readonly adapter: string;
  readonly presenter: Presenter;
  readonly timer?: StageTimer;
  runner?: ModelRunner;
  /** Magnifier views: more canvases drawing a part of each upscaled frame. */
  readonly loupes = new Set<Presenter>();
  readonly watch: DeviceWatch;

  static async open(canvas: HTMLCanvasElement, o: SessionOptions, onLost: LostHandler): Promise<GpuSession> {
    const device = o.device ?? (await requestDevice());
    try {
      const presenter = new Presenter(device, canvas);
      await presenter.init();
      const timer = o.timing && StageTimer.supported(device) ? new StageTimer(device) : undefined;
      return new GpuSession(device, !o.device, presenter, timer, onLost);
    } catch (e) {
      if (!o.device) device.destroy();
      throw e;
    }
  }

  private constructor(device: GPUDevice, owned: boolean, presenter: Presenter, timer: StageTimer | undefined, onLost: LostHandler) {
    this.device = device;
    this.owned = owned;
    this.presenter = presenter;
    this.timer = timer;
    const info = device.adapterInfo;
    this.adapter = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
    this.watch = new DeviceWatch(device, (reason, message) => onLost(this, reason, message));
  }

  /** GPU memory held, bytes: every buffer and texture of the runner, the presenters, the timer and the watch. */
  get bytes(): number {
    let bytes = (this.runner?.bytes ?? 0) + this.presenter.bytes + (this.timer?.bytes ?? 0) + this.watch.bytes;
    for (const l of this.loupes) bytes += l.bytes;
    return bytes;
  }

  /** A loupe drawn with every frame; `mayRedraw`: whether moving it may present it again at once. */
  async addLoupe(canvas: HTMLCanvasElement, mayRedraw: () => boolean): Promise<Loupe> {
    const p = new Presenter(this.device, canvas);
    await p.init();
    const out = this.runner?.current?.output;
    if (out) p.setSource(out);
    p.layout('fill', 1, 1);
    this.loupes.add(p);
    return {
      setRegion: (r) => {
        p.layout('fill', 1, 1);
        p.setRegion(r);
        if (mayRedraw()) this.presentLoupes();
      },
      remove: () => {
        if (this.loupes.delete(p)) p.destroy();
      },
    };
  }

  /** Presents the loupes again without the network (between frames). */
  private presentLoupes(): void {
    const encoder = this.device.createCommandEncoder({ label: 'loupes' });
    for (const l of this.loupes) l.encode(encoder);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Frees every GPU object of the session (and the device, when it was requested here). */
  release(): void {
    this.runner?.destroy();
    this.runner = undefined;
    this.presenter.destroy();
    this.timer?.destroy();
    for (const l of this.loupes) l.destroy();
    this.loupes.clear();
    this.watch.dispose();
    if (this.owned) this.device.destroy();
  }
}
