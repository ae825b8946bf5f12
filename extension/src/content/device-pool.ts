// One GPU device per frame, shared by its videos: the pipelines are cached per device, so a
// second video compiles nothing (on a software adapter that is tens of seconds saved). Created
// on the first acquire, destroyed when the last video lets go or when it is lost.

import { requestDevice } from '../lib.js';

export class DevicePool {
  private device?: Promise<GPUDevice>;
  private users = 0;

  /** How many devices are held now (0 or 1). */
  get live(): number {
    return this.device ? 1 : 0;
  }

  async acquire(): Promise<GPUDevice> {
    this.users++;
    if (!this.device) {
      const p = requestDevice();
      this.device = p;
      p.then(
        (d) => void d.lost.then(() => this.forget(p)),
        () => this.forget(p),
      );
    }
    return this.device;
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || !this.device) return;
    const p = this.device;
    this.device = undefined;
    void p.then((d) => d.destroy(), () => undefined);
  }

  /** A lost (or never created) device is replaced on the next acquire. */
  private forget(p: Promise<GPUDevice>): void {
    if (this.device === p) this.device = undefined;
  }
}
