// Real-CUGAN on a playing <video>: one inference per new video frame, drawn into a WebGPU
// canvas placed over the video. This class holds the states (lifecycle.ts: off, starting,
// running, recovering after a device loss, destroyed) and does what each needs; the parts are
// the per-frame path (frame-loop.ts), the GPU objects of one device (gpu-session.ts), the model
// and executor in use (model-switch.ts), adaptive quality (adaptive.ts), the switch from the
// quick-start kernels to the tuned ones (kernel-upgrade.ts) and the device watch and its retries
// (device-recovery.ts). Failures hide the canvas, so the plain video shows, and are reported as
// `upscale:error`.

import { CuganError } from '../errors.js';
import type { GraphExecutor } from '../gpu/executor.js';
import type { ModelRunner } from '../model-runner.js';
import { checkVideoOptions, type VideoUpscaleOptions } from '../options.js';
import { AdaptiveQuality, type TierAction } from './adaptive.js';
import { retry } from './device-recovery.js';
import { dispatchOn, TypedEventTarget, type UpscaleEventMap, type UpscaleEventSink } from './events.js';
import { FrameLoop } from './frame-loop.js';
import { swapExecutor } from './frame-path.js';
import { GpuSession, webgpuSupport, type Loupe } from './gpu-session.js';
import { KernelUpgrade } from './kernel-upgrade.js';
import { watchLayout } from './layout-watch.js';
import { isOn, transition, type VideoEvent, type VideoState } from './lifecycle.js';
import { ModelSwitch, runsTier } from './model-switch.js';
import { applyReuse } from './reuse-option.js';
import { tierName } from './tiers.js';
import type { UpscaleStats } from './types.js';
import { makeStats } from './video-stats.js';

const asCuganError = (e: unknown, fallback: string): CuganError =>
  e instanceof CuganError ? e : new CuganError('DEVICE_LOST', `${fallback}: ${(e as Error)?.message ?? String(e)}`, { cause: e });

const MEDIA_ERRORS: Record<number, string> = { 1: 'aborted', 2: 'network error', 3: 'decode error', 4: 'source not supported' };

export class VideoUpscaler extends TypedEventTarget<UpscaleEventMap> {
  readonly video: HTMLVideoElement;
  readonly canvas: HTMLCanvasElement;
  private opts: VideoUpscaleOptions;
  private state: VideoState = { kind: 'off' };
  private attempts = 0;
  private starting?: Promise<void>;
  private session?: GpuSession;
  private opening?: Promise<GpuSession>;
  private upgrade?: KernelUpgrade;
  private adapter = '';
  private stopLayout?: () => void;
  private readonly adaptive = new AdaptiveQuality();
  private readonly frames: FrameLoop;
  private readonly models: ModelSwitch;
  private readonly emit: UpscaleEventSink;

  /**
   * `events`: where its events go (default: dispatched on this upscaler). The controllers of
   * attachUpscaler and of the video.js plugin route them to their own targets.
   */
  constructor(video: HTMLVideoElement, canvas: HTMLCanvasElement, options: VideoUpscaleOptions = {}, events?: UpscaleEventSink) {
    super();
    this.video = video;
    this.canvas = canvas;
    this.opts = checkVideoOptions({ ...options });
    this.emit = events ?? dispatchOn(this);
    const context = { video, canvas, adaptive: this.adaptive, options: () => this.opts };
    this.models = new ModelSwitch({
      ...context,
      current: () => this.session,
      progress: (p) => this.emit('upscale:progress', p),
      installed: () => this.upgrade?.request(),
    });
    this.frames = new FrameLoop({
      ...context,
      session: () => this.session,
      running: () => (this.state.kind === 'running' ? this.session : undefined),
      upgrade: () => this.upgrade,
      resize: (session, runner, w, h) => this.resizeTo(session, runner, w, h),
      decided: (action) => this.applyTier(action),
      fail: (error) => this.fail(error),
      destroyed: (session) => this.onDeviceLost(session, 'destroyed', 'device.destroy() was called'),
      windowEnded: (session, window) => {
        const stats = this.stats;
        // Frames dropped while tuned kernels compile in the background say nothing about the setting.
        if (!video.paused && !this.upgrade?.busy) {
          this.applyTier(this.adaptive.window(window.videoFrames, window.dropped, video.videoWidth, video.videoHeight, session.adapter));
        }
        session.reuseCounters.request();
        this.emit('upscale:stats', stats);
      },
    });
    video.addEventListener('error', this.onMediaError);
  }

  /** Whether this browser can run it at all (WebGPU with an adapter). */
  static isSupported(): Promise<{ ok: true } | { ok: false; error: CuganError }> {
    return webgpuSupport();
  }

  /** The viewer's wish: on from enable() until disable() or a failure turns it off. */
  get enabled(): boolean {
    return isOn(this.state);
  }

  /** True while upscaled frames are on screen. */
  get active(): boolean {
    return this.state.kind === 'running';
  }

  get options(): Readonly<VideoUpscaleOptions> {
    return this.opts;
  }

  /** The device in use (undefined before a start and while a lost one is being replaced). */
  get device(): GPUDevice | undefined {
    return this.session?.device;
  }

  /** Current figures; fps values are those of the last full second. */
  get stats(): UpscaleStats {
    return makeStats(this.frames.counters, this.session, this.video, this.adapter, this.opts.adaptive ? tierName(this.adaptive.tier) : undefined);
  }

  /** GPU memory held now, bytes: every buffer and texture created for this upscaler. */
  get gpuBytes(): number {
    return this.session?.bytes ?? 0;
  }

  /** Starts upscaling; rejects (and emits `upscale:error`) when it cannot, leaving the plain video. */
  async enable(): Promise<void> {
    if (this.state.kind === 'destroyed') throw new CuganError('DESTROYED', 'this VideoUpscaler was destroyed');
    const attempt = ++this.attempts;
    if (!this.dispatch({ type: 'enable', attempt })) return this.state.kind === 'starting' ? this.starting : undefined;
    this.starting = (async () => {
      try {
        await this.prepare();
        this.ready(attempt);
      } catch (e) {
        // A newer attempt, a device recovery or disable() took over: not this call's failure.
        if (this.state.kind !== 'starting' || this.state.attempt !== attempt) return;
        const err = asCuganError(e, 'could not start the upscaler');
        this.fail(err);
        throw err;
      }
    })();
    return this.starting;
  }

  disable(): void {
    this.dispatch({ type: 'disable' });
  }

  /** Changes options; a different model is loaded while the current one keeps running. */
  async setOptions(partial: Partial<VideoUpscaleOptions>): Promise<void> {
    const next = checkVideoOptions({ ...this.opts, ...partial });
    if ('model' in partial && partial.model === undefined) delete next.model;
    this.opts = next;
    const runner = this.session?.runner;
    if (runner && next.alpha !== undefined && next.alpha !== runner.alpha) runner.alpha = next.alpha;
    applyReuse(runner?.current, next);
    if (this.state.kind === 'running' && this.session) {
      try {
        await this.ensureModel(this.session);
      } catch (e) {
        this.fail(asCuganError(e, 'could not switch the model'));
        throw e;
      }
    }
  }

  destroy(): void {
    this.dispatch({ type: 'destroy' });
  }

  /**
   * Upscales the frame on screen now (e.g. after seeking a paused video) and resolves once the
   * GPU is done with it. Not needed while playing: every new frame is processed anyway.
   */
  async renderCurrentFrame(): Promise<void> {
    const { frames } = this;
    await frames.opened();
    if (this.state.kind !== 'running') return;
    const before = frames.counters.frames;
    frames.redraw();
    await frames.opened();
    const runner = this.session?.runner;
    if (frames.counters.frames === before && this.state.kind === 'running' && runner) {
      // The size changed and the network is being rebuilt: wait for it, then draw.
      await this.models.prepare(runner, this.video.videoWidth, this.video.videoHeight);
      frames.redraw();
      await frames.opened();
    }
  }

  /**
   * A magnifier: `canvas` shows a part of every upscaled frame (fractions of the frame, set
   * with setRegion), filling the canvas. Needs an enabled upscaler; drawn with each frame, and
   * redrawn at once when the region moves.
   */
  async addLoupe(canvas: HTMLCanvasElement): Promise<Loupe> {
    const session = this.session;
    if (!session || this.state.kind !== 'running') throw new CuganError('BAD_OPTION', 'addLoupe(): enable() the upscaler first');
    // Between frames (a paused video) a moved loupe is presented again without the network.
    return session.addLoupe(canvas, () => this.session === session && this.state.kind === 'running' && this.frames.idle);
  }

  // ---------------------------------------------------------------- states

  /** Applies `event` (lifecycle.ts) and does what the new state needs; false when it did not apply. */
  private dispatch(event: VideoEvent): boolean {
    const t = transition(this.state, event);
    if (!t) return false;
    this.state = t.to;
    switch (t.to.kind) {
      case 'running':
        this.startFrames();
        break;
      case 'recovering':
        void this.recover(t.to.attempt);
        break;
      case 'off':
        this.frames.stop();
        break;
      case 'destroyed':
        this.release();
        break;
    }
    if (t.disabled) this.emit('upscale:disabled', { reason: t.disabled });
    return true;
  }

  /** A start or a recovery has its device and model: run, unless adaptive remembers "off". */
  private ready(attempt: number): void {
    const s = this.state;
    if ((s.kind !== 'starting' && s.kind !== 'recovering') || s.attempt !== attempt) return;
    if (this.opts.adaptive && this.adaptive.off) {
      this.emit('upscale:tier', this.adaptive.rememberedOff());
      this.dispatch({ type: 'adaptive-off' });
      return;
    }
    this.dispatch({ type: 'ready', attempt });
  }

  private fail(error: CuganError): void {
    this.emit('upscale:error', { error });
    this.dispatch({ type: 'fail' });
  }

  /** The device, the presenter and the model the options ask for. */
  private async prepare(): Promise<void> {
    await this.ensureModel(await this.openSession());
  }

  private openSession(): Promise<GpuSession> {
    if (this.session) return Promise.resolve(this.session);
    this.opening ??= GpuSession.open(this.canvas, this.opts, this.onDeviceLost).then(
      (s) => {
        this.opening = undefined;
        if (this.state.kind === 'destroyed') {
          s.release();
          throw new CuganError('DESTROYED', 'this VideoUpscaler was destroyed');
        }
        this.session = s;
        this.adapter = s.adapter;
        this.upgrade = new KernelUpgrade({
          currentRunner: () => (this.session === s ? s.runner : undefined),
          running: () => this.state.kind === 'running',
          exclusive: this.frames.exclusive,
          finish: (ex, sourceScale) => this.models.finish(ex, sourceScale),
          swap: (runner, ex, next) => this.swapped(s, runner, ex, next),
          tuned: (runner, kernels) => this.emit('upscale:tuned', { model: runner.packed.model.id, kernels, kernelsByClass: runner.current?.kernelsByClass ?? {} }),
        });
        return s;
      },
      (e) => {
        this.opening = undefined;
        throw e;
      },
    );
    return this.opening;
  }

  /** Ends the session (its GPU objects are freed; a lost device's are gone anyway). */
  private closeSession(): void {
    const s = this.session;
    this.session = undefined;
    this.upgrade?.end();
    this.upgrade = undefined;
    this.frames.reset();
    s?.release();
  }

  private startFrames(): void {
    this.stopLayout ??= watchLayout([this.canvas, this.video], () => this.relayout());
    this.relayout();
    this.frames.start();
    if (this.state.kind !== 'running') return; // the first frame failed (a tainted source)
    this.emit('upscale:enabled', { model: this.session?.runner?.packed.model.id ?? '' });
    this.upgrade?.request();
  }

  private release(): void {
    this.frames.stop();
    this.stopLayout?.();
    this.video.removeEventListener('error', this.onMediaError);
    this.closeSession();
  }

  // ---------------------------------------------------------------- device loss

  private readonly onDeviceLost = (session: GpuSession, reason: string, message: string): void => {
    if (session !== this.session) return; // an older session's, or ours being released
    const wasOn = isOn(this.state);
    const recoverable = session.owned;
    this.closeSession();
    this.frames.stop();
    if (wasOn) {
      const what = recoverable ? 'recovering' : 'the device was passed in, so upscaling stops';
      this.emit('upscale:error', { error: new CuganError('DEVICE_LOST', `the GPU device was lost (${reason}: ${message}); ${what}`) });
    }
    this.dispatch({ type: 'device-lost', recoverable, attempt: ++this.attempts });
  };

  /** Re-creates the device and the model after a loss, retrying until the GPU is back. */
  private async recover(attempt: number): Promise<void> {
    const current = () => this.state.kind === 'recovering' && this.state.attempt === attempt;
    const ok = await retry(() => this.prepare(), current, () => this.closeSession());
    if (!current()) return;
    if (ok) this.ready(attempt);
    else this.fail(new CuganError('DEVICE_LOST', 'the GPU device was lost and could not be recreated'));
  }

  // ---------------------------------------------------------------- model and size

  /** Switches to the model the options and the display ask for; frames are held meanwhile. */
  private ensureModel(session: GpuSession): Promise<void> {
    // While a model loads the last picture stays: on a slow GPU the new model's buffers and
    // pipelines would otherwise queue behind multi-second frames.
    return this.frames.held(() => this.models.ensure(session));
  }

  /** The source size changed (an hls.js level switch changes it without an event). */
  private resizeTo(session: GpuSession, runner: ModelRunner, w: number, h: number): void {
    this.models.resize(session, runner, w, h).then(
      (ex) => {
        if (!ex) return;
        this.relayout();
        if (this.video.paused) this.frames.redraw();
      },
      (e) => this.fail(asCuganError(e, 'could not prepare the new frame size')),
    );
  }

  private relayout(): void {
    const session = this.session;
    if (!session) return;
    session.presenter.layout(getComputedStyle(this.video).objectFit || 'contain', this.video.videoWidth, this.video.videoHeight);
    if (this.state.kind !== 'running') return;
    if ((this.opts.scale ?? 'auto') === 'auto' && this.opts.model === undefined) {
      void this.ensureModel(session).catch((e) => this.fail(asCuganError(e, 'could not switch the model')));
    }
    if (this.video.paused) this.frames.redraw();
  }

  // ---------------------------------------------------------------- adaptive quality, kernels, the video

  /** Does what adaptive quality (or, without it, the drop watch) decided. */
  private applyTier(a: TierAction): void {
    if (a.kind === 'none') return;
    if (a.kind === 'warn') {
      this.emit('upscale:warning', { message: a.message });
      return;
    }
    this.emit('upscale:tier', a.change);
    if (!a.tier) {
      // Nothing fits: plain video, as if the viewer had turned it off (enable() tries again).
      this.dispatch({ type: 'adaptive-off' });
      return;
    }
    const session = this.session;
    const ex = session?.runner?.current;
    if (session && (a.force || !ex || !runsTier(session.runner!, ex, a.tier))) {
      void this.ensureModel(session).catch((e) => this.fail(asCuganError(e, 'could not switch the adaptive setting')));
    }
  }

  private swapped(session: GpuSession, runner: ModelRunner, ex: GraphExecutor, next: GraphExecutor): void {
    swapExecutor(session, runner, ex, next);
    if (this.video.paused) this.frames.redraw();
  }

  // The video itself failed (a decode or network error): not ours to fix, but the canvas must
  // not keep showing a stale frame over the player's own error state. Upscaling stays on and
  // resumes with the next frame (e.g. when the player loads another source).
  private readonly onMediaError = (): void => {
    const err = this.video.error;
    this.frames.show(false);
    const what = `${MEDIA_ERRORS[err?.code ?? 0] ?? 'unknown error'}${err?.message ? `: ${err.message}` : ''}`;
    this.emit('upscale:error', { error: new CuganError('MEDIA_ERROR', `the video failed (${what}); nothing to upscale until it plays again`) });
  };
}
