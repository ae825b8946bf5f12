// Per-stage GPU times from timestamp queries (adapters with 'timestamp-query'). Opt-in
// (`timing: true`): it reads the timestamps back per timed frame, asynchronously, into one of
// two buffers; a frame that finds both still in flight is simply not timed. With frame reuse on
// it also reads the reuse counters (frames seen, frames computed) of the executor and how the timed
// frame ran: a re-shown frame times its skipped passes at ~0, so the stage times of the last frame
// that ran the network whole are kept apart (`lastWhole`).

import { STAGES, type GraphExecutor, type PackPasses } from '../gpu/executor.js';
import { encodeTimed } from '../gpu/profile.js';
import type { ReuseSource } from '../gpu/reuse.js';
import { REUSE_HEADER_BYTES as REUSE_BYTES } from '../../shaders/programs/reuse.js';
import { reuseStats, type ReuseStats } from './reuse-counters.js';

export const TIMED_STAGES = [...STAGES, 'present'] as const;
export type StageTimes = Record<(typeof TIMED_STAGES)[number], number>;
/** How a timed frame ran: the whole network, only its changed tiles, or not at all (re-shown). */
export type FrameRun = 'whole' | 'tiles' | 'reused';
const RUNS: readonly FrameRun[] = ['reused', 'tiles', 'whole'];

export class StageTimer {
  readonly querySet: GPUQuerySet;
  /** Milliseconds per stage of the last timed frame, and how that frame ran. */
  last?: StageTimes;
  lastRun?: FrameRun;
  /** Milliseconds per stage of the last timed frame that ran the whole network. */
  lastWhole?: StageTimes;
  /** Sum over all timed frames of their GPU ms (every stage), and how many were timed. */
  totalMs = 0;
  timedFrames = 0;
  /** The executor's reuse counters at the last timed frame. */
  reuse?: ReuseStats;
  private readonly resolveBuffer: GPUBuffer;
  private readonly readback: GPUBuffer[];
  private readonly busy = [false, false];

  /** Records the frame as one compute pass per stage, timestamps into querySet (profile.ts encodeTimed). */
  encode(encoder: GPUCommandEncoder, ex: GraphExecutor, pack: PackPasses): void {
    const { frame, reuse } = ex.profiledFrame(pack);
    encodeTimed(encoder, this.querySet, frame, reuse);
  }

  constructor(device: GPUDevice) {
    const count = TIMED_STAGES.length * 2;
    this.querySet = device.createQuerySet({ label: 'stage timestamps', type: 'timestamp', count });
    this.resolveBuffer = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readback = [0, 1].map(() => device.createBuffer({ size: count * 8 + REUSE_BYTES, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }));
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

  /**
   * Records the resolve (and a copy of the reuse counters, if given) into a free readback
   * buffer; returns its slot, or -1 if none is free.
   */
  resolve(encoder: GPUCommandEncoder, reuse?: ReuseSource): number {
    const slot = this.busy.indexOf(false);
    if (slot < 0) return -1;
    this.busy[slot] = true;
    encoder.resolveQuerySet(this.querySet, 0, TIMED_STAGES.length * 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readback[slot]!, 0, this.resolveBuffer.size);
    if (reuse) encoder.copyBufferToBuffer(reuse.state, 0, this.readback[slot]!, this.resolveBuffer.size, REUSE_BYTES);
    this.reuseOf[slot] = reuse;
    return slot;
  }

  private readonly reuseOf: (ReuseSource | undefined)[] = [undefined, undefined];

  /** After submit: reads the slot when the GPU is done (never awaited by the frame path). */
  collect(slot: number): void {
    if (slot < 0) return;
    const buf = this.readback[slot]!;
    buf
      .mapAsync(GPUMapMode.READ)
      .then(() => {
        const range = buf.getMappedRange();
        const t = new BigInt64Array(range, 0, TIMED_STAGES.length * 2);
        const ms = (i: number) => Math.max(0, Number(t[2 * i + 1]! - t[2 * i]!) / 1e6);
        this.last = Object.fromEntries(TIMED_STAGES.map((s, i) => [s, ms(i)])) as StageTimes;
        this.totalMs += TIMED_STAGES.reduce((sum, _, i) => sum + ms(i), 0);
        this.timedFrames++;
        this.lastRun = 'whole'; // without reuse every frame runs whole
        const reuse = this.reuseOf[slot];
        if (reuse) {
          const words = new Uint32Array(range, t.byteLength, REUSE_BYTES / 4);
          this.reuse = reuseStats(words, reuse);
          this.lastRun = RUNS[words[5]!] ?? 'whole';
        }
        if (this.lastRun === 'whole') this.lastWhole = this.last;
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
