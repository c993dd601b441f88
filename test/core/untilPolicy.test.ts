// The `until` policy on hand-made cells: when it stops (goal, runs, minutes, nothing left), what it
// adds and why, and the spec field's errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundaryCells, decideUntil, type UntilInput } from '../../src/core/sweep/untilPolicy';
import type { PointCells } from '../../src/core/sweep/verdict';
import { rngFor } from '../../src/core/spec/seededRandom';
import { SweepSchema } from '../../src/core/spec/sweepSpec';
import { untilText } from '../../src/core/sweep/verdictWords';

const LADDER = [20, 30, 45, 68, 100, 150, 225, 340, 500];

/** Cells of one T with m* at the first ladder size ≥ mStar: 3/3 from there, 0/3 below; `mixed` makes the boundary 2/3 and 1/3. */
function point(T: number, mStar: number, mixed = false): PointCells {
  const first = LADDER.findIndex((m) => m >= mStar);
  return {
    T,
    cells: LADDER.map((m, i) => ({ m, trials: 3, failedRuns: 0, successes: i >= first ? (mixed && i === first ? 2 : 3) : mixed && i === first - 1 ? 1 : 0 })),
  };
}

const input = (points: PointCells[], over: Partial<UntilInput> = {}): UntilInput => ({
  points,
  successRate: 0.67,
  goal: { support: 0.9, maxRuns: 2000, maxMinutes: 60 },
  seeds: 3,
  runsSpent: 100,
  minutes: 1,
  contextCost: 21,
  contextProblem: () => null,
  resamples: 100,
  rng: rngFor(0, 'verdict'),
  ...over,
});

const clearLinear = [4, 8, 16, 32].map((T) => point(T, 10 + 3 * T));
const murky = [4, 8, 16, 32].map((T) => point(T, 40 + 2 * T, true));

describe('until policy', () => {
  it('stops with reached when one model wins the goal share of resamples', () => {
    const d = decideUntil(input(clearLinear));
    assert.equal(d.stop, true);
    assert.ok(d.stop && d.reached, JSON.stringify(d));
    assert.equal(d.model, 'linear');
    assert.ok(d.support!.linear >= 0.9);
  });

  it('adds seeds at the uncertain cells next to m* and a longer T while ln T is in the contest, each with a reason', () => {
    const d = decideUntil(input(murky, { goal: { support: 0.999, maxRuns: 2000, maxMinutes: 60 } }));
    assert.equal(d.stop, false, JSON.stringify(d));
    if (d.stop) return;
    const seeds = d.additions.find((a) => a.kind === 'seeds');
    assert.ok(seeds && seeds.kind === 'seeds');
    // Every added cell is the largest failing or the smallest passing size of its T.
    for (const c of seeds.cells) assert.ok([1, 2].includes(murky.find((p) => p.T === c.T)!.cells.find((x) => x.m === c.m)!.successes), JSON.stringify(c));
    assert.equal(seeds.cells.length, 8, 'two cells per T');
    assert.match(seeds.reason, /^support 63 % for linear is below the goal 100 %: 3 more seeds/);
    // ln T is second (23 %), so the contest is decided at long T: the grid's next step, 64.
    assert.deepEqual(d.additions.map((a) => a.kind), ['context', 'seeds']);
    const context = d.additions[0];
    assert.ok(context.kind === 'context' && context.T === 64 && /the models part most at long T/.test(context.reason), JSON.stringify(context));
  });

  it('stops for the budget: runs, then minutes', () => {
    const runs = decideUntil(input(murky, { goal: { support: 0.999, maxRuns: 100, maxMinutes: 60 } }));
    assert.ok(runs.stop && !runs.reached && /maxRuns 100/.test(runs.why), JSON.stringify(runs));
    const minutes = decideUntil(input(murky, { goal: { support: 0.999, maxRuns: 2000, maxMinutes: 1 }, minutes: 1.5 }));
    assert.ok(minutes.stop && !minutes.reached && /maxMinutes 1/.test(minutes.why), JSON.stringify(minutes));
  });

  it('adds only what the budget allows', () => {
    const d = decideUntil(input(murky, { goal: { support: 0.999, maxRuns: 106, maxMinutes: 60 } }));
    assert.equal(d.stop, false);
    if (d.stop) return;
    assert.deepEqual(d.additions.map((a) => a.kind), ['seeds']);
    assert.equal(d.additions[0].kind === 'seeds' && d.additions[0].cells.length, 2);
  });

  it('says why no longer T is added: censored at the largest T, or a T the sweep refuses', () => {
    const censored = [...murky.slice(0, 3), { T: 32, cells: LADDER.map((m) => ({ m, trials: 3, failedRuns: 0, successes: 0 })) }];
    const noSeeds = (ps: PointCells[]) => ps.map((p) => ({ ...p, cells: p.cells.map((c) => ({ ...c, trials: 12 })) }));
    const d = decideUntil(input(noSeeds(censored), { goal: { support: 0.999, maxRuns: 2000, maxMinutes: 60 } }));
    assert.ok(d.stop && !d.reached && /above the largest training-set size/.test(d.why), JSON.stringify(d));
    const refused = decideUntil(input(noSeeds(murky), { goal: { support: 0.999, maxRuns: 2000, maxMinutes: 60 }, contextProblem: (T) => `T=${T} too long` }));
    if (refused.stop) assert.match(refused.why, /nothing left to add/);
    else assert.ok(refused.additions.every((a) => a.kind !== 'context'));
  });

  it('boundary cells skip settled cells and cells that already have the most seeds', () => {
    // 0/3 below m* is settled (Wilson [0, 0.56]); 3/3 at m* is not (Wilson [0.44, 1] holds 0.67).
    assert.deepEqual(boundaryCells(clearLinear, 0.67, 12), clearLinear.map((p) => ({ T: p.T, m: p.cells.find((c) => c.successes === 3)!.m })));
    const cells = boundaryCells([point(8, 56, true)], 0.67, 12);
    assert.deepEqual(cells.map((c) => c.m), [45, 68]);
    assert.deepEqual(boundaryCells([{ T: 8, cells: point(8, 56, true).cells.map((c) => ({ ...c, trials: 12, successes: c.successes * 4 })) }], 0.67, 12), []);
  });
});

describe('until spec field', () => {
  const sweep = (extra: object) => SweepSchema.safeParse({ version: 1, kind: 'sweep', name: 'u', base: { task: { kind: 'and', s: 3 } }, contextLengths: [4, 8, 16], trainSizes: [10, 20], ...extra });

  it('fills the defaults', () => {
    const r = sweep({ until: {} });
    assert.ok(r.success);
    assert.deepEqual(r.data.until, { support: 0.9, maxRuns: 2000, maxMinutes: 60 });
  });

  it('names the field, value and allowed range of a bad value', () => {
    const messages = (extra: object) => (sweep(extra).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.ok(messages({ until: { support: 0.4 } }).some((m) => m.startsWith('until.support: must be > 0.5')));
    assert.ok(messages({ until: { maxRuns: 0 } }).some((m) => m.startsWith('until.maxRuns: must be ≥ 1')));
    assert.ok(messages({ until: { maxMinutes: -1 } }).some((m) => m.startsWith('until.maxMinutes: must be > 0')));
    assert.ok(messages({ until: { supprt: 0.9 } }).length > 0);
    assert.ok(messages({ until: {}, bootstrap: 0 }).some((m) => m.startsWith('bootstrap: must be > 0 when "until" is set')));
  });
});

describe('until in the verdict words', () => {
  it('says whether the goal was reached, after how many runs, and why not', () => {
    assert.equal(untilText({ reached: true, model: 'log', support: 0.94, runsSpent: 384, why: '' }, 0.9), 'Goal reached after 384 runs: log T at 94 % of the resamples (goal 90 %).');
    const no = untilText({ reached: false, model: 'linear', support: 0.78, runsSpent: 2001, why: 'budget spent: 2001 runs (maxRuns 2000)' }, 0.9);
    assert.match(no, /^Goal not reached after 2001 runs \(budget spent: 2001 runs \(maxRuns 2000\)\): linear at 78 %, goal 90 %\.$/);
  });
});
