// The recorded and-sweep with its words re-derived by today's core: the recording predates the
// verdict's plain-words headline, the three curves and the next step, and stays as it was (an old
// recording must keep parsing); these helpers recompute what a sweep writes now from its numbers.
import { nextStep } from '../../src/core/sweep/nextStep';
import { fitCurve } from '../../src/core/sweep/scalingFits';
import { type PointCells, analyseVariant } from '../../src/core/sweep/verdict';
import { verdictText } from '../../src/core/sweep/verdictWords';
import { perModel } from '../../src/protocol/fitModels';
import type { SweepEvent, VariantResult } from '../../src/protocol/sweepEvents';
import { sweepEvents } from './fixtures';

function rederive<V extends VariantResult>(v: V): V {
  if (!v.fits || !v.verdictSupport || !v.exponent) return v;
  const fits = v.fits;
  const Ts = v.points.map((p) => p.T);
  const censored = v.points.filter((p) => p.status === 'censored').map((p) => ({ T: p.T, m: p.interval[0]!, censored: true }));
  const boot = { resamples: 1000, support: v.verdictSupport, exponent: v.exponent };
  const cells = v.points.flatMap((p) => p.cells);
  return {
    ...v,
    verdict: verdictText(fits, boot, censored, v.incomplete),
    curves: perModel((m) => fitCurve(m, fits[m], Ts)),
    provisional: false,
    nextStep: nextStep({
      Ts,
      seeds: Math.max(...cells.map((c) => c.trials + c.failedRuns)),
      largestSize: Math.max(...cells.map((c) => c.m)),
      support: v.verdictSupport,
      exponentInterval: v.exponent.interval,
      censored: censored.map((p) => p.T),
    }),
  };
}

/** T of a variant whose search is still open after event i: a cell of it runs now or starts later. */
function openTs(events: SweepEvent[], i: number, variant: string, Ts: number[]): number[] {
  const running = new Set<string>();
  events.slice(0, i + 1).forEach((e) => {
    if (e.type === 'cell-started') running.add(`${e.variant}|${e.T}|${e.m}`);
    if (e.type === 'cell-finished') running.delete(`${e.variant}|${e.T}|${e.m}`);
  });
  const later = events.slice(i + 1).filter((e) => e.type === 'cell-started' && e.variant === variant).map((e) => (e as { T: number }).T);
  return Ts.filter((T) => later.includes(T) || [...running].some((k) => k.startsWith(`${variant}|${T}|`)));
}

/** The sweep's events as a sweep writes them now: live fits recomputed by the core (provisional), the summary in today's words. */
export function currentSweepEvents(): SweepEvent[] {
  const events = sweepEvents();
  const started = events.find((e) => e.type === 'sweep-started')!;
  if (started.type !== 'sweep-started') throw new Error('no sweep-started');
  let progress = { runsDone: 0, plannedRuns: 0 };
  const latest = new Map<string, Map<number, PointCells>>();
  return events.map((e, i): SweepEvent => {
    if (e.type === 'cell-finished') progress = { runsDone: e.runsDone, plannedRuns: e.plannedRuns };
    if (e.type === 'mstar-updated') {
      const points = latest.get(e.variant) ?? new Map<number, PointCells>();
      points.set(e.point.T, { T: e.point.T, cells: e.point.cells.map(({ m, successes, trials, failedRuns }) => ({ m, successes, trials, failedRuns })) });
      latest.set(e.variant, points);
    }
    if (e.type === 'fit-updated') {
      const points = started.contextLengths.map((T) => latest.get(e.variant)?.get(T) ?? { T, cells: [] });
      const running = { ...progress, open: openTs(events, i, e.variant, started.contextLengths) };
      const { points: _p, ...fit } = analyseVariant(points, started.successRate, { running });
      return { type: 'fit-updated', variant: e.variant, ...fit };
    }
    if (e.type === 'sweep-summary') return { ...rederive(e), compare: e.compare.map(rederive) };
    return e;
  });
}
