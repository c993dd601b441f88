// Sweeps with `until` in the panel's fold: each round's support is kept once per round (a snapshot
// re-sent after live events must not double it), additions change nothing the panel draws, and the
// events are refused on arrival when malformed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepEvent } from '../../src/protocol/sweepEvents';
import { foldSweepEvent, newSweepView } from '../../src/protocol/viewFold';

const round = (r: number, runsSpent: number, log: number) =>
  SweepEvent.parse({ type: 'until-progress', round: r, runsSpent, model: 'log', support: { log, linear: 1 - log, power: 0 }, goal: 0.9 });

describe('event fold: until rounds', () => {
  it('keeps one support per round, in arrival order, and ignores additions', () => {
    const sweep = newSweepView('S', 'S');
    foldSweepEvent(sweep, round(1, 72, 0.6));
    foldSweepEvent(sweep, SweepEvent.parse({ type: 'sweep-extended', round: 1, kind: 'context', reason: 'support 60 % for log T is below the goal 90 %', T: 64 }));
    foldSweepEvent(sweep, round(2, 93, 0.8));
    foldSweepEvent(sweep, round(2, 93, 0.8));
    assert.deepEqual(sweep.untilProgress!.map((r) => [r.round, r.runsSpent, r.support!.log]), [[1, 72, 0.6], [2, 93, 0.8]]);
  });

  it('refuses a round without its runs or with a support outside the models', () => {
    assert.equal(SweepEvent.safeParse({ type: 'until-progress', round: 1, model: null, support: null }).success, false);
    assert.equal(SweepEvent.safeParse({ type: 'until-progress', round: 1, runsSpent: 3, model: 'cubic', support: null }).success, false);
    assert.equal(SweepEvent.safeParse({ type: 'sweep-extended', round: 1, kind: 'more', reason: 'x' }).success, false);
  });
});
