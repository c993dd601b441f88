// The T × m accuracy heatmap's model (the public reproduction's read-out): one row per context length
// T, one column per training-set size m, a cell for every (T, m) that has runs, holding the median or
// mean final test accuracy core computed (core/sweep/cellAccuracy.ts), and per row the m*(T) boundary.
// Shared by the results panel (canvas), the HTML report and the SVG export. Pure.
import type { z } from 'zod';
import type { VariantResult } from './sweepEvents';

type Variant = z.infer<typeof VariantResult>;
export type AccuracyStat = 'median' | 'mean';

export interface GridCell {
  T: number;
  m: number;
  row: number;
  col: number;
  /** Runs that finished (trials) and runs whose outcome is unknown (crashed or refused). */
  runs: number;
  failedRuns: number;
  /** The cell's median or mean final test accuracy; null when none was recorded (older summaries). */
  value: number | null;
  status: 'passed' | 'failed' | 'incomplete';
}

export interface AccuracyGrid {
  variant: string;
  stat: AccuracyStat;
  Ts: number[];
  ms: number[];
  cells: GridCell[];
  /** Per row (T), the column of m* (the first passing size), or null where m* is not found. */
  boundary: (number | null)[];
}

export function accuracyGrid(v: Variant, stat: AccuracyStat): AccuracyGrid {
  const points = v.points.filter((p) => p.cells.length).sort((a, b) => a.T - b.T);
  const Ts = points.map((p) => p.T);
  const ms = [...new Set(points.flatMap((p) => p.cells.map((c) => c.m)))].sort((a, b) => a - b);
  const cells = points.flatMap((p, row) =>
    p.cells
      .filter((c) => c.trials + c.failedRuns > 0)
      .map((c): GridCell => ({
        T: p.T,
        m: c.m,
        row,
        col: ms.indexOf(c.m),
        runs: c.trials,
        failedRuns: c.failedRuns,
        value: (stat === 'median' ? c.medianTestAccuracy : c.meanTestAccuracy) ?? null,
        status: c.status,
      })),
  );
  const boundary = points.map((p) => {
    const col = p.status === 'found' && p.mStar !== null ? ms.indexOf(p.mStar) : -1;
    return col >= 0 ? col : null;
  });
  return { variant: v.label, stat, Ts, ms, cells, boundary };
}

/** What a hover says about a cell: "T = 8, m = 64: median 0.94 of 2 runs". */
export function cellText(cell: GridCell, stat: AccuracyStat): string {
  const runs = `${cell.runs} run${cell.runs === 1 ? '' : 's'}`;
  const failed = cell.failedRuns ? ` (${cell.failedRuns} crashed or refused)` : '';
  const value = cell.value === null ? 'no accuracy recorded' : `${stat} test accuracy ${cell.value.toFixed(3)}`;
  return `T = ${cell.T}, m = ${cell.m}: ${value} of ${runs}${failed}; ${cell.status}`;
}
