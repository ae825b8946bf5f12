// Which model and executor a session runs: the model the options, the display size and the
// adaptive tier ask for (each model loaded once, with progress), its executor for the source
// size, and what an executor needs before its first frame. A new model is built beside the one
// in use and swapped in when ready, so the last picture stays on screen meanwhile.

import type { GraphExecutor } from '../gpu/executor.js';
import { resolvePrecision } from '../gpu/tensor-format.js';
import { loadModel } from '../model/load.js';
import type { PackedModel } from '../model/packed-format.js';
import { ModelRunner } from '../model-runner.js';
import type { VideoUpscaleOptions } from '../options.js';
import type { AdaptiveQuality } from './adaptive.js';
import type { GpuSession } from './gpu-session.js';
import { chooseModel, scaleFor } from './model-choice.js';
import { applyReuse, reuseGateThreshold } from './reuse-option.js';
import { graphSize, sourceScaleOf, type Tier } from './tiers.js';
import type { UpscaleProgress } from './types.js';

/** Whether `ex` of `runner` runs `tier`'s model at its input size. */
export const runsTier = (runner: ModelRunner, ex: GraphExecutor, tier: Tier): boolean =>
  tier.model === runner.packed.model.id && ex.sourceScale === sourceScaleOf(tier);

/** What the parts of the video path share: the elements, adaptive quality and the options now. */
export interface VideoContext {
  readonly video: HTMLVideoElement;
  readonly canvas: HTMLCanvasElement;
  readonly adaptive: AdaptiveQuality;
  options(): VideoUpscaleOptions;
}

export interface SwitchContext extends VideoContext {
  /** The session frames run in now: work for another one is dropped. */
  current(): GpuSession | undefined;
  progress(p: UpscaleProgress): void;
  /** A new executor is in place (the tuned kernels may be asked for now). */
  installed(): void;
}

export class ModelSwitch {
  private readonly ctx: SwitchContext;
  private readonly models = new Map<string, Promise<PackedModel>>();
  private resizing?: Promise<GraphExecutor | undefined>;

  constructor(ctx: SwitchContext) {
    this.ctx = ctx;
  }

  /** Puts in place the model the options, the display and the adaptive tier ask for. */
  async ensure(session: GpuSession): Promise<void> {
    const { video, adaptive } = this.ctx;
    const o = this.ctx.options();
    const w = video.videoWidth;
    const h = video.videoHeight;
    const requested = chooseModel(o, scaleFor(o, video, this.ctx.canvas));
    const policy = adaptive.select({ adaptive: !!o.adaptive, requested, width: w, height: h, reuse: reuseGateThreshold(o) !== undefined }, session.adapter);
    const id = policy.tier?.model ?? requested;
    const precision = resolvePrecision(o.precision ?? 'auto', session.device);
    const inUse = (): ModelRunner | undefined => {
      const r = session.runner;
      return r?.packed.model.id === id && r.precision === precision ? r : undefined;
    };
    const same = inUse();
    if (same) return this.applySourceScale(same);
    const model = await this.load(id);
    if (inUse() || session !== this.ctx.current()) return;
    const runner = new ModelRunner(session.device, model, o.alpha ?? 1, {}, precision);
    try {
      if (w > 0 && h > 0) await this.prepare(runner, w, h);
    } catch (e) {
      runner.destroy();
      throw e;
    }
    if (session !== this.ctx.current()) {
      runner.destroy();
      return;
    }
    const old = session.runner;
    session.runner = runner;
    if (runner.current) session.presenter.setSource(runner.current.output);
    old?.destroy();
    if (runner.current) this.ctx.installed();
  }

  /**
   * Builds the executor for a new source size (once, however often a frame asks). Resolves with
   * it once it is in place, or undefined when the session or runner changed meanwhile.
   */
  resize(session: GpuSession, runner: ModelRunner, w: number, h: number): Promise<GraphExecutor | undefined> {
    this.resizing ??= this.prepare(runner, w, h)
      .then((ex) => {
        if (session !== this.ctx.current() || runner !== session.runner) return undefined;
        session.presenter.setSource(ex.output);
        this.ctx.installed();
        return ex;
      })
      .finally(() => {
        this.resizing = undefined;
      });
    return this.resizing;
  }

  /** The executor of `runner` for a source size under the current tier, ready for frames. */
  async prepare(runner: ModelRunner, sw: number, sh: number): Promise<GraphExecutor> {
    const tier = this.ctx.adaptive.tier;
    const [w, h] = graphSize(tier, sw, sh);
    // The adaptive probe times the kernels it will keep, so it waits for the tuned ones.
    const ex = await runner.prepare(w, h, this.ctx.options().adaptive ? undefined : runner.quickKernels);
    await this.finish(ex, sourceScaleOf(tier));
    return ex;
  }

  /** What an executor needs before its first frame (made now rather than on a frame). */
  async finish(ex: GraphExecutor, sourceScale: 1 | 2): Promise<void> {
    await ex.setSourceScale(sourceScale);
    await ex.packFor(); // the copy fallback's pack pass
    await ex.enableReuse();
    applyReuse(ex, this.ctx.options());
  }

  private async applySourceScale(runner: ModelRunner): Promise<void> {
    const ex = runner.current;
    const tier = this.ctx.adaptive.tier;
    const [gw] = graphSize(tier, this.ctx.video.videoWidth, this.ctx.video.videoHeight);
    if (ex && ex.graph.width === gw) await ex.setSourceScale(sourceScaleOf(tier));
  }

  private load(id: string): Promise<PackedModel> {
    let packed = this.models.get(id);
    if (!packed) {
      const o = this.ctx.options();
      packed = loadModel(id, { dtype: o.modelDType ?? 'f32', baseUrl: o.modelBaseUrl, timeoutMs: o.modelTimeoutMs, onProgress: (p) => this.ctx.progress(p) });
      this.models.set(id, packed);
      packed.catch(() => this.models.delete(id));
    }
    return packed;
  }
}
