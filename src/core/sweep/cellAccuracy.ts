// A cell's accuracy read-out, the public reproduction's T × m heatmap: the median (and mean) final
// test accuracy of the cell's finished runs. Crashed and refused runs have no accuracy and are left
// out; a cell with no finished run has none (null), which the heatmap draws as an empty cell.
import { mean, median } from 'simple-statistics';

export interface CellAccuracy {
  medianTestAccuracy: number | null;
  meanTestAccuracy: number | null;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** The median and mean of the finished runs' final test accuracies (null for none), to 4 decimals. */
export function cellAccuracy(accuracies: readonly number[]): CellAccuracy {
  const finite = accuracies.filter((a) => Number.isFinite(a));
  if (!finite.length) return { medianTestAccuracy: null, meanTestAccuracy: null };
  return { medianTestAccuracy: round(median([...finite])), meanTestAccuracy: round(mean([...finite])) };
}
