// Real-CUGAN on a playing <video>: one inference per new video frame, drawn into a WebGPU
// canvas placed over the video. The per-frame path imports the frame, records the network and
// the present pass into one command buffer and submits; it allocates no buffers, compiles
// nothing, reads nothing back and never waits on the GPU (a frame that arrives while the GPU is
// still busy is dropped and counted). Failures hide the canvas so the plain video shows, and
// emit `error`; a lost device is recreated automatically. A start runs on the kernels that
// compile fastest and switches to the ones tuned for the adapter once those are compiled.

import { CuganError } from '../errors.js';
import { requestDevice } from '../gpu/device.js';
import type { Exclusive } from '../gpu/autotune.js';
import type { GraphExecutor, PackPasses } from '../gpu/executor.js';
import type { Scale } from '../model/architecture.js';
import { loadModel } from '../model/load.js';
import type { PackedModel } from '../model/packed-format.js';
import { checkAlpha, ModelRunner } from '../model-runner.js';
import { checkPrecision, resolvePrecision } from '../gpu/tensor-format.js';
import { FrameScheduler } from './frame-scheduler.js';
import { isTainted } from './origin.js';
import { autoScale, checkScale, chooseModel } from './model-choice.js';
import { Presenter, type ContentRect } from './presenter.js';
import { StageTimer } from './stage-timer.js';
import { localTierCache, TierPolicy, tierCacheKey, tierLadder, tierName, type TierDecision } from './tiers.js';
import type { UpscaleStats, VideoUpscaleOptions } from './types.js';

const RECOVERY_DELAY_MS = 250;
const RECOVERY_ATTEMPTS = 40;

const asCuganError = (e: unknown, fallback: string): CuganError =>
  e instanceof CuganError ? e : new CuganError('DEVICE_LOST', `${fallback}: ${(e as Error)?.message ?? String(e)}`, { cause: e });

export class VideoUpscaler extends EventTarget {
  readonly video: HTMLVideoElement;
  readonly canvas: HTMLCanvasElement;
  private opts: VideoUpscaleOptions;
  private device?: GPUDevice;
  private ownsDevice = false;
  private runner?: ModelRunner;
  private presenter?: Presenter;
  private timer?: StageTimer;
  /** Magnifier views: more canvases drawing a part of each upscaled frame. */
  private readonly loupes = new Set<Presenter>();
  private readonly scheduler: FrameScheduler;
  private readonly models = new Map<string, Promise<PackedModel>>();
  private wanted = false; // the user's choice
  private running = false; // frames are being upscaled now
  private busy = false;
  private pendingFrame = false;
  private destroyed = false;
  private generation = 0; // bumps on device loss / model switch, so stale async work is ignored
  private resizeObserver?: ResizeObserver;
  // stats
  private counters = { frames: 0, dropped: 0, shownInWindow: 0, videoInWindow: 0, gpuMs: 0, windowStart: 0 };
  private lastStats?: UpscaleStats;
  /** Adaptive quality (opts.adaptive) or, without it, the drop watch that only warns. */
  private policy?: TierPolicy;
  private droppedAtWindow = 0;
  private readonly tierCache = localTierCache();
  private adapterName = '';

  constructor(video: HTMLVideoElement, canvas: HTMLCanvasElement, options: VideoUpscaleOptions = {}) {
    super();
    this.video = video;
    this.canvas = canvas;
    this.opts = VideoUpscaler.checkOptions({ ...options });
    this.scheduler = new FrameScheduler(video, this.onVideoFrame);
    this.setVisible(false);
    video.addEventListener('error', this.onMediaError);
  }

  // The video itself failed (a decode or network error): not ours to fix, but the canvas must
  // not keep showing a stale frame over the player's own error state. Upscaling stays on and
  // resumes with the next frame (e.g. when the player loads another source).
  private readonly onMediaError = (): void => {
    if (this.destroyed) return;
    const err = this.video.error;
    const kinds: Record<number, string> = { 1: 'aborted', 2: 'network error', 3: 'decode error', 4: 'source not supported' };
    this.setVisible(false);
    this.emit('error', {
      error: new CuganError('MEDIA_ERROR', `the video failed (${kinds[err?.code ?? 0] ?? 'unknown error'}${err?.message ? `: ${err.message}` : ''}); nothing to upscale until it plays again`),
    });
  };

  /** Whether this browser can run it at all (WebGPU with an adapter). */
  static async isSupported(): Promise<{ ok: true } | { ok: false; error: CuganError }> {
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

  get enabled(): boolean {
    return this.wanted;
  }

  /** True while upscaled frames are on screen. */
  get active(): boolean {
    return this.running;
  }

  get options(): Readonly<VideoUpscaleOptions> {
    return this.opts;
  }

  /** Current figures; fps values are those of the last full second. */
  get stats(): UpscaleStats {
    return this.makeStats(this.lastStats?.fps ?? 0, this.lastStats?.videoFps ?? 0);
  }

  /** Starts upscaling; rejects (and emits `error`) when it cannot, leaving the plain video. */
  async enable(): Promise<void> {
    if (this.destroyed) throw new CuganError('DESTROYED', 'this VideoUpscaler was destroyed');
    this.wanted = true;
    try {
      await this.start();
      // disable() may have come while starting: then stay quiet.
      if (this.wanted && this.running) {
        this.emit('enabled', { model: this.runner!.packed.model.id });
        this.upgrade();
      }
    } catch (e) {
      const err = asCuganError(e, 'could not start the upscaler');
      this.fail(err, true);
      throw err;
    }
  }

  /**
   * Upscales the frame on screen now (e.g. after seeking a paused video) and resolves once the
   * GPU is done with it. Not needed while playing: every new frame is processed anyway.
   */
  async renderCurrentFrame(): Promise<void> {
    while (this.busy) await this.device!.queue.onSubmittedWorkDone();
    if (!this.running) return;
    const before = this.counters.frames;
    this.processFrame();
    while (this.busy) await this.device!.queue.onSubmittedWorkDone();
    if (this.counters.frames === before && this.running) {
      // The size changed and the network is being rebuilt: wait for it, then draw.
      const w = this.video.videoWidth;
      const h = this.video.videoHeight;
      if (this.runner) await this.prepareRunner(this.runner, w, h);
      this.processFrame();
      while (this.busy) await this.device!.queue.onSubmittedWorkDone();
    }
  }

  /**
   * A magnifier: `canvas` shows a part of every upscaled frame (fractions of the frame, set
   * with setRegion), filling the canvas. Needs an enabled upscaler; drawn with each frame, and
   * redrawn at once when the region moves.
   */
  async addLoupe(canvas: HTMLCanvasElement): Promise<{ setRegion(r: ContentRect): void; remove(): void }> {
    if (!this.device || !this.running) throw new CuganError('BAD_OPTION', 'addLoupe(): enable() the upscaler first');
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
        this.redrawLoupes();
      },
      remove: () => {
        if (this.loupes.delete(p)) p.destroy();
      },
    };
  }

  // Between frames (a paused video, a moving loupe): present again without the network.
  private redrawLoupes(): void {
    const device = this.device;
    if (!device || this.busy || !this.running || this.loupes.size === 0) return;
    const encoder = device.createCommandEncoder({ label: 'loupes' });
    for (const l of this.loupes) l.encode(encoder);
    device.queue.submit([encoder.finish()]);
  }

  disable(): void {
    if (!this.wanted && !this.running) return;
    this.wanted = false;
    this.stop();
    this.emit('disabled', { reason: 'user' });
  }

  /** Changes options; a different model is loaded while the current one keeps running. */
  async setOptions(partial: Partial<VideoUpscaleOptions>): Promise<void> {
    const next = VideoUpscaler.checkOptions({ ...this.opts, ...partial });
    if ('model' in partial && partial.model === undefined) delete next.model;
    this.opts = next;
    if (this.runner && next.alpha !== undefined && next.alpha !== this.runner.alpha) this.runner.alpha = next.alpha;
    if (this.runner?.current) this.runner.current.reuseEnabled = next.reuseFrames !== false;
    if (this.running) {
      try {
        await this.ensureModel();
      } catch (e) {
        this.fail(asCuganError(e, 'could not switch the model'), true);
        throw e;
      }
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.stop();
    this.destroyed = true;
    this.wanted = false;
    this.generation++;
    this.wakeFrameWaiters(); // an upgrade waiting for a frame ends
    this.resizeObserver?.disconnect();
    this.video.removeEventListener('error', this.onMediaError);
    this.dprQuery?.removeEventListener('change', this.onPixelRatio);
    this.runner?.destroy();
    this.presenter?.destroy();
    this.timer?.destroy();
    for (const l of this.loupes) l.destroy();
    this.loupes.clear();
    if (this.ownsDevice) this.device?.destroy();
    this.runner = undefined;
    this.presenter = undefined;
  }

  private static checkOptions(o: VideoUpscaleOptions): VideoUpscaleOptions {
    if (o.scale !== undefined) checkScale(o.scale);
    if (o.alpha !== undefined) checkAlpha(o.alpha);
    if (o.precision !== undefined) checkPrecision(o.precision);
    for (const key of ['pro', 'timing', 'enabled', 'reuseFrames', 'adaptive'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new CuganError('BAD_OPTION', `${key} must be a boolean, got ${String(o[key])}`);
    }
    for (const key of ['model', 'modelBaseUrl'] as const) {
      if (o[key] !== undefined && (typeof o[key] !== 'string' || !o[key])) throw new CuganError('BAD_OPTION', `${key} must be a non-empty string, got ${String(o[key])}`);
    }
    if (o.modelTimeoutMs !== undefined && !(typeof o.modelTimeoutMs === 'number' && o.modelTimeoutMs > 0)) {
      throw new CuganError('BAD_OPTION', `modelTimeoutMs must be a positive number of milliseconds, got ${String(o.modelTimeoutMs)}`);
    }
    if (o.modelDType !== undefined && o.modelDType !== 'f32' && o.modelDType !== 'f16') {
      throw new CuganError('BAD_OPTION', `modelDType must be 'f32' or 'f16', got ${String(o.modelDType)}`);
    }
    if (o.device !== undefined && (typeof o.device !== 'object' || typeof (o.device as GPUDevice)?.createBuffer !== 'function')) {
      throw new CuganError('BAD_OPTION', `device must be a GPUDevice, got ${String(o.device)}`);
    }
    chooseModel(o, 2); // validates model / denoise
    return o;
  }

  // ---------------------------------------------------------------- lifecycle

  private async start(): Promise<void> {
    const gen = this.generation;
    if (!this.device) {
      if (this.opts.device) {
        this.device = this.opts.device;
      } else {
        this.device = await requestDevice();
        this.ownsDevice = true;
      }
      const info = this.device.adapterInfo;
      this.adapterName = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
      this.watchDevice(this.device);
    }
    if (!this.presenter) {
      const p = new Presenter(this.device, this.canvas);
      await p.init();
      this.presenter = p;
    }
    if (this.opts.timing && !this.timer && StageTimer.supported(this.device)) this.timer = new StageTimer(this.device);
    await this.ensureModel();
    if (gen !== this.generation || !this.wanted) return;
    if (this.opts.adaptive && this.policy && !this.policy.tier) {
      // Remembered for this adapter and size: nothing keeps up here.
      this.wanted = false;
      this.emit('tier', { tier: 'off', reason: 'remembered: no setting kept up on this adapter at this size' });
      this.emit('disabled', { reason: 'adaptive' });
      return;
    }
    if (!this.resizeObserver && typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => this.relayout());
      this.resizeObserver.observe(this.canvas);
      this.resizeObserver.observe(this.video);
      this.watchPixelRatio();
    }
    this.running = true;
    this.counters.windowStart = performance.now();
    this.relayout();
    this.scheduler.start();
    // A paused (or not yet playing) video still shows its current frame upscaled.
    if (this.video.readyState >= 2) this.processFrame();
  }

  private stop(): void {
    this.running = false;
    this.scheduler.stop();
    this.setVisible(false);
  }

  /** Loads (once) and switches to the model the options and the display ask for. */
  private switching = 0;
  private async ensureModel(): Promise<void> {
    this.switching++;
    try {
      await this.switchModel();
    } finally {
      this.switching--;
    }
    if (this.switching === 0 && this.running && this.video.paused && !this.busy) this.processFrame();
  }

  // While a model loads, frames are skipped (the last one stays on screen): on a slow GPU the
  // new model's buffers and pipelines would otherwise queue behind multi-second frames.
  private async switchModel(): Promise<void> {
    const device = this.device!;
    const requested = chooseModel(this.opts, this.currentScale());
    this.requestedModel = requested;
    const policy = this.policyFor(requested);
    const id = policy.tier?.model ?? requested;
    const precision = resolvePrecision(this.opts.precision ?? 'auto', device);
    const same = (r?: ModelRunner): boolean => r?.packed.model.id === id && r.precision === precision;
    if (this.runner && same(this.runner)) {
      await this.applySourceScale(this.runner);
      return;
    }
    let packed = this.models.get(id);
    if (!packed) {
      packed = loadModel(id, {
        dtype: this.opts.modelDType ?? 'f32',
        baseUrl: this.opts.modelBaseUrl,
        timeoutMs: this.opts.modelTimeoutMs,
        onProgress: (p) => this.emit('progress', p),
      });
      this.models.set(id, packed);
      packed.catch(() => this.models.delete(id));
    }
    const model = await packed;
    if (same(this.runner) || this.destroyed) return;
    const runner = new ModelRunner(device, model, this.opts.alpha ?? 1, {}, precision);
    const w = this.video.videoWidth;
    const h = this.video.videoHeight;
    if (w > 0 && h > 0) await this.prepareRunner(runner, w, h);
    const old = this.runner;
    this.runner = runner;
    if (runner.current) this.presenter?.setSource(runner.current.output);
    old?.destroy();
    if (runner.current) this.upgrade();
  }

  private currentScale(): Scale {
    const s = this.opts.scale ?? 'auto';
    if (s !== 'auto') return s;
    const dpr = globalThis.devicePixelRatio || 1;
    return autoScale(
      { w: this.canvas.clientWidth * dpr || this.video.clientWidth * dpr, h: this.canvas.clientHeight * dpr || this.video.clientHeight * dpr },
      { w: this.video.videoWidth, h: this.video.videoHeight },
    );
  }

  /** The policy for the requested model: adaptive (from the cache, or probing), or a drop watch. */
  private policyFor(requested: string): TierPolicy {
    const w = this.video.videoWidth;
    const h = this.video.videoHeight;
    const adaptive = !!this.opts.adaptive;
    const ladder = adaptive ? tierLadder(requested) : [{ model: requested, inputScale: 1 as const }];
    const base = `${adaptive}|${requested}`;
    const key = `${base}|${w}x${h}`;
    if (this.policy && this.policyKey === key) return this.policy;
    const cached = adaptive && w > 0 && h > 0 ? this.tierCache.get(tierCacheKey(this.adapterName, requested, w, h)) : undefined;
    if (this.policy && (this.policyKey === `${base}|0x0` || !(w > 0 && h > 0)) && this.policyKey.startsWith(`${base}|`)) {
      // The size became known (or is unknown for now): same policy, unless a choice is remembered.
      this.policyKey = key;
      if (cached !== undefined && this.policy.probing) this.policy = new TierPolicy(ladder, cached, false);
      return this.policy;
    }
    this.policyKey = key;
    this.policy = new TierPolicy(ladder, cached ?? 0, adaptive && cached === undefined);
    return this.policy;
  }

  private policyKey = '';
  private requestedModel = '';

  /** Started before the video had a size: look up a remembered choice now that it has one. */
  private refreshPolicy(): void {
    const before = this.policy;
    const index = before?.index;
    const policy = this.policyFor(this.requestedModel);
    if (policy === before && policy.index === index) return;
    if (!policy.tier) {
      this.onTierDecision({ kind: 'settled', index: policy.index, reason: 'remembered: no setting kept up on this adapter at this size' });
    } else {
      this.emit('tier', { tier: tierName(policy.tier), model: policy.tier.model, inputScale: policy.tier.inputScale, reason: 'remembered for this adapter and size' });
      void this.ensureModel().catch((e) => this.fail(asCuganError(e, 'could not switch the adaptive setting'), true));
    }
  }

  /**
   * The source's frame rate (frames per second of media time, from the playback quality
   * counters; 30 until measured): the adaptive budget. What rVFC reports is what the page
   * manages to present, which collapses when the machine is overloaded.
   */
  private sourceFps(): number {
    const q = this.video.getVideoPlaybackQuality?.();
    const t = this.video.currentTime;
    if (q) {
      const s = this.fpsSample;
      if (!s || t < s.time || q.totalVideoFrames < s.frames) {
        this.fpsSample = { frames: q.totalVideoFrames, time: t };
      } else if (t - s.time >= 0.5) {
        const fps = (q.totalVideoFrames - s.frames) / (t - s.time);
        if (fps >= 5 && fps <= 240) this.fpsEstimate = fps;
        this.fpsSample = { frames: q.totalVideoFrames, time: t };
      }
    }
    return this.fpsEstimate || 30;
  }

  private fpsSample?: { frames: number; time: number };
  private fpsEstimate = 0;

  /** Graph size for a source size under the current tier. */
  private graphSize(w: number, h: number): [number, number] {
    return this.policy?.tier?.inputScale === 0.5 ? [Math.max(1, w >> 1), Math.max(1, h >> 1)] : [w, h];
  }

  private async applySourceScale(runner: ModelRunner): Promise<void> {
    const ex = runner.current;
    const [gw] = this.graphSize(this.video.videoWidth, this.video.videoHeight);
    if (ex && ex.graph.width === gw) await ex.setSourceScale(this.policy?.tier?.inputScale === 0.5 ? 2 : 1);
  }

  private async prepareRunner(runner: ModelRunner, sw: number, sh: number): Promise<GraphExecutor> {
    const [w, h] = this.graphSize(sw, sh);
    // The adaptive probe times the kernels it will keep, so it waits for the tuned ones.
    const ex = await runner.prepare(w, h, this.opts.adaptive ? undefined : runner.quickBlock);
    await this.finishExecutor(ex, w === sw && h === sh ? 1 : 2);
    return ex;
  }

  /** What an executor needs before its first frame (made now rather than on a frame). */
  private async finishExecutor(ex: GraphExecutor, sourceScale: 1 | 2): Promise<void> {
    await ex.setSourceScale(sourceScale);
    await ex.packFor(); // the copy fallback's pack pass
    await ex.enableReuse();
    ex.reuseEnabled = this.opts.reuseFrames !== false;
  }

  // ---------------------------------------------------------------- tuned kernels

  /** The runner whose frames run on the tuned kernels (`tuned` was emitted for it). */
  private tunedRunner?: ModelRunner;
  private upgradeState?: { gen: number; again: boolean };

  /**
   * Once an executor is in place: rebuild it with the kernels tuned for this adapter (if
   * it was a quick start on others) in the background, swap it in between two frames, and emit
   * `tuned`. Called again while running, it checks again when the current run ends.
   */
  private upgrade(): void {
    const s = this.upgradeState;
    if (s && s.gen === this.generation) {
      s.again = true;
      return;
    }
    const state = { gen: this.generation, again: true };
    this.upgradeState = state;
    void (async () => {
      try {
        while (state.again && state.gen === this.generation) {
          state.again = false;
          await this.upgradeOnce(state);
        }
      } catch {
        // stays on the quick kernels; a lost device is handled by recover()
      }
      // No await between the last check of `again` and this: a call meanwhile is not lost.
      if (this.upgradeState === state) this.upgradeState = undefined;
    })();
  }

  private async upgradeOnce(state: { gen: number; again: boolean }): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    const block = await runner.tunedBlock(this.exclusive);
    const ex = runner.current;
    const stale = () => state.gen !== this.generation || runner !== this.runner;
    if (!ex || stale()) return;
    if (ex.convBlock !== block) {
      // Compiles queue ahead of frames in Chromium's GPU process (started at once, the first frame
      // after a recovery came 28 s after the loss, not 9 s): let the first frame through first.
      while (this.shownOn !== ex && !stale() && runner.current === ex) await new Promise<void>((r) => this.frameWaiters.push(r));
      if (stale() || runner.current !== ex) {
        state.again = !stale();
        return;
      }
      const next = await runner.build(ex.graph.width, ex.graph.height, block);
      await this.finishExecutor(next, ex.sourceScale);
      if (stale() || runner.current !== ex) {
        // Resized or switched meanwhile: look again at what is current now.
        next.destroy();
        state.again = !stale();
        return;
      }
      this.swapExecutor(runner, ex, next);
    }
    // Said once the filter runs (after `enabled`; not for a start that ends in the tier 'off').
    if (this.tunedRunner !== runner && this.running) {
      this.tunedRunner = runner;
      this.emit('tuned', { model: runner.packed.model.id, kernels: block });
    }
  }

  /** The executor of the last frame shown, and who waits for the next. */
  private shownOn?: GraphExecutor;
  private frameWaiters: Array<() => void> = [];
  private wakeFrameWaiters(): void {
    if (this.frameWaiters.length === 0) return; // every frame calls this: splice would allocate
    for (const wake of this.frameWaiters.splice(0)) wake();
  }

  /** Frames are held while the autotune's timed dispatches run alone on the queue. */
  private holding = 0;
  private readonly exclusive: Exclusive = async (measure) => {
    this.holding++;
    try {
      const device = this.device;
      while (this.busy && device && device === this.device) await device.queue.onSubmittedWorkDone();
      return await measure();
    } finally {
      this.holding--;
      if (this.holding === 0 && this.pendingFrame && this.video.paused) {
        this.pendingFrame = false;
        this.processFrame();
      }
    }
  };

  /**
   * Swaps `next` in for `ex` between two frames. The last upscaled picture is copied over, so
   * the screen (and a paused video) keeps it until the next frame runs on the new kernels.
   */
  private swapExecutor(runner: ModelRunner, ex: GraphExecutor, next: GraphExecutor): void {
    const device = runner.device;
    const encoder = device.createCommandEncoder({ label: 'tuned kernels: keep the picture' });
    encoder.copyTextureToTexture({ texture: ex.output }, { texture: next.output }, [ex.output.width, ex.output.height]);
    device.queue.submit([encoder.finish()]);
    runner.adopt(next);
    if (this.presenter?.source === ex.output) this.presenter.setSource(next.output);
    for (const l of this.loupes) if (l.source === ex.output) l.setSource(next.output);
    if (this.video.paused && !this.busy) this.processFrame();
  }

  // devicePixelRatio changes (zoom, moving to another screen) resize nothing in CSS pixels, so
  // ResizeObserver misses them: a media query on the current ratio fires once when it changes.
  private dprQuery?: MediaQueryList;
  private watchPixelRatio(): void {
    if (typeof matchMedia === 'undefined') return;
    this.dprQuery?.removeEventListener('change', this.onPixelRatio);
    this.dprQuery = matchMedia(`(resolution: ${globalThis.devicePixelRatio || 1}dppx)`);
    this.dprQuery.addEventListener('change', this.onPixelRatio);
  }

  private readonly onPixelRatio = (): void => {
    this.watchPixelRatio();
    this.relayout();
  };

  private relayout(): void {
    if (!this.presenter) return;
    const fit = getComputedStyle(this.video).objectFit || 'contain';
    this.presenter.layout(fit, this.video.videoWidth, this.video.videoHeight);
    if (this.running && (this.opts.scale ?? 'auto') === 'auto' && this.opts.model === undefined) {
      void this.ensureModel().catch((e) => this.fail(asCuganError(e, 'could not switch the model'), true));
    }
    if (this.running && this.video.paused && !this.busy) this.processFrame();
  }

  // ---------------------------------------------------------------- per frame

  private readonly onVideoFrame = (): void => {
    this.counters.videoInWindow++;
    if (this.busy || this.switching > 0 || this.holding > 0) {
      this.counters.dropped++;
      this.pendingFrame = true;
      return;
    }
    this.processFrame();
  };

  private processFrame(): void {
    const runner = this.runner;
    const device = this.device;
    const presenter = this.presenter;
    if (!this.running || !runner || !device || !presenter) return;
    if (this.holding > 0) {
      this.pendingFrame = true;
      return;
    }
    const w = this.video.videoWidth;
    const h = this.video.videoHeight;
    if (!w || !h || this.video.error) return; // a failed video: keep the plain one showing
    if (this.opts.adaptive && this.policyKey.endsWith('|0x0')) {
      this.refreshPolicy();
      if (!this.running) return;
    }
    const ex = runner.current;
    const [gw, gh] = this.graphSize(w, h);
    // The size can change without any event (an hls.js level switch): rebuild, keep showing the
    // last frame meanwhile, and pick up the next frame once ready.
    if (!ex || ex.graph.width !== gw || ex.graph.height !== gh || ex.sourceScale !== (gw === w && gh === h ? 1 : 2)) {
      this.resizeTo(runner, w, h);
      return;
    }
    if (isTainted(this.video)) {
      this.fail(new CuganError('TAINTED_SOURCE', 'the video is cross-origin without CORS (no crossorigin attribute), so its frames may not be read; playing it without upscaling'), true);
      return;
    }
    let pack: PackPasses;
    try {
      pack = ex.packExternal(device.importExternalTexture({ source: this.video }));
    } catch (e) {
      if ((e as Error)?.name === 'SecurityError') {
        this.fail(new CuganError('TAINTED_SOURCE', 'the video is cross-origin without CORS headers, so its frames cannot be read; playing it without upscaling', { cause: e }), true);
        return;
      }
      // Import refused (e.g. no frame yet in some browsers): copy instead (full-size tiers only).
      if (ex.sourceScale !== 1) return;
      try {
        device.queue.copyExternalImageToTexture({ source: this.video }, { texture: ex.input }, [w, h]);
      } catch (e2) {
        if ((e2 as Error)?.name === 'SecurityError') {
          this.fail(new CuganError('TAINTED_SOURCE', 'the video is cross-origin without CORS headers; playing it without upscaling', { cause: e2 }), true);
        }
        return;
      }
      pack = ex.cachedPack()!;
    }
    if (presenter.source !== ex.output) presenter.setSource(ex.output);
    // The adaptive probe times real network runs: no frame reuse while it runs, and only
    // frames of the setting being probed count.
    const tier = this.policy?.probing ? this.policy.tier : undefined;
    const probed = !!tier && tier.model === runner.packed.model.id && ex.sourceScale === (tier.inputScale === 0.5 ? 2 : 1);
    ex.reuseEnabled = this.opts.reuseFrames !== false && !tier;
    const encoder = device.createCommandEncoder({ label: 'frame' });
    const timer = this.timer;
    let slot = -1;
    if (timer) {
      ex.encodeTimed(encoder, pack, timer.querySet);
      presenter.encode(encoder, timer.presentWrites);
      slot = timer.resolve(encoder, ex.reuseEnabled ? ex.reuseState : undefined, ex.regionTiles);
    } else {
      const pass = encoder.beginComputePass({ label: 'Real-CUGAN' });
      ex.encode(pass, pack);
      pass.end();
      presenter.encode(encoder);
    }
    for (const l of this.loupes) {
      if (l.source !== ex.output) l.setSource(ex.output);
      l.encode(encoder);
    }
    device.queue.submit([encoder.finish()]);
    timer?.collect(slot);
    this.busy = true;
    this.setVisible(true);
    const t0 = performance.now();
    const gen = this.generation;
    device.queue.onSubmittedWorkDone().then(() => {
      if (gen !== this.generation) return;
      this.busy = false;
      this.counters.gpuMs = performance.now() - t0;
      this.counters.frames++;
      this.shownOn = ex;
      this.wakeFrameWaiters();
      if (probed && this.policy?.probing) this.onTierDecision(this.policy.frameTime(this.counters.gpuMs, this.sourceFps()));
      this.counters.shownInWindow++;
      this.maybeEmitStats();
      // A frame skipped while busy matters when the video is paused (seek): show it now.
      if (this.pendingFrame && this.video.paused) {
        this.pendingFrame = false;
        this.processFrame();
      }
    });
  }

  private resizing = false;
  private resizeTo(runner: ModelRunner, w: number, h: number): void {
    if (this.resizing) return;
    this.resizing = true;
    const gen = this.generation;
    this.prepareRunner(runner, w, h)
      .then((ex) => {
        if (gen !== this.generation || runner !== this.runner) return;
        this.presenter?.setSource(ex.output);
        this.relayout();
        this.upgrade();
        if (this.video.paused) this.processFrame();
      })
      .catch((e) => this.fail(asCuganError(e, 'could not prepare the new frame size'), true))
      .finally(() => {
        this.resizing = false;
      });
  }

  private maybeEmitStats(): void {
    const now = performance.now();
    const dt = now - this.counters.windowStart;
    if (dt < 1000) return;
    const stats = this.makeStats((this.counters.shownInWindow * 1000) / dt, (this.counters.videoInWindow * 1000) / dt);
    this.sourceFps();
    const droppedNow = this.counters.dropped - this.droppedAtWindow;
    this.droppedAtWindow = this.counters.dropped;
    // Frames dropped while tuned kernels compile in the background say nothing about the setting.
    if (this.policy && !this.video.paused && this.upgradeState?.gen !== this.generation) this.onTierDecision(this.policy.window(this.counters.videoInWindow, droppedNow));
    this.counters.shownInWindow = 0;
    this.counters.videoInWindow = 0;
    this.counters.windowStart = now;
    this.lastStats = stats;
    this.emit('stats', stats);
  }

  /** GPU memory held now, bytes: the model runner's, the presenters' and the timer's buffers. */
  get gpuBytes(): number {
    let bytes = (this.runner?.bytes ?? 0) + (this.presenter?.bytes ?? 0) + (this.timer?.bytes ?? 0);
    for (const l of this.loupes) bytes += l.bytes;
    return bytes;
  }

  private makeStats(fps: number, videoFps: number): UpscaleStats {
    const g = this.runner?.current?.graph;
    return {
      fps,
      videoFps,
      dropped: this.counters.dropped,
      frames: this.counters.frames,
      gpuMs: this.counters.gpuMs,
      sourceWidth: g?.width ?? this.video.videoWidth,
      sourceHeight: g?.height ?? this.video.videoHeight,
      outputWidth: g?.outWidth ?? 0,
      outputHeight: g?.outHeight ?? 0,
      model: this.runner?.packed.model.id ?? '',
      precision: this.runner?.precision ?? 'f32',
      kernels: this.runner?.current?.convBlock ?? this.runner?.quickBlock ?? 'compact',
      ...(this.opts.adaptive ? { tier: tierName(this.policy?.tier) } : {}),
      adapter: this.adapterName,
      gpuBytes: this.gpuBytes,
      tiles: this.runner?.current?.tiles.length ?? 0,
      ...(this.timer?.last ? { stages: { ...this.timer.last }, stagesRun: this.timer.lastRun } : {}),
      ...(this.timer?.lastWhole ? { wholeStages: { ...this.timer.lastWhole } } : {}),
      ...(this.timer?.timedFrames ? { gpuMsPerFrame: this.timer.totalMs / this.timer.timedFrames, timedFrames: this.timer.timedFrames } : {}),
      ...(this.timer?.reuse ? { reuse: { ...this.timer.reuse } } : {}),
    };
  }

  /** Applies what the adaptive policy (or, without `adaptive`, the drop watch) decided. */
  private onTierDecision(d: TierDecision): void {
    const policy = this.policy;
    if (d.kind === 'keep' || !policy) return;
    if (!this.opts.adaptive) {
      // The viewer's explicit choice is never lowered: say once what would help.
      policy.index = 0;
      policy.reset();
      if (policy.warned) return;
      policy.warned = true;
      this.emit('warning', { message: `${d.reason}; a lighter model, or adaptive: true, would keep up` });
      return;
    }
    const tier = policy.tier;
    if (d.kind === 'settled') {
      const w = this.video.videoWidth;
      const h = this.video.videoHeight;
      this.tierCache.set(tierCacheKey(this.adapterName, policy.ladder[0]!.model, w, h), policy.index);
    }
    this.emit('tier', { tier: tierName(tier), ...(tier ? { model: tier.model, inputScale: tier.inputScale } : {}), reason: d.reason });
    policy.reset();
    if (!tier) {
      // Nothing fits: plain video, as if the viewer had turned it off (enable() tries again).
      this.stop();
      this.wanted = false;
      this.emit('disabled', { reason: 'adaptive' });
      return;
    }
    if (d.kind === 'switch' || tier.model !== this.runner?.packed.model.id || this.runner?.current?.sourceScale !== (tier.inputScale === 0.5 ? 2 : 1)) {
      void this.ensureModel().catch((e) => this.fail(asCuganError(e, 'could not switch the adaptive setting'), true));
    }
  }

  // ---------------------------------------------------------------- failures

  private fail(error: CuganError, disable: boolean): void {
    this.stop();
    if (disable) this.wanted = false;
    this.emit('error', { error });
    if (disable) this.emit('disabled', { reason: 'error' });
  }

  private watchDevice(device: GPUDevice): void {
    void device.lost.then((info) => this.onDeviceLost(device, info.reason, info.message));
    if (!this.ownsDevice) return;
    // The lost promise resolves only once the GPU has finished the work in flight (seconds on a
    // software renderer), so a destroy() of our own device by other code is caught as it happens:
    // the plain video shows at once and the recovery starts at once.
    const destroy = device.destroy.bind(device);
    device.destroy = () => {
      destroy();
      this.onDeviceLost(device, 'destroyed', 'device.destroy() was called');
    };
  }

  private onDeviceLost(device: GPUDevice, reason: string, message: string): void {
    if (this.destroyed || device !== this.device || (reason === 'destroyed' && !this.running && !this.wanted)) return;
    const wasWanted = this.wanted;
    this.generation++;
    this.wakeFrameWaiters(); // an upgrade waiting for a frame ends
    this.running = false;
    this.busy = false;
    this.scheduler.stop();
    this.setVisible(false);
    this.runner = undefined;
    this.presenter = undefined;
    this.timer = undefined;
    this.loupes.clear(); // they belong to the lost device
    this.device = undefined;
    this.emit('error', { error: new CuganError('DEVICE_LOST', `the GPU device was lost (${reason}: ${message}); recovering`) });
    if (wasWanted && !this.opts.device) void this.recover();
  }

  /** Re-creates the device and model after a loss, retrying until the GPU is back. */
  private async recover(): Promise<void> {
    for (let i = 0; i < RECOVERY_ATTEMPTS && this.wanted && !this.destroyed; i++) {
      // The first try at once (a destroyed device is replaceable at once), later ones spaced.
      if (i > 0) await new Promise((r) => setTimeout(r, RECOVERY_DELAY_MS));
      try {
        await this.start();
        this.emit('enabled', { model: this.runner!.packed.model.id });
        this.upgrade();
        return;
      } catch {
        this.device = undefined;
        this.presenter = undefined;
        this.runner = undefined;
      }
    }
    if (this.wanted) this.fail(new CuganError('DEVICE_LOST', 'the GPU device was lost and could not be recreated'), true);
  }

  private visible?: boolean;
  private setVisible(on: boolean): void {
    if (this.visible === on) return;
    this.visible = on;
    this.canvas.style.visibility = on ? 'visible' : 'hidden';
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
