// A sweep run's id, which is also its folder's name under <sweepDir>/runs/:
// `<variant label>-T<T>-m<m>-seed<N>`. Deterministic (no time stamp, no salt), so a sweep run again
// finds and reuses the runs that already finished. Single runs are named otherwise (runId.ts).
import { type CellKey, type Sweep, variantLabels } from '../core/spec/sweepSpec';

export function cellRunId(sweep: Sweep, key: CellKey, k: number): string {
  return `${variantLabels(sweep)[key.variant]}-T${key.T}-m${key.m}-seed${sweep.base.seed + k}`;
}

/** A sweep run's id read back: parsed from the right, since a variant label may itself contain "-T…". */
const CELL_RUN_ID = /^(.+)-T(\d+)-m(\d+)-seed(\d+)$/;

export interface CellRunRef {
  runId: string;
  variant: string;
  T: number;
  m: number;
  seed: number;
}

/** The variant, T, m and seed in a run id made by cellRunId, or undefined for another shape. */
export function parseCellRunId(runId: string): CellRunRef | undefined {
  const p = CELL_RUN_ID.exec(runId);
  return p ? { runId, variant: p[1], T: Number(p[2]), m: Number(p[3]), seed: Number(p[4]) } : undefined;
}
