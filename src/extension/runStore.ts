// The host's state: every run and sweep the results panel can show, built from events (live over
// IPC or replayed from events.jsonl) with the one fold shared with the webview (src/protocol/viewFold).
// Pure: no vscode import, so it is unit-tested directly.
import type { RunView, SweepView } from '../protocol/panelMessages';
import type { RunEvent } from '../protocol/runEvents';
import type { SweepEvent } from '../protocol/sweepEvents';
import { foldRunEvent, foldSweepEvent, newRunView, newSweepView } from '../protocol/viewFold';

export { MAX_SNAPSHOTS, thinSnapshots } from '../protocol/viewFold';

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

  applyRunEvent(runId: string, label: string, e: RunEvent, experimentFile?: string): void {
    const run = this.runs.get(runId) ?? newRunView(runId, label);
    if (experimentFile) run.experimentFile = experimentFile;
    foldRunEvent(run, e);
    this.runs.set(runId, run);
    this.notify({ kind: 'run', runId, event: e });
  }

  /** A trainer that exited without a final event (crash, kill), or a run read back with no live trainer. */
  markRunEnded(runId: string, status: RunView['status'], failure?: string): void {
    const run = this.runs.get(runId);
    if (run && run.status === 'running') {
      run.status = status;
      if (failure) run.failure = failure;
      this.notify({ kind: 'run', runId });
    }
  }

  applySweepEvent(sweepId: string, name: string, e: SweepEvent): void {
    const sweep = this.sweeps.get(sweepId) ?? newSweepView(sweepId, name);
    foldSweepEvent(sweep, e);
    this.sweeps.set(sweepId, sweep);
    this.notify({ kind: 'sweep', sweepId, event: e });
  }

  markSweepEnded(sweepId: string, status: SweepView['status']): void {
    const sweep = this.sweeps.get(sweepId);
    if (sweep && sweep.status === 'running') {
      sweep.status = status;
      sweep.active = [];
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
  /** Drops a run or sweep (deleted from disk): the panel's next snapshot no longer shows it. */
  forget(id: string): void {
    if (this.runs.delete(id)) this.notify({ kind: 'run', runId: id });
    if (this.sweeps.delete(id)) this.notify({ kind: 'sweep', sweepId: id });
  }
}
