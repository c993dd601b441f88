// The tree's layout of a sweep's runs: variant (when several) → T → m → seed, with the sweep's own
// pass tallies per cell. Run ids come from the real cellRunId, so a change of naming breaks this test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SweepSchema, variantLabels } from '../../src/core/spec/sweepSpec';
import { cellRunId, parseCellRunId } from '../../src/store/cellRunId';
import { cellKey, cellTallies, describeCell, groupSweepRuns, variantOrder } from '../../src/extension/sweepRunGroups';
import { SweepEvent } from '../../src/protocol/sweepEvents';

const sweep = SweepSchema.parse({
  version: 1,
  kind: 'sweep',
  name: 'heads',
  base: { task: { kind: 'and', s: 2 }, model: { arch: 'transformer', layers: 1, heads: 2, dModel: 16 }, seed: 5 },
  contextLengths: [8, 16],
  trainSizes: [40, 80],
  seeds: 2,
  compareWith: [{ label: 'one-head-T2', model: { heads: 1 } }],
});

const ids = (variants: number[]) => {
  const out: string[] = [];
  for (const variant of variants) for (const T of [16, 8]) for (const m of [80, 40]) for (const k of [1, 0]) out.push(cellRunId(sweep, { variant, T, m }, k));
  return out;
};

describe('sweep runs in the tree', () => {
  it('parses a cell run id from the right, even when the variant label has "-T" in it', () => {
    assert.deepEqual(parseCellRunId(cellRunId(sweep, { variant: 1, T: 16, m: 40 }, 1)), { runId: 'one-head-T2-T16-m40-seed6', variant: 'one-head-T2', T: 16, m: 40, seed: 6 });
    assert.equal(parseCellRunId('parity-s1-20260101T000000Z-abcd'), undefined);
  });

  it('groups one variant by T, then m, then seed, all ascending', () => {
    const groups = groupSweepRuns([...ids([0]), 'stray-folder'], variantLabels(sweep));
    assert.equal(groups.length, 1);
    assert.equal(groups[0].variant, 'transformer');
    assert.deepEqual(groups[0].lengths.map((t) => t.T), [8, 16]);
    assert.deepEqual(groups[0].lengths[0].sizes.map((s) => s.m), [40, 80]);
    assert.deepEqual(groups[0].lengths[1].sizes[1].runs.map((r) => r.runId), ['transformer-T16-m80-seed5', 'transformer-T16-m80-seed6']);
  });

  it('keeps variants apart, in the sweep\'s order (base first)', () => {
    const groups = groupSweepRuns(ids([1, 0]).reverse(), variantLabels(sweep));
    assert.deepEqual(groups.map((g) => g.variant), ['transformer', 'one-head-T2']);
    const runs = groups[1].lengths.flatMap((t) => t.sizes.flatMap((s) => s.runs));
    assert.equal(runs.length, 8);
    assert.ok(runs.every((r) => r.variant === 'one-head-T2'));
  });

  it('labels each m with the sweep\'s own verdict for that cell', () => {
    const events = readFileSync(path.join(__dirname, '../fixtures/and-sweep.events.jsonl'), 'utf8').trim().split('\n').map((l) => SweepEvent.parse(JSON.parse(l)));
    assert.deepEqual(variantOrder(events), ['transformer', 'mlp']);
    const tallies = cellTallies(events);
    const t = tallies.get(cellKey('transformer', 40, 64));
    assert.deepEqual(t, { successes: 2, trials: 3, status: 'passed' });
    assert.equal(describeCell(t, 3), '2/3 passed');
    assert.equal(describeCell({ successes: 0, trials: 3, status: 'failed' }, 3), '0/3 passed · failed');
    assert.equal(describeCell(undefined, 1), '1 run · no verdict yet');
  });

  it('a repeated cell (a resumed sweep) shows its latest verdict', () => {
    const finished = (successes: number) => ({ type: 'cell-finished' as const, variant: 'v', T: 8, m: 40, successes, trials: 3, failedRuns: 0, reused: 0, status: 'passed' as const, runsDone: 1, plannedRuns: 9 });
    assert.equal(cellTallies([finished(1), finished(3)]).get(cellKey('v', 8, 40))?.successes, 3);
  });
});
