// What a run is called wherever runs sit side by side (the learning-curve legend, the panel's header
// and picker, the tree, Compare Runs): its experiment's name, then the settings that differ from its
// siblings, then its seed: "two-t · T = 12 (seed 1)". Two runs of one file with different T were both
// "two-t (seed 1)" before. The "which settings differ" rule is the runs table's (differingPaths); this
// file only picks the short names and the order. Pure: no DOM, no vscode.
import type { RunView } from './panelMessages';
import { type CellValue, differingPaths } from './runsTable';
import { experimentName, settingsOf, settingsOfSpec } from './seedGroups';

/** Short names for the settings researchers vary most; any other path is shown as written. */
const SHORT: Record<string, string> = {
  'task.T': 'T',
  'task.s': 's',
  'task.kind': 'target',
  'task.noise': 'noise',
  'data.trainSize': 'm',
  'data.testSize': 'test size',
  'model.arch': 'arch',
  'model.layers': 'layers',
  'model.heads': 'heads',
  'model.dModel': 'd',
  'training.learningRate': 'lr',
  'training.maxSteps': 'steps',
  'training.batchSize': 'batch',
  'training.weightDecay': 'wd',
};

/** A label names at most this many differing settings, then "+ n more" (the runs table shows them all). */
const MAX_SETTINGS = 3;

export const settingText = (path: string, value: CellValue | undefined): string => `${SHORT[path] ?? path} = ${value === null || value === undefined ? 'none' : value}`;

/** What a label is made of, so the tree can leave out the name its parent row already shows. */
export interface LabelParts {
  name: string;
  /** "T = 12", … : the settings that differ from the runs beside it. */
  settings: string[];
  seed?: number;
}

export interface LabelInput {
  name: string;
  /** The run's settings (flattened spec less seed and name); undefined while not known. */
  settings?: Record<string, CellValue>;
  seed?: number;
}

/** The parts of each run's label among these runs: per experiment name, the settings that differ. */
export function labelParts(runs: readonly LabelInput[]): LabelParts[] {
  const byName = new Map<string, Record<string, CellValue>[]>();
  for (const r of runs) if (r.settings) byName.set(r.name, [...(byName.get(r.name) ?? []), r.settings]);
  const differing = new Map([...byName].map(([name, specs]) => [name, differingPaths(specs)]));
  return runs.map((r) => {
    const paths = r.settings ? (differing.get(r.name) ?? []) : [];
    const settings = paths.slice(0, MAX_SETTINGS).map((p) => settingText(p, r.settings![p]));
    if (paths.length > MAX_SETTINGS) settings.push(`+ ${paths.length - MAX_SETTINGS} more`);
    return { name: r.name, settings, seed: r.seed };
  });
}

/** "two-t · T = 12 (seed 1)"; "two-t (seed 1)" when nothing differs. */
export const fullLabel = (p: LabelParts): string => [p.name, ...p.settings].join(' · ') + (p.seed === undefined ? '' : ` (seed ${p.seed})`);

/** A tree row under its experiment: "T = 12 · seed 1"; "seed 1" when nothing differs. */
export const rowLabel = (p: LabelParts): string => [...p.settings, ...(p.seed === undefined ? [] : [`seed ${p.seed}`])].join(' · ') || p.name;

/** A run folder's resolved spec (experiment.json) as a label input; `name` when the spec has none. */
export function specInput(spec: unknown, name: string): LabelInput {
  const s = (spec && typeof spec === 'object' ? spec : {}) as { name?: unknown; seed?: unknown };
  return {
    name: typeof s.name === 'string' && s.name ? s.name : name,
    settings: spec && typeof spec === 'object' ? settingsOfSpec(spec) : undefined,
    seed: typeof s.seed === 'number' ? s.seed : undefined,
  };
}

/** The panel's runs as label inputs: name and settings from the started event's spec. */
export function runViewInput(run: RunView): LabelInput {
  const seed: unknown = run.started?.spec.seed;
  return { name: experimentName(run), settings: settingsOf(run), seed: typeof seed === 'number' ? seed : undefined };
}

/**
 * Labels for the panel's runs. A run whose spec is not known yet keeps the label it came with; runs
 * still alike after all this (same settings and seed, trained twice) get their id's tail.
 */
export function runViewLabels(runs: readonly RunView[]): string[] {
  const parts = labelParts(runs.map(runViewInput));
  const labels = runs.map((r, i) => (r.started ? fullLabel(parts[i]) : r.label));
  const count = new Map<string, number>();
  labels.forEach((l, i) => runs[i].started && count.set(l, (count.get(l) ?? 0) + 1));
  return labels.map((l, i) => (runs[i].started && (count.get(l) ?? 0) > 1 ? `${l} · ${runs[i].runId.split('-').slice(-2).join('-')}` : l));
}
