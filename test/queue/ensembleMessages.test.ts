// What crosses the queue for ensembles is validated on arrival (queueMessages.ts), and the
// coordinator's per-worker member-steps per second (workerRates.ts) sums a worker's jobs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnsembleJobData, EnsembleProgress } from '../../src/protocol/queueMessages';
import { WorkerRates } from '../../src/trainer/queue/workerRates';

const member = (runId: string, steps: number) => ({
  runId,
  summary: { type: 'summary' as const, runId, status: 'succeeded' as const, steps, parameterCount: 10, testAccuracy: 1, trainAccuracy: 1, attentionOnRelevant: null, backend: 'wasm', wallSeconds: 1, runDir: '/x' },
  experiment: '{}',
  events: '',
  host: 'h',
});

describe('ensemble job messages', () => {
  it('refuses an ensemble job without members, with a repeated run id or a run id with a slash', () => {
    assert.equal(EnsembleJobData.safeParse({ runs: [], sweep: 's' }).success, false);
    const twice = EnsembleJobData.safeParse({ runs: [{ runId: 'a', spec: {} }, { runId: 'a', spec: {} }], sweep: 's' });
    assert.equal(twice.success, false);
    assert.match(twice.error!.issues[0].message, /run ids must differ/);
    const slash = EnsembleJobData.safeParse({ runs: [{ runId: '../a', spec: {} }], sweep: 's' });
    assert.deepEqual(slash.error!.issues[0].path, ['runs', 0, 'runId']);
    assert.equal(EnsembleJobData.safeParse({ runs: [{ runId: 'a', spec: {} }], sweep: 's', extra: 1 }).success, false);
  });

  it('refuses progress with a malformed member or negative steps', () => {
    const ok = { finished: [member('a', 20)], worker: 'h:1', memberSteps: 20, seconds: 1 };
    assert.equal(EnsembleProgress.safeParse(ok).success, true);
    assert.equal(EnsembleProgress.safeParse({ ...ok, memberSteps: -1 }).success, false);
    assert.equal(EnsembleProgress.safeParse({ ...ok, finished: [{ ...member('a', 20), summary: { status: 'succeeded' } }] }).success, false);
  });
});

describe('WorkerRates', () => {
  it('one line per worker: its member-steps over its training seconds, summed over its jobs; printed once per change', () => {
    const r = new WorkerRates();
    r.record('j1', { finished: [member('a', 300)], worker: 'b:2', memberSteps: 300, seconds: 2 }, 1);
    r.record('j2', { finished: [member('c', 100)], worker: 'a:1', memberSteps: 100, seconds: 1 }, 1);
    r.record('j1', { finished: [member('a', 300), member('d', 300)], worker: 'b:2', memberSteps: 600, seconds: 3 }, 1);
    assert.deepEqual(r.changed(), [
      'queue: worker a:1: 100 member-steps/s (1 member finished)',
      'queue: worker b:2: 200 member-steps/s (2 members finished)',
    ]);
    assert.deepEqual(r.changed(), [], 'nothing new: nothing printed');
    r.record('j3', { finished: [member('e', 100)], worker: 'a:1', memberSteps: 100, seconds: 1 }, 1);
    assert.deepEqual(r.changed(), ['queue: worker a:1: 100 member-steps/s (2 members finished)', 'queue: worker b:2: 200 member-steps/s (2 members finished)']);
  });
});
