// The sweep plan (core/sweep/sweepPlan.ts), the cost model behind its estimate (ensembleCost.ts),
// the ETA (protocol/sweepPlan.ts) and the fold of the sweep-plan event: pure, no training.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepSchema } from '../../src/core/spec/sweepSpec';
import { plannedCells } from '../../src/core/sweep/sizeSearch';
import { ensembleSeconds, fitStepCost } from '../../src/core/sweep/ensembleCost';
import { longestBisection, planShape } from '../../src/core/sweep/sweepPlan';
import { SweepEvent } from '../../src/protocol/sweepEvents';
import { etaSeconds } from '../../src/protocol/sweepPlan';
import { progressText } from '../../src/protocol/sweepProgress';
import { foldSweepEvent, newSweepView } from '../../src/protocol/viewFold';
import { tinySweep } from '../trainer/tinySweep';

const sweepOf = (over: Record<string, unknown> = {}) => SweepSchema.parse(tinySweep(over));

describe('sweep plan', () => {
  it('counts a grid exactly: every (variant, T, m, seed) once, each in one ensemble', () => {
    const sweep = sweepOf({ search: 'grid', compareWith: [{ model: { arch: 'mlp' } }] });
    const plan = planShape(sweep, { parallel: 2, maxMembers: () => 64 });
    assert.equal(plan.plannedRuns, 2 * 3 * 3 * 2);
    assert.equal(plan.runsExact, true);
    assert.equal(plan.ensembles.reduce((s, e) => s + e.members, 0), plan.plannedRuns);
    assert.equal(plan.memberSteps, plan.plannedRuns * 60);
    assert.equal(plan.stepsExact, false, 'successWhen "reached" stops runs early: steps are a bound');
    assert.equal(planShape(sweepOf({ search: 'grid', successWhen: 'final' }), { parallel: 2, maxMembers: () => 64 }).stepsExact, true);
  });

  it('groups as the run pool does: a key split evenly over the free processes, bounded by memory', () => {
    const sweep = sweepOf({ search: 'grid', contextLengths: [8] });
    const two = planShape(sweep, { parallel: 2, maxMembers: () => 64 });
    assert.deepEqual(two.ensembles.map((e) => [e.members, e.batch]), [[3, 16], [3, 64]], 'ascending m: the first half pads to 16, the second to 64');
    const capped = planShape(sweep, { parallel: 1, maxMembers: () => 4 });
    assert.deepEqual(capped.ensembles.map((e) => e.members), [4, 2]);
    assert.ok(capped.ensembles.every((e) => e.memoryBytes > 64 * 2 ** 20), 'the evaluation reserve and K members');
  });

  it('bounds a bisection from above: its longest path, never more runs than planned', () => {
    const candidates = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512];
    const path = longestBisection(candidates);
    assert.deepEqual(path, [64, 181, 362, 512], 'every cell fails: the search climbs');
    assert.ok(path.length <= plannedCells(candidates, 'bisect'));
    const plan = planShape(sweepOf({ search: 'bisect' }), { parallel: 2, maxMembers: () => 64 });
    assert.equal(plan.runsExact, false);
    assert.equal(plan.plannedRuns, 3 * plannedCells([4, 16, 64], 'bisect') * 2);
    assert.ok(plan.ensembles.reduce((s, e) => s + e.members, 0) <= plan.plannedRuns);
  });

  it('estimates wall time on the parallel processes from the ensembles\' seconds, with process starts', () => {
    const sweep = sweepOf({ search: 'grid', contextLengths: [8] });
    const plan = planShape(sweep, { parallel: 2, maxMembers: () => 64, seconds: (specs) => specs.length * 10, processStart: 2 });
    assert.deepEqual(plan.laneSeconds, [32, 32]);
    assert.equal(plan.estimatedSeconds, 32);
    const crowded = planShape(sweep, { parallel: 2, maxMembers: () => 64, seconds: (specs) => specs.length * 10, cores: 1 });
    assert.equal(crowded.estimatedSeconds, 60, 'two processes on one core: each step twice as slow');
    assert.equal(planShape(sweep, { parallel: 2, maxMembers: () => 64 }).estimatedSeconds, null, 'no calibration, no estimate');
  });
});

describe('ensemble cost model', () => {
  it('recovers fixed, per-member and per-row step costs from three timed shapes', () => {
    const truth = { fixed: 0.01, perMember: 0.002, perRow: 0.0001 };
    const step = (K: number, B: number) => truth.fixed + K * truth.perMember + K * B * truth.perRow;
    const fit = fitStepCost([{ K: 1, B: 10, stepSeconds: step(1, 10) }, { K: 25, B: 10, stepSeconds: step(25, 10) }, { K: 25, B: 100, stepSeconds: step(25, 100) }]);
    for (const k of ['fixed', 'perMember', 'perRow'] as const) assert.ok(Math.abs(fit[k] - truth[k]) < 1e-9, `${k}: ${fit[k]}`);
    const one = fitStepCost([{ K: 1, B: 10, stepSeconds: 0.5 }]);
    assert.equal(one.fixed + one.perMember + 10 * one.perRow, 0.5, 'one shape: its time, all per row');
  });

  it('adds evaluations (before training, every evalEvery, the last step) and set-up per member', () => {
    const cost = { fixed: 0, perMember: 0, perRow: 0, evalPerMember: 1, setupPerMember: 0.5 };
    const s = { training: { maxSteps: 60, evalEvery: 25 } } as never;
    assert.equal(ensembleSeconds(cost, s, 2, 10), 2 * 0.5 + (1 + 2 + 1) * 2);
  });
});

describe('ETA', () => {
  it('starts from the plan, ends on the measured rate, and leaves reused runs out of the rate', () => {
    assert.equal(etaSeconds({ elapsedSeconds: 10, runsDone: 0, runsReused: 0, plannedRuns: 100, estimatedSeconds: 100 }), 90);
    assert.equal(etaSeconds({ elapsedSeconds: 10, runsDone: 0, runsReused: 0, plannedRuns: 100, estimatedSeconds: null }), null);
    assert.equal(etaSeconds({ elapsedSeconds: 50, runsDone: 50, runsReused: 0, plannedRuns: 100, estimatedSeconds: null }), 50);
    assert.equal(etaSeconds({ elapsedSeconds: 50, runsDone: 60, runsReused: 10, plannedRuns: 110, estimatedSeconds: null }), 50);
    // Half trained: half the plan's remaining time, half the rate's.
    assert.equal(etaSeconds({ elapsedSeconds: 40, runsDone: 50, runsReused: 0, plannedRuns: 100, estimatedSeconds: 100 }), 0.5 * 60 + 0.5 * 40);
    assert.equal(etaSeconds({ elapsedSeconds: 40, runsDone: 100, runsReused: 0, plannedRuns: 100, estimatedSeconds: 100 }), 0);
  });

  it('folds the sweep-plan event into the view; a recording without it still reads', () => {
    const view = newSweepView('s', 'tiny');
    const plan = SweepEvent.parse({ type: 'sweep-plan', plannedRuns: 18, runsExact: true, memberSteps: 1080, estimatedSeconds: 21.5, startedAt: '2026-12-04T15:00:00.000Z' });
    foldSweepEvent(view, plan);
    assert.equal(view.plannedRuns, 18);
    assert.deepEqual(view.plan, { startedAt: '2026-12-04T15:00:00.000Z', estimatedSeconds: 21.5, runsExact: true });
    foldSweepEvent(view, SweepEvent.parse({ type: 'cell-finished', variant: 'transformer', T: 4, m: 4, successes: 1, trials: 2, failedRuns: 0, reused: 2, status: 'passed', runsDone: 2, plannedRuns: 18 }));
    assert.equal(view.runsReused, 2);
    assert.equal(SweepEvent.safeParse({ type: 'sweep-plan', plannedRuns: 18 }).success, false, 'validated on arrival');
    const old = newSweepView('o', 'old');
    foldSweepEvent(old, SweepEvent.parse({ type: 'cell-finished', variant: 'transformer', T: 4, m: 4, successes: 1, trials: 2, failedRuns: 0, reused: 0, status: 'passed', runsDone: 2, plannedRuns: 18 }));
    assert.equal(old.plan, undefined);
  });

  it('reads "done / planned runs · ETA hh:mm (left)" while running, and only the count otherwise', () => {
    const startedAt = '2026-12-04T15:00:00.000Z';
    const view = { status: 'running' as const, runsDone: 50, plannedRuns: 100, runsReused: 0, plan: { startedAt, estimatedSeconds: null, runsExact: true } };
    const now = Date.parse(startedAt) + 600_000;
    const finish = new Date(now + 600_000);
    const hhmm = `${String(finish.getHours()).padStart(2, '0')}:${String(finish.getMinutes()).padStart(2, '0')}`;
    assert.equal(progressText(view, 100, now), `50 / 100 runs · ETA ${hhmm} (10:00 left)`);
    assert.match(progressText({ ...view, plan: { ...view.plan, runsExact: false } }, 100, now), /ETA ≤ /);
    assert.equal(progressText({ ...view, status: 'completed' }, 50, now), '50 / 50 runs');
    assert.equal(progressText({ ...view, plan: undefined }, 100, now), '50 / 100 runs', 'an older recording: no plan, no ETA');
  });
});
