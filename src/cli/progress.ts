// The progress line on stderr: what runs (kernel compile, image k of n, TTA pass k of 8), time
// elapsed and, once some work is done, time left. On a TTY one line redrawn each second; on
// anything else plain lines: one per image or pass where there are several, and a line after
// the first second and every ten seconds while one step runs.
// Time left is the work left (multiply-adds) at the rate measured so far, compile time excluded.

export interface ProgressOut {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Multiply-adds of the whole run (all images, all passes). */
  totalMacs: number;
  /** Images x passes: a line per step is printed only where there are several. */
  steps: number;
  now?: () => number;
  /** Set false to drive tick() by hand (tests). */
  timer?: boolean;
}

const HEARTBEAT_MS = 10_000;
const FIRST_LINE_MS = 1_000;

/** `4 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
}

export class Progress {
  private readonly now: () => number;
  private readonly start: number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private status = 'starting';
  /** When the current step started running its work (undefined while compiling/loading). */
  private stepStart: number | undefined;
  private doneMacs = 0;
  private workMs = 0;
  private lastLine = -Infinity;
  private printedAny = false;
  private drawn = false;

  constructor(
    private readonly out: ProgressOut,
    private readonly opts: ProgressOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.start = this.now();
    if (opts.timer !== false) {
      this.timer = setInterval(() => this.tick(), 1000);
      this.timer.unref?.();
    }
  }

  /** A phase without measurable work: loading the model, compiling kernels. */
  phase(status: string): void {
    this.status = status;
    this.stepStart = undefined;
    if (this.out.isTTY) this.draw();
  }

  /** A step of `macs` multiply-adds starts (an image, or one TTA pass). */
  step(status: string): void {
    this.status = status;
    this.stepStart = this.now();
    if (this.out.isTTY) this.draw();
    else if (this.opts.steps > 1) this.line();
  }

  /** The current step's work is done. */
  stepDone(macs: number): void {
    if (this.stepStart !== undefined) this.workMs += this.now() - this.stepStart;
    this.stepStart = undefined;
    this.doneMacs += macs;
  }

  /** Redraws (TTY) or prints a heartbeat line when one is due; the timer calls it each second. */
  tick(): void {
    const t = this.now();
    if (t - this.start < FIRST_LINE_MS) return;
    if (this.out.isTTY) this.draw();
    else if (!this.printedAny || t - this.lastLine >= HEARTBEAT_MS) this.line();
  }

  /** Milliseconds of work left, once some work has been measured. */
  timeLeft(): number | undefined {
    const running = this.stepStart === undefined ? 0 : this.now() - this.stepStart;
    if (this.doneMacs <= 0 || this.workMs <= 0) return undefined;
    const left = ((this.opts.totalMacs - this.doneMacs) * this.workMs) / this.doneMacs - running;
    return Math.max(0, left);
  }

  /** `cugan: image 2/3 b.jpg, TTA pass 3/8; 14 s elapsed, about 20 s left` */
  text(): string {
    const left = this.timeLeft();
    return `cugan: ${this.status}; ${formatDuration(this.now() - this.start)} elapsed${left === undefined ? '' : `, about ${formatDuration(left)} left`}`;
  }

  /** Ends the progress display (clears a TTY line). Output written after it starts on its own line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }

  /** Clears a drawn TTY line, so another message can be written (the next tick redraws it). */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private line(): void {
    this.lastLine = this.now();
    this.printedAny = true;
    this.out.write(`${this.text()}\n`);
  }

  private draw(): void {
    if (this.now() - this.start < FIRST_LINE_MS) return;
    const cols = this.out.columns && this.out.columns > 10 ? this.out.columns - 1 : 200;
    const t = this.text();
    this.out.write(`\r\x1b[K${t.length > cols ? `${t.slice(0, cols - 1)}…` : t}`);
    this.drawn = true;
  }
}
