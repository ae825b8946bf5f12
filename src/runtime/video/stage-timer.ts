// Per-stage GPU times from timestamp queries (adapters with 'timestamp-query'). Opt-in
// (`timing: true`): it reads 80 bytes back per timed frame, asynchronously, into one of two
// buffers; a frame that finds both still in flight is simply not timed.

import { STAGES } from '../gpu/executor.js';

export const TIMED_STAGES = [...STAGES, 'present'] as const;
export type StageTimes = Record<(typeof TIMED_STAGES)[number], number>;

export class StageTimer {
  readonly querySet: GPUQuerySet;
  /** Milliseconds per stage of the last timed frame. */
  last?: StageTimes;
  private readonly resolveBuffer: GPUBuffer;
  private readonly readback: GPUBuffer[];
  private readonly busy = [false, false];

  constructor(device: GPUDevice) {
    const count = TIMED_STAGES.length * 2;
    this.querySet = device.createQuerySet({ label: 'stage timestamps', type: 'timestamp', count });
    this.resolveBuffer = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readback = [0, 1].map(() => device.createBuffer({ size: count * 8, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }));
  }

  /** GPU memory of its buffers (the query set's 8 bytes a query included). */
  get bytes(): number {
    return this.resolveBuffer.size * 2 + this.readback.reduce((a, b) => a + b.size, 0);
  }

  static supported(device: GPUDevice): boolean {
    return device.features.has('timestamp-query');
  }

  /** Timestamp indices of the present pass. */
  get presentWrites(): GPURenderPassTimestampWrites {
    const i = TIMED_STAGES.length - 1;
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Records the resolve into a free readback buffer; returns its slot, or -1 if none is free. */
  resolve(encoder: GPUCommandEncoder): number {
    const slot = this.busy.indexOf(false);
    if (slot < 0) return -1;
    this.busy[slot] = true;
    encoder.resolveQuerySet(this.querySet, 0, TIMED_STAGES.length * 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readback[slot]!, 0, this.resolveBuffer.size);
    return slot;
  }

  /** After submit: reads the slot when the GPU is done (never awaited by the frame path). */
  collect(slot: number): void {
    if (slot < 0) return;
    const buf = this.readback[slot]!;
    buf
      .mapAsync(GPUMapMode.READ)
      .then(() => {
        const t = new BigInt64Array(buf.getMappedRange());
        const ms = (i: number) => Math.max(0, Number(t[2 * i + 1]! - t[2 * i]!) / 1e6);
        this.last = Object.fromEntries(TIMED_STAGES.map((s, i) => [s, ms(i)])) as StageTimes;
        buf.unmap();
      })
      .catch(() => undefined)
      .finally(() => {
        this.busy[slot] = false;
      });
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuffer.destroy();
    for (const b of this.readback) b.destroy();
  }
}
