// Which rows of the runs tree a batch of changes touches. While a run trains, its row changes a few
// times a second; redrawing the whole tree that often swallowed clicks on other rows' inline buttons
// (Cancel Run on a queued row). So only the touched nodes are refreshed: a run's own row, the
// experiment a new or queued run appears under, a sweep's results row, or the whole sweep when its
// cells change. A full refresh is left to changes of the set of experiment and sweep files.
// No vscode import, so it is unit-tested directly.
import * as path from 'node:path';
import type { SweepEvent } from '../protocol/sweepEvents';

/** Changes gathered between two (throttled) refreshes. */
export interface TreeChanges {
  runs: Set<string>;
  /** Sweep folder → whether its cells may have changed (not only its progress). */
  sweeps: Map<string, boolean>;
  /** Experiment files whose queued runs changed. */
  experimentFiles: Set<string>;
}

export const noTreeChanges = (): TreeChanges => ({ runs: new Set(), sweeps: new Map(), experimentFiles: new Set() });

/** Sweep events after which its T/m/seed rows or cell verdicts can differ; the rest move only its progress. */
const STRUCTURAL: ReadonlySet<SweepEvent['type']> = new Set(['sweep-started', 'cell-started', 'cell-finished', 'sweep-summary']);

export function noteStoreChange(changes: TreeChanges, change: { kind: 'run'; runId: string } | { kind: 'sweep'; sweepId: string; event?: SweepEvent }): void {
  if (change.kind === 'run') {
    changes.runs.add(change.runId);
    return;
  }
  // No event: the sweep was re-read from disk, forgotten or marked ended: anything may differ.
  const structural = !change.event || STRUCTURAL.has(change.event.type);
  changes.sweeps.set(change.sweepId, (changes.sweeps.get(change.sweepId) ?? false) || structural);
}

/** A node the tree has handed out, as far as refreshing goes. */
export type IndexedNode =
  | { key: string; kind: 'experiment'; file: string }
  | { key: string; kind: 'run'; runId: string }
  | { key: string; kind: 'sweep' | 'sweepRun'; sweepDir: string }
  | { key: string; kind: 'other' };

const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);

/**
 * The keys of the nodes to refresh. A run with a row gets its row redrawn; a run without one (just
 * started) makes its experiment re-list its children (`experimentOf`: the file it was started from,
 * when known; else every experiment). A sweep redraws its results row, or its whole subtree when its
 * cells changed. Nodes the tree has not shown yet need nothing: they are read when expanded.
 */
export function nodesToRefresh(changes: TreeChanges, nodes: readonly IndexedNode[], experimentOf: (runId: string) => string | undefined): string[] {
  const out = new Set<string>();
  const experiments = nodes.filter((n): n is Extract<IndexedNode, { kind: 'experiment' }> => n.kind === 'experiment');
  const relist = (file: string | undefined) => {
    for (const e of experiments) if (file === undefined || same(e.file, file)) out.add(e.key);
  };
  for (const runId of changes.runs) {
    const rows = nodes.filter((n) => n.kind === 'run' && n.runId === runId);
    if (rows.length) for (const r of rows) out.add(r.key);
    else relist(experimentOf(runId));
  }
  for (const file of changes.experimentFiles) relist(file);
  for (const [sweepDir, structural] of changes.sweeps) {
    for (const n of nodes) {
      if ((n.kind === 'sweep' || n.kind === 'sweepRun') && same(n.sweepDir, sweepDir) && (structural ? n.kind === 'sweep' : n.kind === 'sweepRun')) out.add(n.key);
    }
  }
  // A node whose experiment or sweep is refreshed anyway is redrawn with it.
  return [...out].filter((key) => ![...out].some((other) => other !== key && key.startsWith(`${other}\u203a`)));
}
