// The figures of the video path (`stats`, and `upscale:stats` once a second): frames shown and
// dropped, rates over the last one-second window, the source's own frame rate, and what runs.

import type { GpuSession } from './gpu-session.js';
import type { UpscaleStats } from './types.js';

/** Stats before anything ran (the video.js plugin's, before its controller exists). */
export const NO_STATS: Readonly<UpscaleStats> = {
  fps: 0, videoFps: 0, dropped: 0, frames: 0, gpuMs: 0, effectiveGpuMs: 0, sourceWidth: 0, sourceHeight: 0,
  outputWidth: 0, outputHeight: 0, model: '', precision: 'f32', kernels: 'compact', kernelsByClass: {}, adapter: '', gpuBytes: 0, tiles: 0,
};

/** A one-second window that ended: video frames presented in it, and how many of them were dropped. */
export interface StatsWindow {
  videoFrames: number;
  dropped: number;
}

export class FrameCounters {
  /** Frames upscaled (total). */
  frames = 0;
  /** Video frames skipped (total). */
  dropped = 0;
  /** Submit to GPU done of the last frame, ms. */
  gpuMs = 0;
  /** Mean GPU ms per frame shown in the last full window (the last frame's before one ended). */
  effectiveGpuMs = 0;
  /** Rates of the last full window. */
  fps = 0;
  videoFps = 0;
  private shownInWindow = 0;
  private gpuMsInWindow = 0;
  private windowsEnded = 0;
  private videoInWindow = 0;
  private droppedAtWindow = 0;
  private windowStart = 0;
  private fpsSample?: { frames: number; time: number };
  private fpsEstimate = 0;

  startWindow(now: number): void {
    this.windowStart = now;
  }

  videoFrame(): void {
    this.videoInWindow++;
  }

  drop(): void {
    this.dropped++;
  }

  shown(gpuMs: number): void {
    this.gpuMs = gpuMs;
    this.frames++;
    this.shownInWindow++;
    this.gpuMsInWindow += gpuMs;
    if (!this.windowsEnded) this.effectiveGpuMs = gpuMs;
  }

  /** Ends the window once a second has passed (undefined before). */
  endWindow(now: number, video: HTMLVideoElement): StatsWindow | undefined {
    const dt = now - this.windowStart;
    if (dt < 1000) return undefined;
    this.fps = (this.shownInWindow * 1000) / dt;
    this.videoFps = (this.videoInWindow * 1000) / dt;
    this.sourceFps(video);
    if (this.shownInWindow) this.effectiveGpuMs = this.gpuMsInWindow / this.shownInWindow;
    this.windowsEnded++;
    const window = { videoFrames: this.videoInWindow, dropped: this.dropped - this.droppedAtWindow };
    this.droppedAtWindow = this.dropped;
    this.shownInWindow = 0;
    this.gpuMsInWindow = 0;
    this.videoInWindow = 0;
    this.windowStart = now;
    return window;
  }

  /**
   * The source's frame rate (frames per second of media time, from the playback quality
   * counters; 30 until measured): the adaptive budget. What rVFC reports is what the page
   * manages to present, which collapses when the machine is overloaded.
   */
  sourceFps(video: HTMLVideoElement): number {
    const q = video.getVideoPlaybackQuality?.();
    const t = video.currentTime;
    if (q) {
      const s = this.fpsSample;
      if (!s || t < s.time || q.totalVideoFrames < s.frames) {
        this.fpsSample = { frames: q.totalVideoFrames, time: t };
      } else if (t - s.time >= 0.5) {
        const fps = (q.totalVideoFrames - s.frames) / (t - s.time);
        if (fps >= 5 && fps <= 240) this.fpsEstimate = fps;
        this.fpsSample = { frames: q.totalVideoFrames, time: t };
      }
    }
    return this.fpsEstimate || 30;
  }
}

/** The stats now: counters, and what the session runs (`tier`: with `adaptive` only). */
export function makeStats(c: FrameCounters, session: GpuSession | undefined, video: HTMLVideoElement, adapter: string, tier?: string): UpscaleStats {
  const runner = session?.runner;
  const ex = runner?.current;
  const g = ex?.graph;
  const timer = session?.timer;
  const reuse = ex?.reuseCounters ? (timer?.reuse ?? session?.reuseCounters.latest) : undefined;
  return {
    fps: c.fps,
    videoFps: c.videoFps,
    dropped: c.dropped,
    frames: c.frames,
    gpuMs: c.gpuMs,
    effectiveGpuMs: c.effectiveGpuMs,
    sourceWidth: g?.width ?? video.videoWidth,
    sourceHeight: g?.height ?? video.videoHeight,
    outputWidth: g?.outWidth ?? 0,
    outputHeight: g?.outHeight ?? 0,
    model: runner?.packed.model.id ?? '',
    precision: runner?.precision ?? 'f32',
    kernels: ex?.convBlock ?? runner?.quickKernels.block ?? 'compact',
    kernelsByClass: ex?.kernelsByClass ?? {},
    ...(tier !== undefined ? { tier } : {}),
    adapter,
    gpuBytes: session?.bytes ?? 0,
    tiles: ex?.tiles.length ?? 0,
    ...(timer?.last ? { stages: { ...timer.last }, stagesRun: timer.lastRun } : {}),
    ...(timer?.lastWhole ? { wholeStages: { ...timer.lastWhole } } : {}),
    ...(timer?.timedFrames ? { gpuMsPerFrame: timer.totalMs / timer.timedFrames, timedFrames: timer.timedFrames } : {}),
    ...(reuse ? { reuse: { ...reuse } } : {}),
  };
}
