// Noticing that the device is gone, as early as possible, and replacing it.
//
// `device.lost` resolves only once the GPU has finished the work in flight (on a software adapter
// one frame can take seconds). A destroy() of the device, though, unmaps every buffer of that
// device at once (GPUDevice.destroy(), content timeline, in the WebGPU spec), so one tiny buffer
// kept mapped since its creation says on the next video frame that the device was destroyed:
// the plain video shows, and the recovery starts, without waiting for the GPU.

/** Between recovery attempts (the first is at once: a destroyed device is replaceable at once). */
export const RECOVERY_DELAY_MS = 250;
export const RECOVERY_ATTEMPTS = 40;

export class DeviceWatch {
  private readonly canary: GPUBuffer;

  /** `onLost` is called once the device is lost (not for a destroy: check `destroyed`). */
  constructor(device: GPUDevice, onLost: (reason: string, message: string) => void) {
    this.canary = device.createBuffer({ label: 'destroy watch', size: 4, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    void device.lost.then((info) => onLost(info.reason, info.message));
  }

  /** destroy() was called on the device, by anyone. One attribute read: cheap enough per frame. */
  get destroyed(): boolean {
    return this.canary.mapState === 'unmapped';
  }

  get bytes(): number {
    return this.canary.size;
  }

  dispose(): void {
    this.canary.destroy();
  }
}

/**
 * Runs `attempt` until it succeeds, RECOVERY_ATTEMPTS times at most and while `wanted()`:
 * at once, then every RECOVERY_DELAY_MS. `failed` cleans up after each failed try.
 * Resolves whether an attempt succeeded.
 */
export async function retry(attempt: () => Promise<void>, wanted: () => boolean, failed: () => void): Promise<boolean> {
  for (let i = 0; i < RECOVERY_ATTEMPTS && wanted(); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, RECOVERY_DELAY_MS));
    if (!wanted()) break;
    try {
      await attempt();
      return true;
    } catch {
      failed();
    }
  }
  return false;
}
