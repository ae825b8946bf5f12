// Quick start, then the tuned kernels. A video starts on the conv kernels that compile fastest
// (ModelRunner.quickKernels); once a frame is on screen, the kernels the autotune picks for this
// adapter are compiled in the background, a second executor is built with them, and it is
// swapped in between two frames (`tuned` says so). One KernelUpgrade per GPU session: a lost
// device ends it.

import type { ConvBlock, Exclusive } from '../gpu/autotune.js';
import { sameKernels } from '../gpu/conv-kernels.js';
import type { GraphExecutor } from '../gpu/executor.js';
import type { ModelRunner } from '../model-runner.js';
import { Signal } from './signal.js';

/** What the upgrade needs from the video path. */
export interface UpgradeHost {
  /** The runner frames use now (the upgrade of another runner is dropped). */
  currentRunner(): ModelRunner | undefined;
  /** Upscaled frames are on screen: `tuned` is only said then. */
  running(): boolean;
  /** Runs the autotune's timed dispatches with frames held. */
  readonly exclusive: Exclusive;
  /** Makes a new executor ready for frames (made now rather than on a frame). */
  finish(ex: GraphExecutor, sourceScale: 1 | 2): Promise<void>;
  /** Puts `next` in place of `ex` between two frames, keeping the picture. */
  swap(runner: ModelRunner, ex: GraphExecutor, next: GraphExecutor): void;
  /** Frames of `runner` now run on `block`. */
  tuned(runner: ModelRunner, block: ConvBlock): void;
}

export class KernelUpgrade {
  private readonly host: UpgradeHost;
  /** The upgrade under way; `again`: look again once it ends (a resize or a switch meanwhile). */
  private run?: { again: boolean };
  private ended = false;
  /** The runner whose frames run on the tuned kernels (`tuned` was said for it). */
  private announced?: ModelRunner;
  /** The executor of the last frame shown, and who waits for the next. */
  private shownOn?: GraphExecutor;
  private readonly shown = new Signal();

  constructor(host: UpgradeHost) {
    this.host = host;
  }

  /** An upgrade is under way (frames dropped meanwhile say nothing about the setting). */
  get busy(): boolean {
    return !!this.run;
  }

  /** Upgrades the current executor, if it runs on other kernels than the tuned ones. */
  request(): void {
    if (this.ended) return;
    if (this.run) {
      this.run.again = true;
      return;
    }
    const run = { again: true };
    this.run = run;
    void (async () => {
      try {
        while (run.again && !this.ended) {
          run.again = false;
          await this.once(run);
        }
      } catch {
        // stays on the quick kernels; a lost device is the recovery's business
      }
      // No await between the last check of `again` and this: a request meanwhile is not lost.
      if (this.run === run) this.run = undefined;
    })();
  }

  /** A frame ran on `ex` (called for every frame). */
  frameShown(ex: GraphExecutor): void {
    this.shownOn = ex;
    this.shown.notify();
  }

  /** The session ended: nothing more is built. */
  end(): void {
    this.ended = true;
    this.shown.notify();
  }

  private async once(run: { again: boolean }): Promise<void> {
    const runner = this.host.currentRunner();
    if (!runner) return;
    const kernels = await runner.tunedKernels(this.host.exclusive);
    const ex = runner.current;
    const stale = () => this.ended || runner !== this.host.currentRunner();
    if (!ex || stale()) return;
    if (!sameKernels(ex.kernels, kernels)) {
      // Compiles queue ahead of frames in Chromium's GPU process, so a compile started at once
      // delays the first frame (after a start or a device recovery): let that frame through first.
      while (this.shownOn !== ex && !stale() && runner.current === ex) await this.shown.wait();
      if (stale() || runner.current !== ex) {
        run.again = !stale();
        return;
      }
      const next = await runner.build(ex.graph.width, ex.graph.height, kernels);
      await this.host.finish(next, ex.sourceScale);
      if (stale() || runner.current !== ex) {
        // Resized or switched meanwhile: look again at what is current now.
        next.destroy();
        run.again = !stale();
        return;
      }
      this.host.swap(runner, ex, next);
    }
    // Said once the filter runs (after `enabled`; not for a start that ends in the tier 'off').
    if (this.announced !== runner && this.host.running()) {
      this.announced = runner;
      this.host.tuned(runner, kernels.block);
    }
  }
}
