// The sweep's live verdict (issue 20, point 2): while the sweep runs every fit-updated is marked
// provisional with its progress, and no fit or curve is sent until every T's search has bracketed
// its m* (a half-done bisection's m* is only its latest probe); the summary is final.
// Run: node --import tsx --test test/core/provisionalVerdict.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepBook } from '../../src/core/sweep/sweepBook';
import { SweepSchema } from '../../src/core/spec/sweepSpec';
import type { SweepEvent } from '../../src/protocol/sweepEvents';

const sweep = SweepSchema.parse({
  version: 1, kind: 'sweep', name: 'live', base: { task: { kind: 'and', s: 2 } }, contextLengths: [4, 8, 16], trainSizes: [8, 16, 32, 64, 128, 256, 512], seeds: 3, bootstrap: 50,
});

describe('the live verdict of a sweep', () => {
  it('is provisional, draws nothing before every T is bracketed, and the summary is final', () => {
    const events: SweepEvent[] = [];
    const book = new SweepBook(sweep, (e) => events.push(e));
    book.start({ sweepDir: '/x', workers: 1 });
    for (let guard = 0; guard < 100; guard++) {
      const cells = book.nextCells();
      if (!cells.length) break;
      for (const c of cells) for (let k = 0; k < sweep.seeds; k++) book.record(c, { kind: 'finished', succeeded: c.m >= 4 * c.T, reused: false });
    }
    const live = events.filter((e) => e.type === 'fit-updated');
    assert.ok(live.length > 3, `${live.length} live verdicts`);
    for (const e of live) {
      assert.equal(e.provisional, true);
      assert.match(e.verdict ?? '', /^Provisional \(\d+ of \d+ runs\): /);
    }
    // The first cells are every T's first probe (64): no fit from them, and the verdict says why.
    assert.equal(live[0].fits, null);
    assert.deepEqual(live[0].curve, []);
    assert.match(live[0].verdict!, /no fit yet: the search for m\* is still running at T = /);
    const last = live.at(-1)!;
    assert.ok(last.fits && last.curve.length > 0 && last.curves, 'once every T is bracketed the fit and all three curves come');
    const firstFit = live.findIndex((e) => e.fits !== null);
    assert.ok(live.slice(firstFit).every((e) => e.fits !== null), 'once drawn, a fit stays');
    const s = book.summary({ aborted: false, sweepDir: '/x', runsExecuted: 0, wallSeconds: 0 });
    assert.equal(s.provisional, false);
    assert.doesNotMatch(s.verdict ?? '', /Provisional/);
  });
});
