// Which runs the learning curves' "Mean ± 95 %" mode averages together, what each group is called,
// and each group's band. The one implementation: the panel draws these groups (bandCurves.ts) and
// exports the same numbers (exportData.ts). Pure: no DOM, no vscode.
//
// A group is the runs that share an experiment NAME and every SETTING of the resolved spec except
// the seed. The settings matter because a mean over different learning rates (say) is not a seed
// band at all. The name matters too, and we keep it deliberately: two experiment files with the same
// settings (a control repeated under another name, a file copied before being edited) are the
// user's statement that these are different experiments, and silently pooling them would hide that.
// So runs of one file that differ only by `seed` form one group; anything else splits them.
import { type BandPoint, groupRuns, meanBand } from './seedBands';
import type { RunView } from './panelMessages';
import { type CellValue, differingPaths, flattenSpec } from './runsTable';

/** The learning-curve metrics a band can be drawn for. */
export type CurveMetric = 'loss' | 'trainAccuracy' | 'testAccuracy' | 'attentionOnRelevant';

/** Spec paths that are not settings: what tells seeds apart, the name (keyed on its own) and the file's schema link. */
const NOT_SETTINGS = new Set(['seed', 'name', '$schema']);

/** A label lists at most this many differing settings, then "+ n more" (the runs table shows them all). */
const MAX_LABEL_SETTINGS = 4;

export interface SettingsGroup {
  /** Stable identity of the group: name and settings (JSON). */
  key: string;
  /** The name, then the settings that differ between the groups: "tiny-and · training.learningRate = 0.01". */
  label: string;
  runs: RunView[];
}

export interface BandGroup extends SettingsGroup {
  band: BandPoint[];
}

/** The experiment's name: the spec's, else the file it was started from, else the run's label. */
export function experimentName(run: RunView): string {
  // Typed, but a recording's spec is kept as written, so the name may still be missing.
  const name: unknown = run.started?.spec.name;
  return typeof name === 'string' && name ? name : (run.experimentFile ?? run.label);
}

/** A run's settings: its resolved spec flattened to dotted paths, less the seed, name and schema link. Undefined before `started`. */
export function settingsOf(run: RunView): Record<string, CellValue> | undefined {
  return run.started ? settingsOfSpec(run.started.spec) : undefined;
}

/** A resolved spec's settings: flattened to dotted paths, less the seed, name and schema link. */
export function settingsOfSpec(spec: unknown): Record<string, CellValue> {
  const flat = flattenSpec(spec);
  for (const p of NOT_SETTINGS) delete flat[p];
  return flat;
}

const formatSetting = (path: string, value: CellValue | undefined) => `${path} = ${value === null || value === undefined ? 'none' : value}`;

/**
 * The runs grouped by name and settings minus seed, in order of first appearance. A run still
 * waiting for its `started` event has no settings yet: it is grouped by name alone, apart from the
 * runs whose settings are known, until they arrive.
 */
export function groupBySettings(runs: RunView[]): SettingsGroup[] {
  const settings = new Map(runs.map((r) => [r, settingsOf(r)]));
  const keyOf = (r: RunView) => {
    const s = settings.get(r);
    // Sorted paths, so the same settings written in another order are one group.
    return JSON.stringify([experimentName(r), s ? Object.entries(s).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null]);
  };
  const groups = groupRuns(runs, keyOf);
  // What tells the groups apart: the "which paths differ" rule of the runs table, over one
  // representative per group whose settings are known.
  const known = groups.map((g) => settings.get(g.runs[0])).filter((s): s is Record<string, CellValue> => s !== undefined);
  const differing = differingPaths(known);
  return groups.map((g) => {
    const s = settings.get(g.runs[0]);
    const parts = [experimentName(g.runs[0])];
    if (s) {
      parts.push(...differing.slice(0, MAX_LABEL_SETTINGS).map((p) => formatSetting(p, s[p])));
      if (differing.length > MAX_LABEL_SETTINGS) parts.push(`+ ${differing.length - MAX_LABEL_SETTINGS} more`);
    } else parts.push('settings not known yet');
    return { key: g.key, label: parts.join(' · '), runs: g.runs };
  });
}

/** Per group, the mean of one metric with its 95 % band across the group's seeds, step by step. */
export function settingsBands(runs: RunView[], metric: CurveMetric): BandGroup[] {
  return groupBySettings(runs).map((g) => ({ ...g, band: meanBand(g.runs.map((r) => r.metrics.map((m) => ({ step: m.step, value: m[metric] })))) }));
}
