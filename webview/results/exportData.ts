// The data behind each chart as CSV and JSON, for the Export buttons. Pure, so the formats are tested
// in Node; the host only writes `content` to the file the user picks.
import type { AttentionEvent, MetricsEvent } from '../../src/protocol/runEvents';
import { type CsvCell as Cell, toCsv } from '../../src/protocol/csv';
import { type CurveMetric, settingsBands } from '../../src/protocol/seedGroups';
import type { AccuracyGrid } from '../../src/protocol/accuracyGrid';
import type { RunModel, SweepModel } from './state';

export { toCsv };

/** A file name stem from a label: letters, digits, dot, dash and underscore only. */
export const fileStem = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'results';

export type CurveKey = CurveMetric;

export const curveValue = (m: MetricsEvent, key: CurveKey): number | null => m[key];

/** Long format (one row per run and step), so any number of runs fits one table. */
export function curveCsv(runs: RunModel[], key: CurveKey): string {
  const rows = runs.flatMap((r) => r.metrics.map((m): Cell[] => [r.runId, r.label, m.step, curveValue(m, key)]));
  return toCsv(['runId', 'label', 'step', key], rows);
}

export function curveJson(runs: RunModel[], key: CurveKey): string {
  return JSON.stringify(
    runs.map((r) => ({ runId: r.runId, label: r.label, points: r.metrics.map((m) => ({ step: m.step, [key]: curveValue(m, key) })) })),
    null,
    2,
  );
}

/**
 * The curves as drawn in "Mean ± 95 %" mode: one row per group and evaluation step with the mean,
 * the band's bounds (empty where fewer than 2 runs have a value) and how many runs it averages.
 * `group` is the group's label as the chart shows it (name, then the settings that differ).
 */
export function bandCsv(runs: RunModel[], key: CurveKey): string {
  const rows = settingsBands(runs, key).flatMap((g) => g.band.map((p): Cell[] => [g.label, key, p.step, p.mean, p.low, p.high, p.n]));
  return toCsv(['group', 'metric', 'step', 'mean', 'lower', 'upper', 'n'], rows);
}

export function bandJson(runs: RunModel[], key: CurveKey): string {
  return JSON.stringify(
    settingsBands(runs, key).map((g) => ({
      group: g.label,
      metric: key,
      runIds: g.runs.map((r) => r.runId),
      points: g.band.map((p) => ({ step: p.step, mean: p.mean, lower: p.low, upper: p.high, n: p.n })),
    })),
    null,
    2,
  );
}

/** Every head's [CLS] row for one snapshot, position by position, with the relevant bits flagged. */
export function attentionCsv(event: AttentionEvent): string {
  const relevant = new Set(event.relevant);
  const rows: Cell[][] = [];
  event.layers.forEach((layer, l) =>
    layer.heads.forEach((head, h) => head.cls.forEach((v, token) => rows.push([event.step, l + 1, h + 1, token === 0 ? '[CLS]' : token - 1, token > 0 && relevant.has(token - 1), v]))),
  );
  return toCsv(['step', 'layer', 'head', 'position', 'relevant', 'attentionFromCls'], rows);
}

export const attentionJson = (event: AttentionEvent) => JSON.stringify(event);

type PointLogistic = SweepModel['variants'][number]['points'][number]['logistic'];

/**
 * Why `logisticMStar` is blank: core's reason when the fit is not identified; none is computed while a
 * sweep runs (the logistic fit is part of the final summary), so that is said too.
 */
export function logisticNote(logistic: PointLogistic): string {
  if (!logistic) return 'not computed: the logistic fit comes with the sweep\'s final summary';
  return logistic.identified ? '' : `not identified: ${logistic.reason}`;
}

/** m*(T) per variant with its interval (the points of the sample-complexity chart). */
export function mStarCsv(sweep: SweepModel): string {
  const rows = sweep.variants.flatMap((v) =>
    v.points.map((p): Cell[] => [v.label, p.T, p.status, p.mStar, p.interval[0], p.interval[1], p.logistic?.identified ? p.logistic.mStar : null, logisticNote(p.logistic)]),
  );
  return toCsv(['variant', 'T', 'status', 'mStar', 'intervalLow', 'intervalHigh', 'logisticMStar', 'logisticMStarNote'], rows);
}

/** Successes per (variant, T, m): the table under the chart. */
export function cellsCsv(sweep: SweepModel): string {
  const rows = sweep.variants.flatMap((v) =>
    v.points.flatMap((p) => p.cells.map((c): Cell[] => [v.label, p.T, c.m, c.successes, c.trials, c.failedRuns, c.status, c.wilson[0], c.wilson[1]])),
  );
  return toCsv(['variant', 'T', 'm', 'successes', 'trials', 'failedRuns', 'status', 'wilsonLow', 'wilsonHigh'], rows);
}

export function sweepJson(sweep: SweepModel): string {
  const { sweepId, name, status, runsDone, plannedRuns, successRate, variants } = sweep;
  return JSON.stringify({ sweepId, name, status, runsDone, plannedRuns, successRate, variants }, null, 2);
}

/** One variant's accuracy heatmap as data: a row per (T, m) cell with runs, both statistics' source values. */
export function accuracyCsv(grid: AccuracyGrid): string {
  return toCsv(['variant', 'T', 'm', 'runs', 'failedRuns', `${grid.stat}TestAccuracy`, 'status'], grid.cells.map((c): Cell[] => [grid.variant, c.T, c.m, c.runs, c.failedRuns, c.value, c.status]));
}
