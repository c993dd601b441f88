// Runs and sweeps read back from their folders into the RunStore: the one place the host replays
// events.jsonl (through the store's tolerant readers, src/store/), and marks a folder with no summary
// and no live trainer as interrupted. No vscode import, so it is unit-tested directly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { type RunEvent } from '../protocol/runEvents';
import { readEvents, readSummary, runFolderStatus } from '../store/runFolder';
import { parseRunId } from '../store/runId';
import { readSweepEvents, readSweepSummary, sweepFolderStatus } from '../store/sweepFolder';
import { readTrainerRecord } from '../store/trainerRecord';
import type { RunStore } from './runStore';

/** "parity (seed 0)" for a run id made by newRunId; any other id as it is. */
export function runLabel(runId: string): string {
  const p = parseRunId(runId);
  return p ? `${p.name} (seed ${p.seed})` : runId;
}

/** A run's row under its experiment in the tree: "seed 0 · 20261128T120000Z-k3x9"; any other id as it is. */
export function runRowLabel(runId: string): string {
  const p = parseRunId(runId);
  return p ? `seed ${p.seed} · ${p.stamp}-${p.salt}` : runId;
}

/** The id's time stamp and salt ("20261128T120000Z-k3x9"), shown last on a labelled tree row. */
export function runStamp(runId: string): string | undefined {
  const p = parseRunId(runId);
  return p ? `${p.stamp}-${p.salt}` : undefined;
}

/**
 * Whether a run folder belongs to an experiment file: by the file the trainer recorded, else (runs
 * from before that record existed) by the exact experiment name in its id — never by prefix, so
 * `foo` does not claim the runs of `foo-s2`.
 */
export function runBelongsTo(runDir: string, experimentFile: string, experimentName: string): boolean {
  const recorded = readTrainerRecord(runDir)?.experimentFile;
  if (recorded) return path.resolve(recorded) === path.resolve(experimentFile);
  return parseRunId(path.basename(runDir))?.name === experimentName;
}

/**
 * A run folder's events into the store, and its summary when no `finished` event was read (a torn
 * last line, or a folder whose events are not readable yet). Used for every run the host reads back;
 * `read` is the events reader (drill-down reads only each run's newest attention snapshot).
 */
export function replayRun(store: RunStore, runDir: string, runId: string, label: string, experimentFile?: string, read: (runDir: string) => RunEvent[] = readEvents): void {
  const events = read(runDir);
  for (const e of events) store.applyRunEvent(runId, label, e, experimentFile);
  const summary = events.some((e) => e.type === 'finished') ? undefined : readSummary(runDir);
  if (summary) store.applyRunEvent(runId, label, { type: 'finished', summary }, experimentFile);
}

/**
 * Replays a run folder into the store (replacing what it held, so a folder that changed on disk is
 * shown as it now is) and marks it interrupted when its process is gone. Returns the run id.
 */
export function loadRun(store: RunStore, runDir: string): string {
  const runId = path.basename(runDir);
  const label = store.run(runId)?.label ?? runLabel(runId);
  store.forget(runId);
  replayRun(store, runDir, runId, label, readTrainerRecord(runDir)?.experimentFile);
  if (runFolderStatus(runDir) === 'interrupted') {
    const step = store.run(runId)?.metrics.at(-1)?.step ?? 0;
    store.markRunEnded(runId, 'interrupted', `the trainer stopped without finishing (last step reached: ${step}): killed, crashed, or the machine slept`);
  }
  return runId;
}

/** Replays a sweep folder into the store; the sweep's id is its folder. */
export function loadSweep(store: RunStore, sweepDir: string, name = path.basename(sweepDir)): string {
  store.forget(sweepDir);
  for (const e of readSweepEvents(sweepDir)) store.applySweepEvent(sweepDir, name, e);
  const summary = readSweepSummary(sweepDir);
  if (summary && store.sweep(sweepDir)?.status === 'running') store.applySweepEvent(sweepDir, name, summary);
  if (sweepFolderStatus(sweepDir) === 'interrupted') store.markSweepEnded(sweepDir, 'interrupted');
  return sweepDir;
}

/** Run or sweep folder a changed path belongs to, if any (for the file watcher). */
export function folderOf(changed: string, dirs: { runs: string; sweeps: string }): { kind: 'run' | 'sweep'; dir: string } | undefined {
  for (const [kind, root] of [['run', dirs.runs], ['sweep', dirs.sweeps]] as const) {
    const rel = path.relative(root, changed);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    return { kind, dir: path.join(root, rel.split(path.sep)[0]) };
  }
  return undefined;
}

/** What the results panel showed: a run, a sweep (with any cell drilled into), or the runs table and its runs. */
export type ShownView = { kind: 'run'; id: string } | { kind: 'sweep'; id: string } | { kind: 'table'; runIds: string[] };

/** A restored runs table reads back at most this many runs (each is a replay of its folder). */
export const MAX_RESTORED_TABLE_RUNS = 200;

/** A run id as the page saved it names a folder directly under the runs folder, nothing else. */
const isRunFolderName = (x: unknown): x is string => typeof x === 'string' && x !== '' && x !== '.' && x !== '..' && !/[\\/]/.test(x);

/**
 * What the results panel showed, from the state its page saved (selection.ts): `selected` is
 * "run:<id>", "sweep:<folder>" or "table"; with the table, `tableRuns` lists the runs it held. A
 * sweep's drilled-into cell needs nothing here: the page asks for it again once the sweep is back.
 */
export function shownBefore(state: unknown): ShownView | undefined {
  const saved = state as { selected?: unknown; tableRuns?: unknown } | undefined;
  const selected = saved?.selected;
  if (selected === 'table') {
    const ids = Array.isArray(saved?.tableRuns) ? saved.tableRuns.filter(isRunFolderName) : [];
    return { kind: 'table', runIds: [...new Set(ids)].slice(0, MAX_RESTORED_TABLE_RUNS) };
  }
  if (typeof selected !== 'string') return undefined;
  const m = /^(run|sweep):(.+)$/.exec(selected);
  if (!m) return undefined;
  if (m[1] === 'run' && !isRunFolderName(m[2])) return undefined;
  return { kind: m[1] as 'run' | 'sweep', id: m[2] };
}

/**
 * Reads back into the (empty, after a reload) store what the panel showed, and returns the run or
 * sweep the panel should focus. The table has no focus: the page keeps its own choice ("table") once
 * its runs are back. A table's run whose folder is gone (deleted since) is skipped; one that cannot
 * be read is reported through `problem` and the others still load.
 */
export function restoreShown(store: RunStore, shown: ShownView | undefined, runsDir: string | undefined, problem: (message: string) => void): string | undefined {
  if (shown?.kind === 'sweep') return loadSweep(store, shown.id);
  if (!shown || !runsDir) return undefined;
  if (shown.kind === 'run') return loadRun(store, path.join(runsDir, shown.id));
  for (const id of shown.runIds) {
    const dir = path.join(runsDir, id);
    if (!existsSync(dir)) continue;
    try {
      loadRun(store, dir);
    } catch (err) {
      problem(`could not restore run ${id}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

/** Each run or sweep folder under `root` with its mtime (changes when a file is added or replaced). */
export function folderMtimes(root: string): [string, number][] {
  if (!existsSync(root)) return [];
  const out: [string, number][] = [];
  for (const name of readdirSync(root)) {
    try {
      out.push([path.join(root, name), statSync(path.join(root, name)).mtimeMs]);
    } catch {
      // deleted while we looked
    }
  }
  return out;
}

/** The run or sweep folder behind the panel's selection ("run:<id>" or "sweep:<folder>"), if it exists: what Export Results exports. */
export function shownFolder(selected: string | null | undefined, runsDir: string): string | undefined {
  const shown = shownBefore({ selected });
  if (!shown || shown.kind === 'table') return undefined;
  const dir = shown.kind === 'run' ? path.join(runsDir, shown.id) : shown.id;
  return existsSync(dir) ? dir : undefined;
}
