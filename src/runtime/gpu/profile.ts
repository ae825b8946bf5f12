// Timed encodings of a frame (GraphExecutor.profiledFrame()), for GPU times from timestamp
// queries: per stage (the stats of a video with `timing: true`, through the lazily loaded stage
// timer, and the bench), or per pass (bench/profile-passes.ts). Both record the same passes as a
// plain frame, split into more compute passes to place the timestamps.

import { STAGES, type Op } from '../plan/graph.js';
import { run, type Pass } from './pass.js';
import type { FrameReuse } from './reuse.js';

/** A pass with the op it runs. */
export interface OpPass {
  op: Op;
  pass: Pass;
}

/**
 * A frame as the timed encodings see it: untiled, its pack pass and every later pass with its
 * op (the output last); tiled, its passes in order (the stages interleave, see GraphExecutor).
 */
export type ProfiledFrame = { pack: Pass; steps: readonly OpPass[] } | { tiled: Iterable<Pass> };

/**
 * Records the frame as one compute pass per stage (input, UNet1, UNet2, output; the op's
 * `stage` tag), each writing begin/end timestamps at query indices 2i, 2i+1 of `querySet`.
 * A tiled frame is timed whole, as 'unet2'. With frame reuse the check is timed with the input
 * and the region tiles with UNet2 (they run instead of the whole network).
 */
export function encodeTimed(encoder: GPUCommandEncoder, querySet: GPUQuerySet, frame: ProfiledFrame, reuse?: FrameReuse): void {
  STAGES.forEach((stage, i) => {
    const pass = encoder.beginComputePass({
      label: stage,
      timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    });
    if ('tiled' in frame) {
      if (stage === 'unet2') for (const p of frame.tiled) run(pass, p);
    } else {
      if (stage === 'input') run(pass, frame.pack);
      if (reuse && stage === 'input') reuse.encodeCheck(pass);
      // Gated pass k reads the k-th indirect arguments.
      frame.steps.forEach((s, k) => {
        if (s.op.stage !== stage) return;
        if (reuse) reuse.encodeGated(pass, s.pass, k);
        else run(pass, s.pass);
      });
      if (reuse && stage === 'unet2') reuse.encodeRegions(pass, frame.steps.length);
    }
    pass.end();
  });
}

/** A profiled pass: its name, kind and multiply-adds. */
export interface PassInfo {
  name: string;
  kind: string;
  macs: number;
}

/**
 * For profiling (bench/profile-passes.ts), untiled only: every pass of the frame in a compute
 * pass of its own, writing begin/end timestamps at 2i, 2i+1. Returns each pass's name, kind and
 * multiply-adds, in order.
 */
export function encodeProfiled(encoder: GPUCommandEncoder, querySet: GPUQuerySet, frame: ProfiledFrame): PassInfo[] {
  if ('tiled' in frame) throw new Error('internal: encodeProfiled() is for untiled frames');
  const list: [Pass, PassInfo][] = [[frame.pack, { name: 'pack', kind: 'pack', macs: 0 }], ...frame.steps.map((s): [Pass, PassInfo] => [s.pass, info(s.op)])];
  list.forEach(([p], i) => {
    const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
    run(pass, p);
    pass.end();
  });
  return list.map(([, d]) => d);
}

function info(op: Op): PassInfo {
  switch (op.kind) {
    case 'se': return { name: op.output.name, kind: 'se', macs: 0 };
    case 'pack': case 'output': return { name: op.kind, kind: op.kind, macs: 0 };
    default: return { name: op.spec.name, kind: op.kind, macs: op.macs };
  }
}
