// Wakes whoever waits for a change; they look again at what they wait for.

export class Signal {
  private readonly waiters: Array<() => void> = [];

  wait(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  notify(): void {
    if (this.waiters.length === 0) return; // notified every frame: splice would allocate
    for (const wake of this.waiters.splice(0)) wake();
  }
}
