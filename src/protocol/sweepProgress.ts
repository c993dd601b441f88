// "12 / 300 runs · ETA 15:42 (23:10 left)": a running sweep's progress as the results panel and the
// editor's status show it, from the folded view (viewFold.ts) and the sweep-plan event's estimate.
// Pure; the clock is passed in so the text is the same for the host and the webview.
import type { SweepView } from './panelMessages';
import { clockText, etaSeconds } from './sweepPlan';

const hhmm = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** The ETA part alone ("ETA 15:42 (23:10 left)", "≤" when the planned runs are an upper bound); "" when unknown or not running. */
export function etaText(sweep: Pick<SweepView, 'status' | 'runsDone' | 'plannedRuns' | 'runsReused' | 'plan'>, nowMs: number): string {
  if (sweep.status !== 'running' || !sweep.plan) return '';
  const elapsedSeconds = Math.max(0, (nowMs - Date.parse(sweep.plan.startedAt)) / 1000);
  const eta = etaSeconds({ elapsedSeconds, runsDone: sweep.runsDone, runsReused: sweep.runsReused ?? 0, plannedRuns: sweep.plannedRuns, estimatedSeconds: sweep.plan.estimatedSeconds });
  if (eta === null) return '';
  return `ETA ${sweep.plan.runsExact ? '' : '≤ '}${hhmm(nowMs + eta * 1000)} (${clockText(eta)} left)`;
}

/** "done / planned runs", then " · ETA …" while it runs with a plan. */
export function progressText(sweep: Pick<SweepView, 'status' | 'runsDone' | 'plannedRuns' | 'runsReused' | 'plan'>, planned: number, nowMs: number): string {
  const eta = etaText(sweep, nowMs);
  return `${sweep.runsDone} / ${planned} runs${eta ? ` · ${eta}` : ''}`;
}
