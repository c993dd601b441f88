// The coordinator splits a group of ensemble members over the jobs its workers take at once (their
// slots), read from the workers' names on a real redis-server: one 2-core worker once took a whole
// group as one job and trained it on one core while the other idled. It names the workers' machines
// (the panel's "Queue workers" line once showed the queue's name instead).
import assert from 'node:assert/strict';
import { describe, it, after, before } from 'node:test';
import { Worker } from 'bullmq';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/protocol/queueMessages';
import { queueLauncher } from '../../src/trainer/queue/queueLauncher';
import { parseQueueUrl } from '../../src/trainer/queue/redisConnection';
import { readWorkers, workerName, workerPid } from '../../src/trainer/queue/workerNames';
import { type TestRedis, startRedis } from './redis';

describe('worker names', () => {
  it('carry host, pid and slots; a job’s processedBy gives the pid back', () => {
    assert.equal(workerName('gpu-a', 4242, 2), 'gpu-a:4242:slots2');
    assert.equal(workerPid('gpu-a:4242:slots2'), 4242);
    assert.equal(workerPid('gpu-a:4242'), 4242, 'a name from before slots');
    assert.equal(workerPid(undefined), undefined);
  });

  it('add up the slots of every worker; an unnamed or older worker counts as one slot', () => {
    const listed = readWorkers([
      { name: 'runs', rawname: 'sparse-attention:cnVucw==:w:gpu-b:7:slots4' },
      { name: 'runs', rawname: 'sparse-attention:cnVucw==:w:cpu-a:9:slots2' },
      { name: 'runs', rawname: 'sparse-attention:cnVucw==:w:cpu-a:11' },
      { name: 'runs', rawname: 'sparse-attention:cnVucw==' },
    ]);
    assert.deepEqual(listed, { count: 4, hosts: ['cpu-a', 'gpu-b'], slots: 8 });
  });
});

describe('the coordinator reads its workers from a real redis-server', { timeout: 60_000 }, () => {
  let redis: TestRedis;
  const workers: Worker[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await Promise.allSettled(workers.map((w) => w.close()));
    await redis?.stop();
  });

  it('splits over three slots for a 2-slot and a 1-slot worker, and names both machines', async () => {
    const target = parseQueueUrl(redis.url);
    const connection = target.options;
    for (const [host, pid, slots] of [['box-a', 101, 2], ['box-b', 102, 1]] as const) {
      // Workers that never get a job: only their names matter here.
      const w = new Worker(QUEUE_NAME, async () => undefined, { connection, prefix: QUEUE_PREFIX, concurrency: slots, name: workerName(host, pid, slots) });
      await w.waitUntilReady();
      workers.push(w);
    }
    const launcher = await queueLauncher(target, 'slots', () => {});
    try {
      assert.deepEqual(await launcher.workers(), { count: 2, hosts: ['box-a', 'box-b'] });
      assert.equal(launcher.lanes(), 3, 'a group is split over 2 + 1 slots');
    } finally {
      await launcher.close();
    }
  });
});
