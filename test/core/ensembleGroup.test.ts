// Which queued runs train together (core/sweep/ensembleGroup.ts, shared by the run pool and the plan):
// the memory bound is that of the widest member taken, because every member is padded to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeWithin } from '../../src/core/sweep/ensembleGroup';
import type { Experiment } from '../../src/core/spec/experimentSpec';

const run = (m: number, key = 'T500') => ({ key, spec: { data: { trainSize: m } } as Experiment });

describe('ensemble groups', () => {
  it('stops before a member whose m would pad the group past the members that fit at that m', () => {
    // Fits: 24 members at m ≤ 10, 8 at m ≤ 50.
    const maxMembers = (spec: Experiment) => (spec.data.trainSize <= 10 ? 24 : 8);
    const queue = [...Array.from({ length: 5 }, () => run(10)), ...Array.from({ length: 20 }, () => run(50))];
    const first = queue.shift()!;
    const group = takeWithin(first, queue, (r) => r.key === first.key, 100, maxMembers);
    // 5 at m = 10, then m = 50 members while the group stays ≤ 8.
    assert.equal(group.length, 8);
    assert.deepEqual(group.map((r) => r.spec.data.trainSize), [10, 10, 10, 10, 10, 50, 50, 50]);
    assert.equal(queue.length, 17, 'the rest stay queued');
  });

  it('takes only runs of the same key, up to the even share', () => {
    const queue = [run(10, 'a'), run(10, 'b'), run(10, 'a'), run(10, 'a')];
    const first = queue.shift()!;
    const group = takeWithin(first, queue, (r) => r.key === 'a', 2, () => 100);
    assert.deepEqual(group.map((r) => r.key), ['a', 'a']);
    assert.deepEqual(queue.map((r) => r.key), ['b', 'a']);
  });
});
