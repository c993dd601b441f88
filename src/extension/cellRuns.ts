// Drill-down: the runs behind one cell of a sweep, read back from their folders
// (<sweepDir>/runs/<variant>-T<T>-m<m>-seed<N>, named by src/core/sweepSpec.ts cellRunId) and folded
// with the same RunStore the panel's snapshots come from. No vscode import, so it is unit-tested directly.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { RunView } from '../protocol/panelMessages';
import { readEvents, readSummary } from '../trainer/runFiles';
import { RunStore } from './runStore';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The cell's run folders, by seed. Exact match on the prefix, so `tiny` does not claim `tiny-2`'s runs. */
export function cellRunDirs(sweepDir: string, variant: string, T: number, m: number): string[] {
  const runsDir = path.join(sweepDir, 'runs');
  if (!existsSync(runsDir)) return [];
  const pattern = new RegExp(`^${escapeRegExp(variant)}-T${T}-m${m}-seed(\\d+)$`);
  return readdirSync(runsDir)
    .map((name) => ({ name, seed: pattern.exec(name)?.[1] }))
    .filter((x): x is { name: string; seed: string } => x.seed !== undefined)
    .sort((a, b) => Number(a.seed) - Number(b.seed))
    .map((x) => path.join(runsDir, x.name));
}

/**
 * The cell's runs as the panel shows runs. Only the newest attention snapshot is kept (the cell view
 * draws one heatmap per run), so a cell of many seeds stays a small message. A run with no summary is
 * `running` while its sweep runs, else `interrupted`.
 */
export function readCellRuns(sweepDir: string, variant: string, T: number, m: number, sweepRunning: boolean): RunView[] {
  const store = new RunStore();
  for (const dir of cellRunDirs(sweepDir, variant, T, m)) {
    const runId = path.basename(dir);
    const events = readEvents(dir);
    for (const e of events) store.applyRunEvent(runId, runId, e);
    const summary = readSummary(dir);
    if (summary && !events.some((e) => e.type === 'finished')) store.applyRunEvent(runId, runId, { type: 'finished', summary });
    if (!store.run(runId)) continue; // an empty folder: nothing to show yet
    if (!sweepRunning) store.markRunEnded(runId, 'interrupted', 'the sweep stopped before this run finished');
  }
  return store.allRuns().map((r) => ({ ...r, attention: r.attention.slice(-1) }));
}
