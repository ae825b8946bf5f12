// Which video frames run while upscaling: one frame in flight on the GPU at a time (the main
// thread never waits on the GPU), and none while frames are held (a model switch builds its
// buffers and pipelines, the autotune times its dispatches alone on the queue). A frame that
// arrives meanwhile is dropped, and remembered: a paused video sends no next frame, so its
// current one is drawn once the gate opens again.

import { Signal } from './signal.js';

export class FrameGate {
  private inFlight = false;
  private holds = 0;
  private missed = false;
  private readonly changed = new Signal();

  /** Nothing in flight and nothing held: a frame may be submitted now. */
  get open(): boolean {
    return !this.inFlight && this.holds === 0;
  }

  /** A frame is on the GPU. */
  get busy(): boolean {
    return this.inFlight;
  }

  /** A frame wants to run: true when it may now; otherwise it is dropped and remembered. */
  admit(): boolean {
    if (this.open) return true;
    this.missed = true;
    return false;
  }

  submitted(): void {
    this.inFlight = true;
  }

  /** The frame in flight is done. True when a frame was dropped meanwhile and may run now. */
  done(): boolean {
    this.inFlight = false;
    return this.reopened();
  }

  hold(): void {
    this.holds++;
  }

  /** Ends a hold. True when a frame was dropped meanwhile and may run now. */
  release(): boolean {
    this.holds--;
    return this.reopened();
  }

  /** The device is gone: its frame in flight will never be reported. */
  reset(): void {
    this.inFlight = false;
    this.missed = false;
    this.changed.notify();
  }

  /** Resolves once nothing is in flight (holds may remain: the autotune waits under its own). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.changed.wait();
  }

  /** Resolves once nothing is in flight and nothing is held. */
  async opened(): Promise<void> {
    while (!this.open) await this.changed.wait();
  }

  private reopened(): boolean {
    this.changed.notify();
    if (!this.open || !this.missed) return false;
    this.missed = false;
    return true;
  }
}
