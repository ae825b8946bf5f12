// "upscaled frame: 4.2 s behind", on the picture, while the Real-CUGAN side of the split view
// shows an older frame than the plain video beside it (a slow adapter takes longer than the
// video's frame interval per frame, so the halves show different moments).
//
// From public figures only: the upscaler captures the video's current frame in a
// requestVideoFrameCallback, and counts it in `stats.frames` once its GPU work is done,
// `stats.gpuMs` after it was submitted. So the frame on screen is the one the video presented
// about `gpuMs` before that count went up: its media time comes from this module's own
// requestVideoFrameCallback log (a frame's wall time and media time). The estimate is off by at
// most a frame (the count is polled every 25 ms).

interface LagStats {
  frames: number;
  gpuMs: number;
}

const LOG = 256; // video frames remembered (10 s at 24 fps)

export class LagLabel {
  private readonly wall = new Float64Array(LOG);
  private readonly media = new Float64Array(LOG);
  private next = 0;
  private frameSeconds = 1 / 24; // the shortest media-time step seen
  private frames = -1;
  private shownMedia = NaN; // media time of the upscaled frame on screen

  constructor(
    private readonly video: HTMLVideoElement,
    /** The upscaler's live stats, or undefined while it is not showing frames. */
    private readonly stats: () => LagStats | undefined,
    private readonly label: HTMLElement,
  ) {}

  start(): void {
    if (!('requestVideoFrameCallback' in this.video)) return; // then no label
    const onVideoFrame = (now: number, meta: VideoFrameCallbackMetadata): void => {
      const prev = this.media[(this.next + LOG - 1) % LOG]!;
      const step = meta.mediaTime - prev;
      if (step > 1 / 121 && step < this.frameSeconds) this.frameSeconds = step;
      this.wall[this.next] = now;
      this.media[this.next] = meta.mediaTime;
      this.next = (this.next + 1) % LOG;
      this.video.requestVideoFrameCallback(onVideoFrame);
    };
    this.video.requestVideoFrameCallback(onVideoFrame);
    // A timer, not requestAnimationFrame: while a software adapter's GPU process is busy with a
    // frame, the page may produce no animation frames for seconds.
    setInterval(() => this.update(), 25);
  }

  /** Seconds the upscaled frame on screen is behind the frame the video shows now (NaN: unknown). */
  get behind(): number {
    // The last presented frame's media time, not currentTime (which runs on between frames).
    let lag = this.media[(this.next + LOG - 1) % LOG]! - this.shownMedia;
    if (lag < 0 && this.video.loop && this.video.duration > 0) lag += this.video.duration; // it looped
    return lag;
  }

  private update(): void {
    const s = this.stats();
    if (!s) {
      this.frames = -1;
      this.shownMedia = NaN;
    } else if (s.frames !== this.frames) {
      this.frames = s.frames;
      this.shownMedia = this.mediaAt(performance.now() - s.gpuMs);
    }
    const lag = this.behind;
    const show = !this.video.paused && lag > this.frameSeconds * 1.5;
    this.label.hidden = !show;
    const text = `upscaled frame: ${lag.toFixed(1)} s behind`;
    if (show && this.label.textContent !== text) this.label.textContent = text;
  }

  /** Media time of the last video frame presented at or before wall time `t` (NaN: none logged). */
  private mediaAt(t: number): number {
    let best = NaN;
    let bestWall = -Infinity;
    for (let k = 0; k < LOG; k++) {
      const w = this.wall[k]!;
      if (w > 0 && w <= t && w > bestWall) [best, bestWall] = [this.media[k]!, w];
    }
    return best;
  }
}
