// Coalesces redraw requests: events may arrive dozens of times a second, but charts are redrawn at
// most once per interval (4/s), on an animation frame. A user's own action (slider, selection) is
// drawn on the next frame without waiting. Timing is injected so the logic is tested without a browser.

export interface SchedulerClock {
  now(): number;
  setTimer(fn: () => void, ms: number): void;
  /** requestAnimationFrame in the page. */
  frame(fn: () => void): void;
}

export class RenderScheduler<Part extends string> {
  private dirty = new Set<Part>();
  private scheduled = false;
  private urgent = false;
  private lastRender = -Infinity;
  /** Identifies the one callback still allowed to draw; older timers and frames are stale. */
  private ticket = 0;
  /** How many times render() ran: read by tests and the debug hook. */
  renders = 0;

  constructor(
    private readonly minIntervalMs: number,
    private readonly render: (parts: Set<Part>) => void,
    private readonly clock: SchedulerClock,
  ) {}

  /** Marks parts to redraw. Urgent requests (user input) skip the interval but still wait a frame. */
  request(parts: Part[], urgent = false): void {
    for (const p of parts) this.dirty.add(p);
    if (urgent) {
      if (this.urgent) return;
      // Supersedes a timer already set: its callback sees a stale ticket and does nothing.
      this.urgent = true;
      this.scheduled = false;
      const ticket = ++this.ticket;
      this.clock.frame(() => this.runIf(ticket));
      return;
    }
    if (this.scheduled || this.urgent) return;
    this.scheduled = true;
    const ticket = ++this.ticket;
    const wait = Math.max(0, this.lastRender + this.minIntervalMs - this.clock.now());
    this.clock.setTimer(() => this.clock.frame(() => this.runIf(ticket)), wait);
  }

  private runIf(ticket: number): void {
    if (ticket === this.ticket) this.run();
  }

  /** Draws whatever is pending right now (benchmarks and tests measure this). */
  flush(): void {
    this.run();
  }

  pending(): boolean {
    return this.dirty.size > 0;
  }

  private run(): void {
    this.ticket++;
    this.scheduled = false;
    this.urgent = false;
    if (this.dirty.size === 0) return;
    const parts = this.dirty;
    this.dirty = new Set();
    this.lastRender = this.clock.now();
    this.renders++;
    this.render(parts);
  }
}

/** The page's clock. */
export const browserClock: SchedulerClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => void setTimeout(fn, ms),
  frame: (fn) => void requestAnimationFrame(() => fn()),
};
