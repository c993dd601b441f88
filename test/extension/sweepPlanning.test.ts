// The editor's plan before a sweep (issue 22): the CLI's `--plan --json` read and validated by the
// host, and the question asked only above the threshold.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { longSweepQuestion, planSweep } from '../../src/extension/sweepPlanning';
import type { SweepPlan } from '../../src/protocol/sweepPlan';
import { tinySweep } from '../trainer/tinySweep';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'sa-plan-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the editor plans a sweep before starting it', () => {
  it('reads the CLI\'s plan: 18 runs of the tiny grid, an estimate from a fresh calibration', async () => {
    process.env.SPARSE_ATTENTION_CALIBRATION = path.join(dir, 'calibration.json');
    const file = path.join(dir, 'tiny.sweep.json');
    writeFileSync(file, JSON.stringify(tinySweep({ search: 'grid' })));
    const plan = await planSweep({ cliPath: CLI, backend: 'wasm', nodePath: process.execPath, cwd: dir }, file, path.join(dir, 'sweeps'), 1);
    assert.ok(!('why' in plan), `no plan: ${'why' in plan ? plan.why : ''}`);
    assert.equal(plan.plannedRuns, 3 * 3 * 2);
    assert.equal(plan.runsExact, true);
    assert.equal(plan.parallel, 1);
    assert.ok(plan.estimatedSeconds !== null && plan.estimatedSeconds > 0);
  });

  it('says why when there is no plan (a file that does not validate), so the sweep starts unasked', async () => {
    const file = path.join(dir, 'bad.sweep.json');
    writeFileSync(file, JSON.stringify(tinySweep({ seeds: 0 })));
    const plan = await planSweep({ cliPath: CLI, backend: 'wasm', nodePath: process.execPath, cwd: dir }, file, path.join(dir, 'sweeps'));
    assert.ok('why' in plan);
    assert.match(plan.why, /seeds/);
  });

  it('asks only above the threshold, with the runs, the time and the setting named', () => {
    const plan = { plannedRuns: 5000, runsExact: true, stepsExact: true, memberSteps: 5_000_000, parallel: 2, ensembles: [{}, {}], estimatedSeconds: 3 * 3600 + 61, peakMemoryBytes: 2 ** 30 } as unknown as SweepPlan;
    const q = longSweepQuestion(plan, 10);
    assert.ok(q);
    assert.match(q.message, /about 3:01:01/);
    assert.match(q.detail, /^5,000 runs, 5,000,000 member-steps in 2 ensembles on 2 processes; largest ensemble 1024 MiB/);
    assert.match(q.detail, /confirmSweepsLongerThanMinutes \(now 10\)/);
    assert.equal(longSweepQuestion({ ...plan, estimatedSeconds: 600 }, 10), undefined, 'exactly 10 minutes does not ask');
    assert.equal(longSweepQuestion({ ...plan, estimatedSeconds: null }, 10), undefined, 'no estimate (a queue) does not ask');
    assert.equal(longSweepQuestion(plan, 0), undefined, '0 turns it off');
    assert.match(longSweepQuestion({ ...plan, runsExact: false, stepsExact: false }, 10)!.detail, /^at most 5,000 runs, at most 5,000,000 member-steps/);
    assert.match(longSweepQuestion({ ...plan, stepsExact: false }, 10)!.detail, /^5,000 runs, at most 5,000,000 member-steps/);
  });
});
