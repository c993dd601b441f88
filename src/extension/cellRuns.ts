// Drill-down: the runs behind one cell of a sweep, read back from their folders
// (<sweepDir>/runs/<variant>-T<T>-m<m>-seed<N>, named by src/store/cellRunId.ts) and folded
// with the same RunStore the panel's snapshots come from. No vscode import, so it is unit-tested directly.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { RunView } from '../protocol/panelMessages';
import { type CellRunRef, parseCellRunId } from '../store/cellRunId';
import { readEventsNewestAttention } from '../store/runFolder';
import { sweepRunsDir } from '../store/sweepFolder';
import { replayRun } from './diskState';
import { RunStore } from './runStore';

/** The cell's run folders, by seed. Exact match on variant, T and m, so `tiny` does not claim `tiny-2`'s runs. */
export function cellRunDirs(sweepDir: string, variant: string, T: number, m: number): string[] {
  const runsDir = sweepRunsDir(sweepDir);
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .map(parseCellRunId)
    .filter((r): r is CellRunRef => r !== undefined && r.variant === variant && r.T === T && r.m === m)
    .sort((a, b) => a.seed - b.seed)
    .map((r) => path.join(runsDir, r.runId));
}

/**
 * The cell's runs as the panel shows runs. Only the newest attention snapshot is read and kept (the
 * cell view draws one heatmap per run) and the metrics go without their weight norms (it draws no
 * norms), so a cell of many seeds stays a small message. A run with no summary is
 * `running` while its sweep runs, else `interrupted`.
 */
export function readCellRuns(sweepDir: string, variant: string, T: number, m: number, sweepRunning: boolean): RunView[] {
  const store = new RunStore();
  for (const dir of cellRunDirs(sweepDir, variant, T, m)) {
    const runId = path.basename(dir);
    replayRun(store, dir, runId, runId, undefined, readEventsNewestAttention);
    if (!store.run(runId)) continue; // an empty folder: nothing to show yet
    if (!sweepRunning) store.markRunEnded(runId, 'interrupted', 'the sweep stopped before this run finished');
  }
  // The cell view draws no norms: leaving them out halves a 16-head cell's message.
  return store.allRuns().map((r) => ({ ...r, metrics: r.metrics.map(({ norms: _norms, ...m }) => m), attention: r.attention.slice(-1) }));
}
