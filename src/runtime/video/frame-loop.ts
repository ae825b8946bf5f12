// The per-frame path while upscaling: a callback per new video frame (FrameScheduler), the frame
// gate (one frame on the GPU at a time, none while frames are held), the per-frame work
// (frame-path.ts), and the counters behind the stats. It never waits on the GPU: a frame is
// submitted, and its completion is noticed when the queue reports it.

import { CuganError } from '../errors.js';
import type { Exclusive } from '../gpu/autotune.js';
import type { GraphExecutor } from '../gpu/executor.js';
import type { ModelRunner } from '../model-runner.js';
import type { TierAction } from './adaptive.js';
import { FrameGate } from './frame-gate.js';
import { importFrame, submitFrame } from './frame-path.js';
import { FrameScheduler } from './frame-scheduler.js';
import type { GpuSession } from './gpu-session.js';
import type { KernelUpgrade } from './kernel-upgrade.js';
import { runsTier, type VideoContext } from './model-switch.js';
import { reuseGateThreshold } from './reuse-option.js';
import { graphSide, sourceScaleOf } from './tiers.js';
import { FrameCounters, type StatsWindow } from './video-stats.js';

/** What the frame loop needs from the upscaler. */
export interface FrameHost extends VideoContext {
  /** The GPU session in use (frames of another one are stale). */
  session(): GpuSession | undefined;
  /** The session frames run in; undefined unless upscaling is running. */
  running(): GpuSession | undefined;
  upgrade(): KernelUpgrade | undefined;
  /** The executor does not fit the frame (its size or tier changed): rebuild it. */
  resize(session: GpuSession, runner: ModelRunner, w: number, h: number): void;
  /** Adaptive quality (or the drop watch) decided something. */
  decided(action: TierAction): void;
  fail(error: CuganError): void;
  /** destroy() was called on the session's device. */
  destroyed(session: GpuSession): void;
  /** A one-second stats window ended. */
  windowEnded(session: GpuSession, window: StatsWindow): void;
}

export class FrameLoop {
  readonly counters = new FrameCounters();
  private readonly host: FrameHost;
  private readonly gate = new FrameGate();
  private readonly scheduler: FrameScheduler;
  private visible?: boolean;

  constructor(host: FrameHost) {
    this.host = host;
    this.scheduler = new FrameScheduler(host.video, this.onVideoFrame);
    this.show(false);
  }

  /** No frame in flight and none held: loupes may be presented again at once. */
  get idle(): boolean {
    return this.gate.open;
  }

  start(): void {
    this.counters.startWindow(performance.now());
    this.scheduler.start();
    // A paused (or not yet playing) video still shows its current frame upscaled.
    if (this.host.video.readyState >= 2) this.redraw();
  }

  /** No more frames; the plain video shows. */
  stop(): void {
    this.scheduler.stop();
    this.show(false);
  }

  /** The session ended: its frame in flight will never be reported. */
  reset(): void {
    this.gate.reset();
  }

  /** Draws the current frame now, or once the gate opens (a paused video gets no next frame). */
  redraw(): void {
    if (this.gate.admit()) this.processFrame();
  }

  /** Runs `work` with frames held (the last picture stays), then draws the current frame if paused. */
  async held<T>(work: () => Promise<T>): Promise<T> {
    this.gate.hold();
    try {
      return await work();
    } finally {
      this.gate.release();
      if (this.host.video.paused) this.redraw();
    }
  }

  /** For the autotune: its timed dispatches run alone on the queue, frames held. */
  readonly exclusive: Exclusive = async (measure) => {
    this.gate.hold();
    try {
      await this.gate.idle();
      return await measure();
    } finally {
      if (this.gate.release() && this.host.video.paused) this.processFrame();
    }
  };

  /** Resolves once no frame is in flight and none is held. */
  opened(): Promise<void> {
    return this.gate.opened();
  }

  show(on: boolean): void {
    if (this.visible === on) return;
    this.visible = on;
    this.host.canvas.style.visibility = on ? 'visible' : 'hidden';
  }

  private readonly onVideoFrame = (): void => {
    const session = this.host.running();
    if (session?.watch.destroyed) {
      this.host.destroyed(session);
      return;
    }
    this.counters.videoFrame();
    if (this.gate.admit()) this.processFrame();
    else this.counters.drop();
  };

  private processFrame(): void {
    const { host } = this;
    const { video, adaptive } = host;
    const session = host.running();
    const runner = session?.runner;
    if (!session || !runner) return;
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (!w || !h || video.error) return; // a failed video: keep the plain one showing
    if (adaptive.awaitingSize) {
      host.decided(adaptive.sizeKnown(w, h, session.adapter));
      if (host.running() !== session) return;
    }
    const ex = runner.current;
    const tier = adaptive.tier;
    if (!ex || ex.graph.width !== graphSide(tier, w) || ex.graph.height !== graphSide(tier, h) || ex.sourceScale !== sourceScaleOf(tier)) {
      host.resize(session, runner, w, h);
      return;
    }
    let pack;
    try {
      pack = importFrame(session.device, ex, video);
    } catch (e) {
      if (!(e instanceof CuganError)) throw e;
      host.fail(e);
      return;
    }
    if (!pack) return;
    // The adaptive probe times whole network runs (no frame reuse while it does), then, if
    // needed, frames with reuse; only frames of the setting being probed count.
    const probing = adaptive.probing && !!tier;
    const probed = probing && runsTier(runner, ex, tier!);
    ex.reuseEnabled = reuseGateThreshold(host.options()) !== undefined && !(probing && adaptive.timingWholeFrames);
    submitFrame(session, ex, pack);
    this.gate.submitted();
    this.show(true);
    const t0 = performance.now();
    session.device.queue.onSubmittedWorkDone().then(() => this.frameDone(session, ex, t0, probed));
  }

  private frameDone(session: GpuSession, ex: GraphExecutor, t0: number, probed: boolean): void {
    const { host } = this;
    if (session !== host.session()) return;
    const missed = this.gate.done();
    const ms = performance.now() - t0;
    this.counters.shown(ms);
    host.upgrade()?.frameShown(ex);
    if (session !== host.running()) return;
    const { video, adaptive } = host;
    if (probed && adaptive.probing) {
      host.decided(adaptive.frameTime(ms, this.counters.sourceFps(video), video.videoWidth, video.videoHeight, session.adapter));
    }
    const window = this.counters.endWindow(performance.now(), video);
    if (window) host.windowEnded(session, window);
    // A frame skipped while busy matters when the video is paused (a seek): show it now.
    if (missed && video.paused) this.processFrame();
  }
}
