// The recorded and-sweep with its words re-derived by today's core: the recording predates the
// verdict's plain-words headline, the three curves and the next step, and stays as it was (an old
// recording must keep parsing); these helpers recompute what a sweep writes now from its numbers.
import { nextStep } from '../../src/core/sweep/nextStep';
import { fitCurve } from '../../src/core/sweep/scalingFits';
import { provisionalPrefix, verdictText } from '../../src/core/sweep/verdictWords';
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

/** The sweep's events as a sweep writes them now: live fits provisional, the summary in today's words. */
export function currentSweepEvents(): SweepEvent[] {
  let progress = { runsDone: 0, plannedRuns: 0 };
  return sweepEvents().map((e) => {
    if (e.type === 'cell-finished') progress = { runsDone: e.runsDone, plannedRuns: e.plannedRuns };
    if (e.type === 'fit-updated') return { ...e, provisional: true, verdict: provisionalPrefix(progress.runsDone, progress.plannedRuns) + (e.verdict ?? '') };
    if (e.type === 'sweep-summary') return { ...rederive(e), compare: e.compare.map(rederive) };
    return e;
  });
}
