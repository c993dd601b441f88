// What Compare Runs offers: every single run, labelled by what tells it from the runs of the same
// experiment ("two-t · T = 12 (seed 1)"), grouped by experiment; then every sweep's runs, grouped by
// sweep and context length, labelled by their cell ("transformer · T = 8 · m = 64 (seed 0)"). The
// picker showed raw ids of single runs only. No vscode import: the items are plain data.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fullLabel, labelParts, specInput } from '../protocol/runLabels';
import { parseCellRunId } from '../store/cellRunId';
import { readRunSpec } from '../store/runFolder';
import { parseRunId } from '../store/runId';
import { sweepRunsDir } from '../store/sweepFolder';

export type CompareItem = { kind: 'separator'; label: string } | { kind: 'run'; label: string; detail: string; runDir: string };

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : []);

/** Single runs: newest first within each experiment, experiments by name. */
export function singleRunItems(runsDir: string): CompareItem[] {
  const ids = list(runsDir).sort().reverse();
  const inputs = ids.map((id) => specInput(readRunSpec(path.join(runsDir, id)), parseRunId(id)?.name ?? id));
  const parts = labelParts(inputs);
  const names = [...new Set(inputs.map((i) => i.name))].sort();
  return names.flatMap((name): CompareItem[] => [
    { kind: 'separator', label: name },
    ...ids.flatMap((id, i): CompareItem[] => (inputs[i].name === name ? [{ kind: 'run', label: fullLabel(parts[i]), detail: id, runDir: path.join(runsDir, id) }] : [])),
  ]);
}

/** A sweep's runs by T, then m, then seed, with a separator per (sweep, variant, T). */
function sweepRuns(sweepsDir: string, sweep: string): CompareItem[] {
  const dir = sweepRunsDir(path.join(sweepsDir, sweep));
  const refs = list(dir)
    .map(parseCellRunId)
    .filter((r) => r !== undefined)
    .sort((a, b) => a.variant.localeCompare(b.variant) || a.T - b.T || a.m - b.m || a.seed - b.seed);
  const out: CompareItem[] = [];
  let group = '';
  for (const r of refs) {
    const heading = `sweep ${sweep} · ${r.variant} · T = ${r.T}`;
    if (heading !== group) out.push({ kind: 'separator', label: (group = heading) });
    out.push({ kind: 'run', label: `${r.variant} · T = ${r.T} · m = ${r.m} (seed ${r.seed})`, detail: `${sweep}/${r.runId}`, runDir: path.join(dir, r.runId) });
  }
  return out;
}

export function compareRunItems(dirs: { runs: string; sweeps: string }): CompareItem[] {
  return [...singleRunItems(dirs.runs), ...list(dirs.sweeps).sort().flatMap((s) => sweepRuns(dirs.sweeps, s))];
}
