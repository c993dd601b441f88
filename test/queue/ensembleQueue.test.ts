// Ensembles over a real Redis queue (issue 22): a sweep's cells that share a key travel as one
// ensemble job; each member's files are written back as that member finishes, so a worker SIGKILLed
// mid-ensemble (after at least one of its members finished) loses only its unfinished members, which
// the next worker trains; no finished member is trained twice, and the sweep's m* and per-cell
// successes equal the local run's. The coordinator prints each worker's member-steps per second.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { EnsembleJobData, EnsembleProgress, QUEUE_NAME, QUEUE_PREFIX } from '../../src/protocol/queueMessages';
import { parseQueueUrl } from '../../src/trainer/queue/redisConnection';
import { workerPid } from '../../src/trainer/queue/workerNames';
import { type TestRedis, startRedis } from './redis';
import { type Proc, lastJson, shape, start, waitFor } from './cliProcess';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');

/**
 * Two context lengths × three sizes × two seeds on a grid: six members per T, two jobs of three per
 * T over two workers. Large m reaches the target early and leaves its ensemble; m = 4 trains to
 * maxSteps, so a job holds finished and unfinished members for a while.
 */
const sweepSpec = {
  version: 1,
  kind: 'sweep',
  name: 'ens',
  base: {
    task: { kind: 'majority', s: 3 },
    data: { testSize: 200 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 },
    training: { learningRate: 0.01, batchSize: 'full', maxSteps: 300, evalEvery: 20, targetAccuracy: 0.9 },
  },
  contextLengths: [4, 8],
  trainSizes: [4, 16, 64],
  seeds: 2,
  search: 'grid',
  successRate: 0.5,
  bootstrap: 50,
};

/** "[worker] <runId> (ens) <status> in …": the members a worker trained to an answer. */
const trained = (log: string) => [...log.matchAll(/^\[worker\] (\S+) \(ens\) /gm)].map((m) => m[1]);


describe('ensembles over a Redis queue', { timeout: 5 * 60_000 }, () => {
  let redis: TestRedis;
  const workers: Proc[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-queue-ens-'));
  const startWorker = () => {
    const w = start(['worker', '--queue', redis.url, '--concurrency', '1', '--backend', 'wasm', '--lock-seconds', '2'], dir);
    workers.push(w);
    return w;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('a worker SIGKILLed mid-ensemble: finished members kept, the rest retried, m* and successes equal the local run', async () => {
    writeFileSync(path.join(dir, 'ens.sweep.json'), JSON.stringify(sweepSpec));
    const local = spawnSync(process.execPath, [BIN, 'sweep', 'ens.sweep.json', '--json', '--backend', 'wasm', '--workers', '2', '--out', 'local'], { cwd: dir, encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);

    const first = [startWorker(), startWorker()];
    await waitFor(() => first.every((w) => /taking runs from/.test(w.err())), 30_000, 'two workers ready', 50);
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(redis.url).options, prefix: QUEUE_PREFIX });
    const coordinator = start(['sweep', 'ens.sweep.json', '--json', '--queue', redis.url, '--out', 'queued'], dir);
    // An active ensemble job with some members finished (in its progress) and some not: kill its worker.
    const held = await waitFor(
      async () =>
        (await queue.getActive()).find((j) => {
          const p = EnsembleProgress.safeParse(j.progress);
          return j.name === 'ensemble' && p.success && p.data.finished.length > 0 && p.data.finished.length < EnsembleJobData.parse(j.data).runs.length;
        }),
      120_000,
      'an ensemble job with finished and unfinished members',
      50,
    );
    const victim = first.find((w) => w.child.pid === workerPid(held.processedBy));
    assert.ok(victim, `the holder ${held.processedBy} is one of our workers`);
    victim.child.kill('SIGKILL');
    await victim.exited;
    startWorker();

    assert.equal(await coordinator.exited, 0, coordinator.err());
    await queue.close();
    const s = lastJson(coordinator.out());
    assert.equal(s.status, 'completed');
    assert.deepEqual(shape(s), shape(lastJson(local.stdout)), 'the same m* and per-cell successes as the local run');

    // A member in a worker's log was written back before the log line: the victim's were kept.
    const kept = trained(victim.err());
    const again = workers.filter((w) => w !== victim).flatMap((w) => trained(w.err()));
    const all = [...kept, ...again];
    assert.equal(new Set(all).size, all.length, `a member was trained twice: ${all.sort().join(', ')}`);
    assert.equal(all.length, 12, 'every run of the sweep trained once');
    const members = EnsembleJobData.parse(held.data).runs.map((r) => r.runId);
    assert.ok(members.some((id) => kept.includes(id)), 'the killed job had finished members, kept');
    assert.ok(members.some((id) => again.includes(id)), 'its unfinished members were trained by another worker');
    assert.match(workers.filter((w) => w !== victim).map((w) => w.err()).join(''), /member\(s\) finished by an earlier worker are kept/);
    for (const id of kept) {
      const read = (out: string) => JSON.parse(readFileSync(path.join(dir, out, 'ens', 'runs', id, 'summary.json'), 'utf8'));
      assert.deepEqual([read('queued').status, read('queued').steps], [read('local').status, read('local').steps], `${id} as the local run`);
    }
    assert.match(coordinator.err(), /^queue: worker \S+:\d+: \d+ member-steps\/s \(\d+ members? finished\)$/m);
  });
});
