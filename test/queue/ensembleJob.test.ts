// A worker's ensemble job without Redis (a stand-in job and trainer): members a previous worker
// finished (the job's progress) are kept and not trained; the rest are trained in chunks of at most
// this worker's memory bound; each member is written to the progress as it finishes; a member that
// ends without an answer fails the job, after the finished ones were written.
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { describe, it } from 'node:test';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { EnsembleProgress } from '../../src/protocol/queueMessages';
import type { RunSummary } from '../../src/protocol/runEvents';
import { RunFiles } from '../../src/store/runFolder';
import { trainEnsembleJob } from '../../src/trainer/queue/ensembleJob';
import type { EnsembleLaunch } from '../../src/trainer/runPool';

const spec = (m: number) =>
  ExperimentSchema.parse({ version: 1, name: 'p', task: { kind: 'majority', T: 4, s: 3 }, data: { trainSize: m, testSize: 20 }, training: { maxSteps: 10, evalEvery: 5 } });
const summary = (runId: string, status: RunSummary['status'], steps: number): RunSummary => ({
  type: 'summary', runId, status, steps, parameterCount: 1, testAccuracy: 1, trainAccuracy: 1, attentionOnRelevant: null, backend: 'wasm', wallSeconds: 0.1, runDir: '',
});

/** A stand-in BullMQ job that keeps the progress it is given. */
function fakeJob(runIds: string[], progress: unknown = 0) {
  const updates: EnsembleProgress[] = [];
  const job = {
    id: 'j',
    data: { sweep: 's', runs: runIds.map((runId, i) => ({ runId, spec: spec(4 + i) })) },
    progress,
    updateProgress: async (p: EnsembleProgress) => void updates.push(p),
  };
  return { job: job as unknown as Job, updates };
}

/** A stand-in trainer: every member ends with `status(runId)`, writing its folder as a run does. */
function fakeLaunch(status: (runId: string) => RunSummary['status']) {
  const calls: string[][] = [];
  const launch: EnsembleLaunch = async (reqs) => {
    calls.push(reqs.map((r) => r.runId));
    for (const r of reqs) new RunFiles(r.out, r.runId).writeReceived({ experiment: '{}', events: '', summary: summary(r.runId, status(r.runId), 10) });
    return reqs.map((r) => (status(r.runId) === 'failed' ? { ok: false, reason: 'boom' } : { ok: true, summary: summary(r.runId, status(r.runId), 10) }));
  };
  return { launch, calls };
}

const ctx = (launch: EnsembleLaunch, max: number) => ({ launch, maxMembers: () => max, worker: 'h:1', log: () => {} });

describe('a worker’s ensemble job', () => {
  it('keeps the members an earlier worker finished and trains the rest in chunks of its own bound', async () => {
    const earlier = { finished: [{ runId: 'a', summary: summary('a', 'succeeded', 3), experiment: '{}', events: '', host: 'other' }], worker: 'other:9', memberSteps: 3, seconds: 1 };
    const { job, updates } = fakeJob(['a', 'b', 'c', 'd', 'e', 'f'], earlier);
    const { launch, calls } = fakeLaunch(() => 'not-reached');
    const result = await trainEnsembleJob(job, ctx(launch, 2));
    assert.deepEqual(calls, [['b', 'c'], ['d', 'e'], ['f']]);
    assert.deepEqual(result.members.map((m) => m.runId), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.equal(result.members[0].host, 'other', 'the earlier worker’s result is passed on as it was');
    // One progress write per member this worker finished, each with every member finished so far.
    assert.deepEqual(updates.map((u) => u.finished.length), [2, 3, 4, 5, 6]);
    assert.equal(updates.at(-1)!.memberSteps, 50, 'only the steps this worker trained');
    assert.equal(updates.at(-1)!.worker, 'h:1');
  });

  it('a member without an answer fails the job; the members that finished are in its progress first', async () => {
    const { job, updates } = fakeJob(['a', 'b', 'c']);
    const { launch } = fakeLaunch((id) => (id === 'b' ? 'failed' : 'succeeded'));
    await assert.rejects(trainEnsembleJob(job, ctx(launch, 8)), /^Error: b: boom$/);
    assert.deepEqual(updates.at(-1)!.finished.map((m) => m.runId).sort(), ['a', 'c']);
  });

  it('malformed job data fails for good, naming the member and field', async () => {
    const { job } = fakeJob(['a']);
    (job.data as { runs: { spec: unknown }[] }).runs[0].spec = { version: 1, name: 'x', task: { kind: 'majority', T: 'many' } };
    await assert.rejects(trainEnsembleJob(job, ctx(fakeLaunch(() => 'succeeded').launch, 8)), (err: Error) => err.name === 'UnrecoverableError' && /^malformed job data: runs\.0\.spec\.task\.T: /.test(err.message));
  });
});
