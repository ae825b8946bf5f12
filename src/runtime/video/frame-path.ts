// The per-frame work, once the frame gate let a frame through: read the video frame into the
// network's input, then record the network, the present pass and the loupes into one command
// buffer and submit it. Nothing here allocates GPU memory, compiles, reads back or waits; WebGPU
// only makes us create the imported external texture and its pack bind group, the command
// encoder and the canvas texture view per frame.

import { CuganError } from '../errors.js';
import type { GraphExecutor, PackPasses } from '../gpu/executor.js';
import type { ModelRunner } from '../model-runner.js';
import type { GpuSession } from './gpu-session.js';
import { isTainted } from './origin.js';

const isSecurityError = (e: unknown): boolean => (e as Error)?.name === 'SecurityError';

/**
 * The pack passes that read this video frame, or undefined when no frame can be read now.
 * Throws TAINTED_SOURCE for a cross-origin video without CORS, decided from the element before
 * any pixel is asked for where it can be.
 */
export function importFrame(device: GPUDevice, ex: GraphExecutor, video: HTMLVideoElement): PackPasses | undefined {
  if (isTainted(video)) {
    throw new CuganError('TAINTED_SOURCE', 'the video is cross-origin without CORS (no crossorigin attribute), so its frames may not be read; playing it without upscaling');
  }
  try {
    return ex.packExternal(device.importExternalTexture({ source: video }));
  } catch (e) {
    if (isSecurityError(e)) {
      throw new CuganError('TAINTED_SOURCE', 'the video is cross-origin without CORS headers, so its frames cannot be read; playing it without upscaling', { cause: e });
    }
  }
  // Import refused (e.g. no frame yet in some browsers): copy instead (full-size tiers only).
  if (ex.sourceScale !== 1) return undefined;
  try {
    device.queue.copyExternalImageToTexture({ source: video }, { texture: ex.input }, [video.videoWidth, video.videoHeight]);
  } catch (e) {
    if (isSecurityError(e)) throw new CuganError('TAINTED_SOURCE', 'the video is cross-origin without CORS headers; playing it without upscaling', { cause: e });
    return undefined;
  }
  return ex.cachedPack();
}

/** Records the frame (timed when the session has a stage timer) and submits it: one submit. */
export function submitFrame(session: GpuSession, ex: GraphExecutor, pack: PackPasses): void {
  const { device, presenter, timer, reuseCounters } = session;
  if (presenter.source !== ex.output) presenter.setSource(ex.output);
  const encoder = device.createCommandEncoder({ label: 'frame' });
  let slot = -1;
  if (timer) {
    timer.encode(encoder, ex, pack);
    presenter.encode(encoder, timer.presentWrites);
    slot = timer.resolve(encoder, ex.reuseCounters);
  } else {
    const pass = encoder.beginComputePass({ label: 'Real-CUGAN' });
    ex.encode(pass, pack);
    pass.end();
    presenter.encode(encoder);
    if (ex.reuseCounters) reuseCounters.record(encoder, ex.reuseCounters);
  }
  for (const l of session.loupes) {
    if (l.source !== ex.output) l.setSource(ex.output);
    l.encode(encoder);
  }
  device.queue.submit([encoder.finish()]);
  timer?.collect(slot);
  reuseCounters.collect();
}

/**
 * Puts `next` in place of `ex` (same size, other kernels) between two frames. The last upscaled
 * picture is copied over, so the screen (and a paused video) keeps it until the next frame.
 */
export function swapExecutor(session: GpuSession, runner: ModelRunner, ex: GraphExecutor, next: GraphExecutor): void {
  const { device } = session;
  const encoder = device.createCommandEncoder({ label: 'tuned kernels: keep the picture' });
  encoder.copyTextureToTexture({ texture: ex.output }, { texture: next.output }, [ex.output.width, ex.output.height]);
  device.queue.submit([encoder.finish()]);
  runner.adopt(next);
  for (const p of [session.presenter, ...session.loupes]) if (p.source === ex.output) p.setSource(next.output);
}
