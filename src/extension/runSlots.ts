// The run slots in front of the trainer for runs started from the editor: at most `limit()` run at
// once, the rest wait in line, in order. (Not the Redis queue of src/trainer/queue, which spreads a
// sweep's runs over machines.) Each entry can be cancelled on its own (a waiting one is dropped
// without ever starting; a running one is asked to stop and frees its slot when its process exits).
// No vscode import: the host passes in the limit and how to start a job, so it is unit-tested directly.
import { availableParallelism } from 'node:os';

/** What a started job gives back: the trainer handle's two members the slots need. */
export interface Stoppable {
  stop(): void;
  /** Settles when the process has exited: only then is its slot free. */
  done: Promise<unknown>;
}

export interface SlotJob<H extends Stoppable> {
  /** Starts the job (spawns its trainer); called once, when a slot is free. */
  start(): H;
}

export interface SlotEntry<J, H> {
  /** The slots' own id ("q1", "q2", …): a waiting run has no run id yet (the trainer picks it). */
  id: string;
  job: J;
  state: 'waiting' | 'running';
  /** Set once started. */
  handle?: H;
  /** A stop was requested (running entries only): the entry leaves when its process exits. */
  cancelled?: boolean;
}

/** The setting's value as a slot count: 0 (or unset, or nonsense) = automatic, half the cores, at least 1. */
export function slotCount(setting: number | null | undefined, cores = availableParallelism()): number {
  if (typeof setting === 'number' && Number.isFinite(setting) && setting >= 1) return Math.floor(setting);
  return Math.max(1, Math.floor(cores / 2));
}

export class RunSlots<H extends Stoppable, J extends SlotJob<H> = SlotJob<H>> {
  private items: SlotEntry<J, H>[] = [];
  private nextId = 1;

  constructor(
    /** Read at every start, so a changed setting applies to the next start without a restart. */
    private readonly limit: () => number,
    /** Any change of the entries (added, started, ended, cancelled): the tree and status bar redraw. */
    private readonly onChange: () => void = () => {},
    /** A job whose start threw (e.g. no usable node): reported, and the next waiting job starts. */
    private readonly onStartError: (job: J, err: unknown) => void = () => {},
  ) {}

  /** Adds a job at the end of the line; it starts at once when a slot is free. Returns its id. */
  add(job: J): string {
    const id = `q${this.nextId++}`;
    this.items.push({ id, job, state: 'waiting' });
    this.pump();
    this.onChange();
    return id;
  }

  entries(): readonly SlotEntry<J, H>[] {
    return this.items;
  }
  waiting(): SlotEntry<J, H>[] {
    return this.items.filter((e) => e.state === 'waiting');
  }
  running(): SlotEntry<J, H>[] {
    return this.items.filter((e) => e.state === 'running');
  }
  /** 1-based place in the waiting line, or undefined when not waiting. */
  position(id: string): number | undefined {
    const i = this.waiting().findIndex((e) => e.id === id);
    return i < 0 ? undefined : i + 1;
  }

  /** Cancels one entry: a waiting one never starts; a running one is stopped. False when unknown. */
  cancel(id: string): boolean {
    const entry = this.items.find((e) => e.id === id);
    if (!entry) return false;
    if (entry.state === 'waiting') {
      this.items = this.items.filter((e) => e !== entry);
      this.onChange();
      return true;
    }
    entry.cancelled = true;
    entry.handle?.stop();
    this.onChange();
    return true;
  }

  /** Drops every waiting entry (none of them starts) and stops every running one. */
  stopAll(): void {
    const running = this.running();
    this.items = running;
    for (const e of running) {
      e.cancelled = true;
      e.handle?.stop();
    }
    this.onChange();
  }

  /** Re-reads the limit now (the setting changed): a raised limit starts waiting runs at once. */
  reschedule(): void {
    const before = this.running().length;
    this.pump();
    if (this.running().length !== before) this.onChange();
  }

  /** Starts waiting entries, oldest first, while slots are free. */
  private pump(): void {
    const limit = Math.max(1, this.limit());
    for (;;) {
      if (this.running().length >= limit) return;
      const next = this.items.find((e) => e.state === 'waiting');
      if (!next) return;
      next.state = 'running';
      let handle: H;
      try {
        handle = next.job.start();
      } catch (err) {
        this.items = this.items.filter((e) => e !== next);
        this.onStartError(next.job, err);
        continue;
      }
      next.handle = handle;
      const release = () => {
        this.items = this.items.filter((e) => e !== next);
        this.pump();
        this.onChange();
      };
      handle.done.then(release, release);
    }
  }
}
