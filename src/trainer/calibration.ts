// The calibration behind `sweep --plan`: a few real training steps of the sweep's own ensembles,
// timed on the backend the sweep will use, three shapes per cost key (ensembleCost.ts): one member at
// the smallest batch (with evaluations every other step, to time them), and the largest ensemble at
// the smallest and the largest batch. Timings are cached per machine and backend
// (store/calibrationCache.ts), so a second plan times nothing.
import { performance } from 'node:perf_hooks';
import { makeDataset } from '../core/spec/dataset';
import { type Experiment, ExperimentSchema } from '../core/spec/experimentSpec';
import { type ShapeCost, type TimedShape, costKey, fitStepCost, paddedBatch } from '../core/sweep/ensembleCost';
import { trainEnsemble } from '../core/train/ensembleTraining';
import { type CachedCost, readCalibration, writeCalibration } from '../store/calibrationCache';

/** Steps timed per shape; the first interval (warm-up) is not counted. */
const STEPS = 8;
/**
 * Members of the timed ensembles: the step is linear in K (per-member products on WASM/CPU), so a
 * few members pin the per-member and per-row terms and keep the calibration short at large T.
 */
const TIMED_MEMBERS = 6;
/** Test samples when a shape times only steps (evaluation is timed on its own shape). */
const SMALL_TEST = 16;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One shape: K members of `spec` with `B` training rows; seconds per step, and per evaluation of one member when asked. */
async function timeShape(spec: Experiment, K: number, B: number, withEval: boolean): Promise<TimedShape & { evalSeconds: number; setupSeconds: number; totalSeconds: number }> {
  const t0 = performance.now();
  const members = Array.from({ length: K }, (_, k) => {
    const s = ExperimentSchema.parse({
      ...spec,
      seed: spec.seed + k,
      data: { ...spec.data, trainSize: B, testSize: withEval ? spec.data.testSize : SMALL_TEST },
      training: { ...spec.training, maxSteps: STEPS, evalEvery: withEval ? 2 : STEPS, successWhen: 'final', targetAccuracy: 1 },
    });
    return { spec: s, data: makeDataset(s) };
  });
  const stamps: number[] = [];
  let ready = 0;
  members[0] = { ...members[0], hooks: { onReady: () => (ready = performance.now()), onStep: () => stamps.push(performance.now()) } } as (typeof members)[0];
  await trainEnsemble(members);
  // stamps[i] is taken after step i + 1, before that step's evaluation.
  const gaps = stamps.slice(1).map((t, i) => ({ after: i + 1, s: (t - stamps[i]) / 1000 }));
  const plain = gaps.filter((g) => g.after > 1 && (!withEval || g.after % 2 === 1)).map((g) => g.s);
  // A member that diverged at once leaves too few steps to time: its whole time counts as steps.
  const stepSeconds = plain.length ? median(plain) : (performance.now() - t0) / 1000 / STEPS;
  const evals = gaps.filter((g) => g.after % 2 === 0).map((g) => g.s);
  const evalSeconds = withEval && evals.length ? Math.max(0, median(evals) - stepSeconds) : 0;
  return { K, B, stepSeconds, evalSeconds, setupSeconds: (ready - t0) / 1000 / K, totalSeconds: (performance.now() - t0) / 1000 };
}

/** Times the three shapes of one cost key, from the ensembles the plan will form with that key. */
async function calibrateKey(groups: Experiment[][]): Promise<ShapeCost> {
  const spec = groups[0][0];
  const batches = groups.map(paddedBatch);
  const [B0, B1] = [Math.min(...batches), Math.max(...batches)];
  const K = Math.min(TIMED_MEMBERS, Math.max(...groups.map((g) => g.length)));
  const one = await timeShape(spec, 1, B0, true);
  const shapes: TimedShape[] = [one];
  if (K > 1) shapes.push(await timeShape(spec, K, B0, false));
  if (B1 > B0) shapes.push(await timeShape(spec, K, B1, false));
  return { ...fitStepCost(shapes), evalPerMember: one.evalSeconds, setupPerMember: one.setupSeconds };
}

/** What a cold backend adds to its first ensemble: one shape timed cold, then warm. */
async function warmUpSeconds(group: Experiment[]): Promise<number> {
  const cold = await timeShape(group[0], 1, paddedBatch(group), false);
  const hot = await timeShape(group[0], 1, paddedBatch(group), false);
  return Math.max(0, cold.totalSeconds - hot.totalSeconds);
}

export interface Calibration {
  costs: Map<string, ShapeCost>;
  processStart: number;
  cached: boolean;
  seconds: number;
}

/**
 * Costs for every cost key among `groups` (the plan's ensembles), from the cache where it has them,
 * else (or with `fresh`, always) timed now and added to it. `processStartNow`: this process's own start (node, the bundle,
 * its backend), which every ensemble process repeats; cached like the rest.
 */
export async function calibrate(groups: Experiment[][], file: string, machine: string, processStartNow: number, opts: { fresh?: boolean; onTiming?: (key: string) => void } = {}): Promise<Calibration> {
  const started = performance.now();
  const cached = opts.fresh ? { costs: {} as Record<string, CachedCost>, processStart: undefined } : readCalibration(file, machine);
  const byKey = new Map<string, Experiment[][]>();
  for (const g of groups) byKey.set(costKey(g[0]), [...(byKey.get(costKey(g[0])) ?? []), g]);
  const costs = new Map<string, ShapeCost>();
  const fresh: Record<string, CachedCost> = {};
  let warm = false;
  let warmUp = 0;
  for (const [key, keyGroups] of byKey) {
    const hit = cached.costs[key];
    if (hit) {
      costs.set(key, hit);
      continue;
    }
    opts.onTiming?.(key);
    // A backend's first steps (kernel set-up, heap growth) are slower than any later, in every fresh
    // process: the same shape twice, the difference counted with the process start.
    if (!warm) warmUp = await warmUpSeconds(keyGroups[0]);
    warm = true;
    const cost = await calibrateKey(keyGroups);
    costs.set(key, cost);
    fresh[key] = { ...cost, measuredAt: new Date().toISOString() };
  }
  const processStart = cached.processStart ?? processStartNow + warmUp;
  const timedNow = Object.keys(fresh).length > 0 || cached.processStart === undefined;
  if (timedNow) writeCalibration(file, machine, fresh, processStart);
  return { costs, processStart, cached: Object.keys(fresh).length === 0, seconds: timedNow ? (performance.now() - started) / 1000 : 0 };
}
