// How a sweep's runs are laid out in the tree: by variant (only when there are several), then by
// context length T, then by training-set size m, then one leaf per seed. Run folders are named
// `<variantLabel>-T<T>-m<m>-seed<N>` (src/store/cellRunId.ts). The pass tallies shown next to
// each m are the sweep's own `cell-finished` verdicts (src/core/sweep/sweepBook), never recounted here.
// No vscode import, so it is unit-tested directly.
import { type CellRunRef, parseCellRunId } from '../store/cellRunId';
import type { SweepEvent } from '../protocol/sweepEvents';

export interface MGroup {
  m: number;
  /** Ascending seed. */
  runs: CellRunRef[];
}
export interface TGroup {
  T: number;
  /** Ascending m. */
  sizes: MGroup[];
}
export interface VariantGroup {
  variant: string;
  /** Ascending T. */
  lengths: TGroup[];
}

/**
 * Groups a sweep's run folder names, variants in `variantOrder` (the sweep's own order: base first)
 * then any others alphabetically; T, m and seed ascending. Names of another shape are left out.
 */
export function groupSweepRuns(runIds: readonly string[], variantOrder: readonly string[] = []): VariantGroup[] {
  const byVariant = new Map<string, Map<number, Map<number, CellRunRef[]>>>();
  for (const id of runIds) {
    const ref = parseCellRunId(id);
    if (!ref) continue;
    const lengths = byVariant.get(ref.variant) ?? new Map<number, Map<number, CellRunRef[]>>();
    byVariant.set(ref.variant, lengths);
    const sizes = lengths.get(ref.T) ?? new Map<number, CellRunRef[]>();
    lengths.set(ref.T, sizes);
    const runs = sizes.get(ref.m) ?? [];
    sizes.set(ref.m, runs);
    runs.push(ref);
  }
  const rank = (v: string) => {
    const i = variantOrder.indexOf(v);
    return i < 0 ? variantOrder.length : i;
  };
  const variants = [...byVariant.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const asc = (a: number, b: number) => a - b;
  return variants.map((variant) => {
    const lengths = byVariant.get(variant)!;
    return {
      variant,
      lengths: [...lengths.keys()].sort(asc).map((T) => {
        const sizes = lengths.get(T)!;
        return {
          T,
          sizes: [...sizes.keys()].sort(asc).map((m) => ({ m, runs: sizes.get(m)!.sort((a, b) => a.seed - b.seed) })),
        };
      }),
    };
  });
}

export interface CellTally {
  successes: number;
  trials: number;
  status: 'passed' | 'failed' | 'incomplete';
}

export const cellKey = (variant: string, T: number, m: number) => `${variant}\u0000${T}\u0000${m}`;

/** The last verdict the sweep gave each cell (a resumed sweep repeats cells: the latest wins). */
export function cellTallies(events: readonly SweepEvent[]): Map<string, CellTally> {
  const out = new Map<string, CellTally>();
  for (const e of events) {
    if (e.type === 'cell-finished') out.set(cellKey(e.variant, e.T, e.m), { successes: e.successes, trials: e.trials, status: e.status });
  }
  return out;
}

/** "2/3 passed" (the cell passed) or "1/3 passed · failed"; "running" for a cell with no verdict yet. */
export function describeCell(tally: CellTally | undefined, runsOnDisk: number): string {
  if (!tally) return `${runsOnDisk} run${runsOnDisk === 1 ? '' : 's'} · no verdict yet`;
  const share = `${tally.successes}/${tally.trials} passed`;
  return tally.status === 'passed' ? share : `${share} · ${tally.status}`;
}

/** The sweep's variants in its own order (base first), from its latest `sweep-started`. */
export function variantOrder(events: readonly SweepEvent[]): string[] {
  let order: string[] = [];
  for (const e of events) if (e.type === 'sweep-started') order = e.variants;
  return order;
}
