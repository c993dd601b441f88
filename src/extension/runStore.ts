// The host's state: every run and sweep the results panel can show, built from events (live over
// IPC or replayed from events.jsonl). Pure: no vscode import, so it is unit-tested directly.
import type { AttentionEvent, RunEvent } from '../protocol/runEvents';
import type { RunView, SweepView } from '../protocol/panelMessages';
import { type SweepEvent, emptyVariant, fitOf, summaryVariants } from '../protocol/sweepEvents';

/** Attention snapshots kept per run for the step slider; older ones are thinned evenly. */
export const MAX_SNAPSHOTS = 50;

export function thinSnapshots(list: AttentionEvent[], max = MAX_SNAPSHOTS): AttentionEvent[] {
  if (list.length <= max) return list;
  // Keep the first and the newest, and every other one in between, until under the cap.
  const kept = list.filter((_, i) => i % 2 === 0 || i === list.length - 1);
  return kept.length <= max ? kept : thinSnapshots(kept, max);
}

type Listener = (change: { kind: 'run'; runId: string; event?: RunEvent } | { kind: 'sweep'; sweepId: string; event?: SweepEvent }) => void;

export class RunStore {
  private runs = new Map<string, RunView>();
  private sweeps = new Map<string, SweepView>();
  private listeners = new Set<Listener>();

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(change: Parameters<Listener>[0]): void {
    for (const l of this.listeners) l(change);
  }

  applyRunEvent(runId: string, label: string, e: RunEvent): void {
    const run = this.runs.get(runId) ?? { runId, label, status: 'running', metrics: [], attention: [] };
    switch (e.type) {
      case 'started':
        run.started = e;
        break;
      case 'metrics':
        run.metrics.push(e);
        break;
      case 'attention':
        run.attention = thinSnapshots([...run.attention, e]);
        break;
      case 'finished':
        run.summary = e.summary;
        run.status = e.summary.status;
        break;
      case 'failed':
        run.status = 'failed';
        break;
    }
    this.runs.set(runId, run);
    this.notify({ kind: 'run', runId, event: e });
  }

  /** A trainer that exited without a final event (crash, kill). */
  markRunEnded(runId: string, status: RunView['status']): void {
    const run = this.runs.get(runId);
    if (run && run.status === 'running') {
      run.status = status;
      this.notify({ kind: 'run', runId });
    }
  }

  applySweepEvent(sweepId: string, name: string, successRate: number, e: SweepEvent): void {
    const sweep = this.sweeps.get(sweepId) ?? { sweepId, name, status: 'running', runsDone: 0, plannedRuns: 0, successRate, variants: [] };
    switch (e.type) {
      case 'sweep-started':
        sweep.plannedRuns = e.plannedRuns;
        sweep.variants = e.variants.map((label, i) => emptyVariant(label, e.protocols[i]));
        break;
      case 'cell-finished':
        sweep.runsDone = e.runsDone;
        sweep.plannedRuns = Math.max(e.plannedRuns, e.runsDone);
        break;
      case 'mstar-updated': {
        const v = sweep.variants.find((x) => x.label === e.variant);
        if (v) v.points = [...v.points.filter((p) => p.T !== e.point.T), e.point].sort((a, b) => a.T - b.T);
        break;
      }
      case 'fit-updated': {
        const v = sweep.variants.find((x) => x.label === e.variant);
        if (v) Object.assign(v, fitOf(e));
        break;
      }
      case 'sweep-summary':
        sweep.summary = e;
        sweep.status = e.status;
        sweep.variants = summaryVariants(e);
        break;
      default:
        break;
    }
    this.sweeps.set(sweepId, sweep);
    this.notify({ kind: 'sweep', sweepId, event: e });
  }

  markSweepEnded(sweepId: string, status: SweepView['status']): void {
    const sweep = this.sweeps.get(sweepId);
    if (sweep && sweep.status === 'running') {
      sweep.status = status;
      this.notify({ kind: 'sweep', sweepId });
    }
  }

  run(runId: string): RunView | undefined {
    return this.runs.get(runId);
  }
  sweep(sweepId: string): SweepView | undefined {
    return this.sweeps.get(sweepId);
  }
  allRuns(): RunView[] {
    return [...this.runs.values()];
  }
  allSweeps(): SweepView[] {
    return [...this.sweeps.values()];
  }
  runningCount(): number {
    return this.allRuns().filter((r) => r.status === 'running').length + this.allSweeps().filter((s) => s.status === 'running').length;
  }
  forget(runId: string): void {
    this.runs.delete(runId);
    this.notify({ kind: 'run', runId });
  }
}
