// Coalesces bursts of updates into at most one flush per interval (live panels get a few updates a
// second, however fast a trainer reports). Pure timing logic, injectable clock for tests.
export class Throttle<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (items: T[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(item: T): void {
    this.pending.push(item);
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    this.last = this.now();
    const items = this.pending;
    this.pending = [];
    if (items.length) this.flush(items);
  }

  /** Sends whatever is pending now (e.g. a run finished) and cancels the timer. */
  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.fire();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
