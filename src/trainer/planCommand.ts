// `sparse-attention sweep FILE --plan`: what the sweep will do and how long it will take here, without
// training: the runs (exact for a grid, an upper bound for bisection), the member-steps, the ensembles
// with K and memory, and the wall time from a short calibration (calibration.ts, cached per machine
// and backend). Exit 0; 2 for a bad file or a backend that cannot run here.
import { availableParallelism } from 'node:os';
import { type BackendChoice, BackendUnavailable, selectBackend } from '../core/train/backend';
import type { Experiment } from '../core/spec/experimentSpec';
import type { Sweep } from '../core/spec/sweepSpec';
import { type ShapeCost, costKey, ensembleSeconds, paddedBatch } from '../core/sweep/ensembleCost';
import { type PlanOptions, type PlanShape, planShape } from '../core/sweep/sweepPlan';
import type { SweepPlan, SweepPlanEvent } from '../protocol/sweepPlan';
import { calibrationFile, machineKey, readCalibration, writeCalibration } from '../store/calibrationCache';
import { type Calibration, calibrate } from './calibration';
import { type EnsembleChoice, ensembleCapacity } from './ensembleCapacity';
import { printPlan } from './planTable';

export interface PlanCommandOptions {
  parallel?: number;
  backend: BackendChoice;
  ensemble?: EnsembleChoice;
  json?: boolean;
  /** `--recalibrate`: time the shapes again even when the cache has them (the machine got faster or busier). */
  recalibrate?: boolean;
}

/** The clock of planShape from per-key costs; undefined for a key without one. */
export function ensembleClock(costs: ReadonlyMap<string, ShapeCost> | Record<string, ShapeCost>) {
  const get = (k: string) => (costs instanceof Map ? costs.get(k) : (costs as Record<string, ShapeCost>)[k]);
  return (specs: Experiment[]): number | undefined => {
    const cost = get(costKey(specs[0]));
    return cost && ensembleSeconds(cost, specs[0], specs.length, paddedBatch(specs));
  };
}

/** What the plan leaves out or bounds, in words. */
function planNotes(sweep: Sweep, shape: PlanShape): string[] {
  const notes: string[] = [];
  if (sweep.search === 'bisect') notes.push('bisection: runs, steps and time are upper bounds (each search replayed along its longest path, every cell failing)');
  if (!shape.stepsExact) notes.push('successWhen "reached": a run stops at its first evaluation on target, so steps and time are upper bounds (every run counted to maxSteps)');
  if (sweep.until) notes.push(`until: these are the initial design's runs; the sweep then adds runs until one model's support reaches ${sweep.until.support} or ${sweep.until.maxRuns} runs or ${sweep.until.maxMinutes} minutes are spent`);
  notes.push('finished runs already in --out are reused by the sweep and counted here as if trained');
  notes.push('not counted: the final bootstrap of the verdict (seconds), the writing of run folders, and other programs using the cores (the calibration timed one process)');
  return notes;
}

/** Members per ensemble and processes at once, as the sweep itself would choose them. */
async function poolShape(opts: PlanCommandOptions): Promise<Pick<PlanOptions, 'parallel' | 'maxMembers'>> {
  const choice = opts.ensemble ?? 'auto';
  const capacity = choice === 'off' ? undefined : await ensembleCapacity(choice, opts.backend);
  const parallel = opts.parallel ?? (capacity?.gpu ? 1 : availableParallelism());
  return { parallel, maxMembers: capacity ? capacity.maxMembers : () => 1 };
}

/** Calibrates the plan's ensembles on the chosen backend; under `auto`, the timings also answer for "auto". */
async function calibrated(shape: PlanShape, opts: PlanCommandOptions): Promise<Calibration & { machine: string; backend: string; file: string }> {
  const backend = await selectBackend(opts.backend);
  const processStartNow = process.uptime();
  const file = calibrationFile();
  const machine = machineKey(backend.name);
  const say = opts.json ? undefined : (key: string) => {
    const k = JSON.parse(key) as { T: number; model: { arch: string; layers: number; heads: number; dModel: number } };
    process.stderr.write(`timing a few steps: ${k.model.arch} T=${k.T} (${k.model.layers} layer, ${k.model.heads} heads, d = ${k.model.dModel})\n`);
  };
  const cal = await calibrate(shape.groups, file, machine, processStartNow, { fresh: opts.recalibrate, onTiming: say });
  if (opts.backend === 'auto') {
    const all = Object.fromEntries([...cal.costs].map(([k, c]) => [k, { ...c, measuredAt: new Date().toISOString() }]));
    writeCalibration(file, machineKey('auto'), all, cal.processStart);
  }
  return { ...cal, machine, backend: backend.name, file };
}

export async function planCommand(sweep: Sweep, opts: PlanCommandOptions): Promise<number> {
  const pool = await poolShape(opts);
  let cal: Awaited<ReturnType<typeof calibrated>>;
  try {
    cal = await calibrated(planShape(sweep, pool), opts);
  } catch (err) {
    if (!(err instanceof BackendUnavailable)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const shape = planShape(sweep, { ...pool, seconds: ensembleClock(cal.costs), processStart: cal.processStart, cores: availableParallelism() });
  const plan: SweepPlan = {
    name: sweep.name,
    search: sweep.search,
    plannedRuns: shape.plannedRuns,
    runsExact: shape.runsExact,
    memberSteps: shape.memberSteps,
    stepsExact: shape.stepsExact,
    parallel: pool.parallel,
    ensembles: shape.ensembles,
    estimatedSeconds: shape.estimatedSeconds,
    laneSeconds: shape.laneSeconds,
    peakMemoryBytes: Math.max(0, ...shape.ensembles.map((e) => e.memoryBytes)),
    calibration: { cached: cal.cached, seconds: Math.round(cal.seconds * 10) / 10, machine: cal.machine, backend: cal.backend, file: cal.file },
    notes: planNotes(sweep, shape),
  };
  if (opts.json) process.stdout.write(JSON.stringify(plan) + '\n');
  else printPlan(plan);
  return 0;
}

/**
 * The plan a starting sweep sends (a sweep-plan event) without timing anything: the estimate from
 * the cache alone (the backend as asked for; `auto` as the last plan under auto resolved it), null
 * when the cache lacks a shape or the runs go to a queue (its workers' speed is not known here).
 */
export function livePlan(sweep: Sweep, pool: Pick<PlanOptions, 'parallel' | 'maxMembers'>, backend: BackendChoice | undefined): Omit<SweepPlanEvent, 'type' | 'startedAt'> {
  const cached = backend ? readCalibration(calibrationFile(), machineKey(backend)) : undefined;
  const seconds = cached ? ensembleClock(cached.costs) : undefined;
  const shape = planShape(sweep, { ...pool, seconds, processStart: cached?.processStart ?? 0, cores: availableParallelism() });
  const { plannedRuns, runsExact, memberSteps, estimatedSeconds } = shape;
  return { plannedRuns, runsExact, memberSteps, estimatedSeconds };
}
