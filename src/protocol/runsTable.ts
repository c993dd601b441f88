// The runs table (in the manner of DVC's experiments table): one row per run the panel holds, a
// column for every experiment parameter whose value differs between the runs (the resolved spec
// flattened to dotted paths) and the final metrics. The one computation of the table's rows and
// columns: the panel renders them, sorts and filters them with these functions, and exports the
// same rows as CSV. Pure: no DOM, no vscode.
import { backendLabel } from './backendLabel';
import { type CsvCell, toCsv } from './csv';
import type { RunView } from './panelMessages';

export type CellValue = string | number | null;

export interface RunsColumn {
  /** Dotted spec path for a parameter (`model.heads`), the metric's name for a metric. */
  key: string;
  label: string;
  kind: 'param' | 'metric';
  /** Sorted numerically (else as text); all of a column's non-empty values are numbers. */
  numeric: boolean;
}

export interface RunsRow {
  runId: string;
  label: string;
  values: Record<string, CellValue>;
}

export interface RunsTable {
  columns: RunsColumn[];
  rows: RunsRow[];
}

/** The final metrics, in the order shown. Test accuracy and variable creation are shares in [0, 1]. */
export const METRIC_COLUMNS: readonly RunsColumn[] = [
  { key: 'testAccuracy', label: 'Test accuracy', kind: 'metric', numeric: true },
  { key: 'attentionOnRelevant', label: 'Variable creation', kind: 'metric', numeric: true },
  { key: 'steps', label: 'Steps', kind: 'metric', numeric: true },
  { key: 'wallSeconds', label: 'Wall time (s)', kind: 'metric', numeric: true },
  { key: 'backend', label: 'Backend', kind: 'metric', numeric: false },
  { key: 'status', label: 'Status', kind: 'metric', numeric: false },
];

/** The column the run's label sits in (always first, always there). */
export const LABEL_KEY = 'label';

/**
 * A nested spec as dotted paths to leaf values. Arrays are one value (their JSON), since a list such
 * as `task.relevant` is one parameter; booleans become text so they compare and print as written.
 */
export function flattenSpec(spec: unknown, prefix = '', out: Record<string, CellValue> = {}): Record<string, CellValue> {
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
    for (const [k, v] of Object.entries(spec as Record<string, unknown>)) flattenSpec(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = typeof spec === 'number' || typeof spec === 'string' ? spec : spec === null || spec === undefined ? null : Array.isArray(spec) ? JSON.stringify(spec) : String(spec);
  }
  return out;
}

/** The final metrics of a run: its summary once finished, else the newest evaluation so far. */
function metricValues(run: RunView): Record<string, CellValue> {
  const s = run.summary;
  const m = run.metrics[run.metrics.length - 1];
  // The summary's backend once finished, else the started event's (the same on a run that ran).
  const b = s ?? run.started;
  return {
    testAccuracy: s ? s.testAccuracy : (m?.testAccuracy ?? null),
    attentionOnRelevant: s ? s.attentionOnRelevant : (m?.attentionOnRelevant ?? null),
    steps: s ? s.steps : (m?.step ?? null),
    wallSeconds: s ? s.wallSeconds : (m?.elapsedSeconds ?? null),
    backend: b ? backendLabel(b.backend, b.adapter) : null,
    status: run.status,
  };
}

/**
 * The dotted paths whose value (missing counts as a value) is not the same in every one of these
 * flattened specs, in the order the specs list them (task before model before training, as
 * written). The one "which settings differ" rule: the table's columns and the seed bands' group
 * labels (seedGroups.ts) both use it.
 */
export function differingPaths(specs: readonly Record<string, CellValue>[]): string[] {
  const paths = [...new Set(specs.flatMap((s) => Object.keys(s)))];
  return paths.filter((p) => new Set(specs.map((s) => JSON.stringify(s[p] ?? null))).size > 1);
}

/**
 * The table of these runs. A parameter is a column when its value (missing counts as a value) is not
 * the same in every run whose spec is known; a run still waiting for its `started` event has no
 * spec yet and neither adds nor hides columns.
 */
export function runsTable(runs: RunView[]): RunsTable {
  const specs = runs.map((r) => (r.started ? flattenSpec(r.started.spec) : undefined));
  const known = specs.filter((s): s is Record<string, CellValue> => s !== undefined);
  const differing = differingPaths(known);
  const params: RunsColumn[] = differing.map((p) => ({
    key: p,
    label: p,
    kind: 'param',
    numeric: known.every((s) => s[p] === undefined || s[p] === null || typeof s[p] === 'number'),
  }));
  const rows = runs.map((run, i) => {
    const values: Record<string, CellValue> = {};
    for (const c of params) values[c.key] = specs[i]?.[c.key] ?? null;
    return { runId: run.runId, label: run.label, values: { ...values, ...metricValues(run) } };
  });
  return { columns: [...params, ...METRIC_COLUMNS], rows };
}

export type SortDirection = 'asc' | 'desc';
export interface SortOrder {
  key: string;
  direction: SortDirection;
}

const valueOf = (row: RunsRow, key: string): CellValue => (key === LABEL_KEY ? row.label : (row.values[key] ?? null));

/**
 * Rows in the order of one column: numbers numerically, text in natural order ("run 2" before
 * "run 10"); empty cells last in either direction; ties keep the table's order.
 */
export function sortRows(rows: RunsRow[], order: SortOrder | undefined): RunsRow[] {
  if (!order) return [...rows];
  const sign = order.direction === 'asc' ? 1 : -1;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return rows
    .map((row, index) => ({ row, index, v: valueOf(row, order.key) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.index - b.index : a.v === null ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c !== 0 ? sign * c : a.index - b.index;
    })
    .map((x) => x.row);
}

/** How a cell reads in the table (and what the filter searches): shares as percentages. */
export function formatCell(key: string, value: CellValue): string {
  if (value === null) return '–';
  if (typeof value === 'number') {
    if (key === 'testAccuracy' || key === 'attentionOnRelevant') return `${(value * 100).toFixed(1)}%`;
    if (key === 'wallSeconds') return value.toFixed(1);
    return String(value);
  }
  return value;
}

/** Rows where the text (case-insensitive) occurs in the label or any shown cell. */
export function filterRows(rows: RunsRow[], columns: readonly RunsColumn[], text: string): RunsRow[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return rows;
  return rows.filter((row) => [row.label, row.runId, ...columns.map((c) => formatCell(c.key, row.values[c.key] ?? null))].some((s) => s.toLowerCase().includes(needle)));
}

/** The rows as CSV, raw values (shares as fractions, seconds unrounded), columns as in the table. */
export function runsTableCsv(columns: readonly RunsColumn[], rows: RunsRow[]): string {
  return toCsv(
    ['runId', 'label', ...columns.map((c) => c.key)],
    rows.map((r): CsvCell[] => [r.runId, r.label, ...columns.map((c) => r.values[c.key] ?? null)]),
  );
}
