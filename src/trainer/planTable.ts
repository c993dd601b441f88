// The plan (`sweep FILE --plan`) as a table on stderr: one row per variant and T with its runs, the
// ensembles it forms (K × padded batch), their largest memory estimate and estimated seconds, then
// the wall time and each process's share. Renders what core/sweep/sweepPlan.ts computed.
import { formatBytes } from '../core/spec/experimentSpec';
import { type PlannedEnsemble, type SweepPlan, clockText } from '../protocol/sweepPlan';

const thousands = (n: number) => n.toLocaleString('en-US');

/** Ensembles of one variant and T, in launch order. */
function rowsOf(ensembles: PlannedEnsemble[]): { variant: string; T: number; list: PlannedEnsemble[] }[] {
  const rows = new Map<string, { variant: string; T: number; list: PlannedEnsemble[] }>();
  for (const e of ensembles) {
    const id = `${e.variant}\u0000${e.T}`;
    if (!rows.has(id)) rows.set(id, { variant: e.variant, T: e.T, list: [] });
    rows.get(id)!.list.push(e);
  }
  return [...rows.values()];
}

/** "25×50, 25×100", shortened past a few ("64×10 … 12×100 (8 ensembles)"). */
function shapesText(list: PlannedEnsemble[]): string {
  const each = list.map((e) => `${e.members}×${e.batch}`);
  return each.length <= 4 ? each.join(', ') : `${each[0]}, ${each[1]} … ${each[each.length - 1]} (${each.length} ensembles)`;
}

function header(p: SweepPlan): string {
  const runs = `${thousands(p.plannedRuns)} runs (${p.runsExact ? 'exact' : 'at most'})`;
  const steps = `${thousands(p.memberSteps)} member-steps (${p.stepsExact ? 'exact' : 'at most'})`;
  const cal = p.calibration
    ? `${p.calibration.backend}, calibration ${p.calibration.cached ? 'cached' : `timed now (${p.calibration.seconds} s)`} in ${p.calibration.file}`
    : 'no calibration';
  return `plan of ${p.name} (${p.search}): ${runs}, ${steps}\n  ${p.parallel} process${p.parallel > 1 ? 'es' : ''} on ${cal}\n`;
}

export function planText(p: SweepPlan): string {
  const rows = rowsOf(p.ensembles);
  const vw = Math.max(7, ...rows.map((r) => r.variant.length));
  let out = header(p);
  out += `\n  ${'variant'.padEnd(vw)}  ${'T'.padStart(5)}  ${'runs'.padStart(5)}  ${'memory'.padStart(10)}  ${'est.'.padStart(8)}  ensembles (K × batch)\n`;
  for (const r of rows) {
    const runs = r.list.reduce((s, e) => s + e.members, 0);
    const memory = formatBytes(Math.max(...r.list.map((e) => e.memoryBytes)));
    const secs = r.list.every((e) => e.seconds !== null) ? clockText(r.list.reduce((s, e) => s + e.seconds!, 0)) : '–';
    out += `  ${r.variant.padEnd(vw)}  ${String(r.T).padStart(5)}  ${String(runs).padStart(5)}  ${memory.padStart(10)}  ${secs.padStart(8)}  ${shapesText(r.list)}\n`;
  }
  if (p.estimatedSeconds !== null) {
    const lanes = (p.laneSeconds ?? []).map((s, i) => `${i + 1}: ${clockText(s)}`).join(', ');
    out += `\n  estimated wall time: ${clockText(p.estimatedSeconds)}${p.runsExact && p.stepsExact ? '' : ' (an upper bound)'}; busy per process ${lanes}\n`;
  }
  out += `  largest ensemble: ${formatBytes(p.peakMemoryBytes)} (estimate)\n`;
  for (const n of p.notes) out += `  note: ${n}\n`;
  return out;
}

export function printPlan(p: SweepPlan): void {
  process.stderr.write(planText(p));
}
