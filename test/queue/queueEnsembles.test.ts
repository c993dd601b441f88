// The coordinator's side of ensemble jobs on a real redis-server, with a stand-in worker (no
// training): a member's run folder is written when its progress arrives, before the job ends;
// malformed progress is ignored with a line; a restarted coordinator waits on the job that already
// holds a member instead of enqueuing it again; a job that fails keeps its finished members.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import type { RunSummary } from '../../src/protocol/runEvents';
import { queueEnsembles } from '../../src/trainer/queue/queueEnsembles';
import { parseQueueUrl } from '../../src/trainer/queue/redisConnection';
import { type TestRedis, startRedis } from './redis';

const NAME = 'ensemble-test';
const PREFIX = 'sa-test';
const spec = (m: number) =>
  ExperimentSchema.parse({ version: 1, name: 'p', task: { kind: 'majority', T: 4, s: 3 }, data: { trainSize: m, testSize: 20 }, training: { maxSteps: 10, evalEvery: 5 } });
const result = (runId: string) => ({
  runId,
  summary: { type: 'summary' as const, runId, status: 'succeeded' as const, steps: 10, parameterCount: 1, testAccuracy: 1, trainAccuracy: 1, attentionOnRelevant: null, backend: 'wasm', wallSeconds: 0.1, runDir: '/elsewhere' },
  experiment: JSON.stringify(spec(4)),
  events: '',
  host: 'far',
});
const progress = (ids: string[]) => ({ finished: ids.map(result), worker: 'far:7', memberSteps: 10 * ids.length, seconds: 1 });

async function until(probe: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!probe() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return probe();
}

describe('the coordinator’s ensemble jobs', { timeout: 60_000 }, () => {
  let redis: TestRedis;
  let queue: Queue;
  let events: QueueEvents;
  let worker: Worker;
  const out = mkdtempSync(path.join(tmpdir(), 'sa-ens-coord-'));
  const req = (runId: string, m: number) => ({ runId, spec: spec(m), out });
  /** What the stand-in worker does with each job, by sweep. */
  const behaviour: Record<string, (job: Job) => Promise<unknown>> = {};
  let jobsTaken = 0;

  before(async () => {
    redis = await startRedis();
    const connection = parseQueueUrl(redis.url).options;
    queue = new Queue(NAME, { connection, prefix: PREFIX });
    events = new QueueEvents(NAME, { connection, prefix: PREFIX });
    await events.waitUntilReady();
    worker = new Worker(NAME, async (job) => (jobsTaken++, behaviour[job.data.sweep](job)), { connection, prefix: PREFIX });
  });
  after(async () => {
    await Promise.allSettled([worker.close(), events.close(), queue.close()]);
    await redis?.stop();
  });

  it('writes a member when its progress arrives, ignores malformed progress, and a restart enqueues nothing twice', async () => {
    const lines: string[] = [];
    let writtenBeforeDone = false;
    behaviour.s1 = async (job) => {
      await job.updateProgress({ finished: 'not a list' });
      await job.updateProgress(progress(['a']));
      writtenBeforeDone = await until(() => existsSync(path.join(out, 'a', 'summary.json')), 10_000);
      return { members: [result('a'), result('b')] };
    };
    const first = queueEnsembles(queue, events, 's1', (l) => lines.push(l));
    const results = await first.launch([req('a', 4), req('b', 8)], new AbortController().signal);
    assert.ok(writtenBeforeDone, 'a was written while its job was still running');
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    const a = JSON.parse(readFileSync(path.join(out, 'a', 'summary.json'), 'utf8'));
    assert.deepEqual([a.host, a.runDir], ['far', path.join(out, 'a')]);
    assert.match(lines.join('\n'), /job s1--ens--\w+ reported malformed progress/);
    assert.deepEqual(first.rates.lines(), ['queue: worker far:7: 10 member-steps/s (1 member finished)']);

    // A restarted coordinator asking for b again (its folder lost) takes it from the finished job.
    const taken = jobsTaken;
    const again = await queueEnsembles(queue, events, 's1', () => {}).launch([req('b', 8)], new AbortController().signal);
    assert.equal(again[0].ok, true);
    assert.equal(jobsTaken, taken, 'no job was trained again');
    assert.equal((await queue.getJobCounts('completed')).completed, 1, 'no second job was added');
  });

  it('a job that fails keeps the members it finished; the others fail with the worker’s reason', async () => {
    behaviour.s2 = async (job) => {
      await job.updateProgress(progress(['c']));
      throw new Error('the trainer died');
    };
    const results = await queueEnsembles(queue, events, 's2', () => {}).launch([req('c', 4), req('d', 8)], new AbortController().signal);
    assert.equal(results[0].ok, true);
    assert.ok(existsSync(path.join(out, 'c', 'summary.json')));
    assert.equal(results[1].ok, false);
    assert.match((results[1] as { reason: string }).reason, /^job s2--ens--\w+ failed on a worker: the trainer died$/);
  });
});
