// Calls back once per new video frame (requestVideoFrameCallback), not per display refresh.
// Browsers without it get a requestAnimationFrame loop that fires when currentTime moves.

type Callback = () => void;

export class FrameScheduler {
  private readonly video: HTMLVideoElement;
  private readonly onFrame: Callback;
  private handle = 0;
  private running = false;
  private lastTime = -1;

  constructor(video: HTMLVideoElement, onFrame: Callback) {
    this.video = video;
    this.onFrame = onFrame;
  }

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.request();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    if ('cancelVideoFrameCallback' in this.video) this.video.cancelVideoFrameCallback(this.handle);
    else cancelAnimationFrame(this.handle);
  }

  private request(): void {
    if ('requestVideoFrameCallback' in this.video) {
      this.handle = this.video.requestVideoFrameCallback(this.tick);
    } else {
      this.handle = requestAnimationFrame(this.tickRaf);
    }
  }

  private readonly tick = (): void => {
    if (!this.running) return;
    this.request();
    this.onFrame();
  };

  private readonly tickRaf = (): void => {
    if (!this.running) return;
    this.request();
    const t = this.video.currentTime;
    if (t !== this.lastTime) {
      this.lastTime = t;
      this.onFrame();
    }
  };
}
