// The frame-reuse counters the stats report (the head of the executor's reuse state,
// snippets/reuse-state.wgsl): with `timing` the stage timer copies them with each timed frame;
// without it, ReuseCounters copies them once a stats window (about a second) into a mappable
// buffer of 32 bytes and reads them asynchronously, never awaited by the frame path.

import type { ReuseSource } from '../gpu/reuse.js';
import { REUSE_HEADER_BYTES } from '../../shaders/programs/reuse.js';

/** Frame reuse at the current model and size, since its executor was made. */
export interface ReuseStats {
  /** Frames seen. */
  frames: number;
  /** Frames run whole through the network. */
  computed: number;
  /** Frames run as changed region tiles only (no-SE model), and the tiles those ran (of `tiles` a frame). */
  regionFrames: number;
  regionTiles: number;
  tiles: number;
  /** Share of frames that re-showed the last output. */
  reused: number;
  /** Network work (multiply-adds) run per frame, against a full run of every frame. */
  work: number;
}

/** The stats from the state's header words (u32: changed, frames, computed, region frames, tiles run, ...). */
export function reuseStats(words: Uint32Array, source: Pick<ReuseSource, 'tiles' | 'tileWork'>): ReuseStats {
  const [, frames = 0, computed = 0, regionFrames = 0, regionTiles = 0] = words;
  const n = Math.max(1, frames);
  return {
    frames, computed, regionFrames, regionTiles, tiles: source.tiles,
    reused: (frames - computed - regionFrames) / n,
    work: (computed + regionTiles * source.tileWork) / n,
  };
}

export class ReuseCounters {
  latest?: ReuseStats;
  private readonly buffer: GPUBuffer;
  private due = true;
  private inFlight?: ReuseSource;

  constructor(device: GPUDevice) {
    this.buffer = device.createBuffer({ label: 'reuse counters', size: REUSE_HEADER_BYTES, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  }

  get bytes(): number {
    return this.buffer.size;
  }

  /** Asks for a read with one of the next frames (once a stats window). */
  request(): void {
    this.due = true;
  }

  /** Records the copy into this frame's commands if a read is due and the buffer is free. */
  record(encoder: GPUCommandEncoder, source: ReuseSource): void {
    if (!this.due || this.inFlight) return;
    encoder.copyBufferToBuffer(source.state, 0, this.buffer, 0, REUSE_HEADER_BYTES);
    this.inFlight = source;
    this.due = false;
  }

  /** After submit: reads the copy when the GPU is done. */
  collect(): void {
    const source = this.inFlight;
    if (!source || this.buffer.mapState !== 'unmapped') return;
    this.buffer
      .mapAsync(GPUMapMode.READ)
      .then(() => {
        this.latest = reuseStats(new Uint32Array(this.buffer.getMappedRange().slice(0)), source);
        this.buffer.unmap();
      })
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
