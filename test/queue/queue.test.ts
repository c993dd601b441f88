// Sweeps over a real Redis queue (BullMQ): two worker processes and a coordinator give the same m*
// and per-cell successes as the same sweep run locally; a worker killed with SIGKILL while it holds a
// job, or a coordinator killed and restarted, loses nothing and trains nothing twice; a wrong
// password, an unreachable port and malformed job data each get their message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue, QueueEvents } from 'bullmq';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/protocol/queueMessages';
import { checkQueue, parseQueueUrl, redactUrl } from '../../src/trainer/queue/redisConnection';
import { workerPid } from '../../src/trainer/queue/workerNames';
import { type TestRedis, startRedis } from './redis';
import { type Proc, lastJson, shape, start, waitFor } from './cliProcess';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');

/** 3 context lengths × 2–3 sizes × 2 seeds of a tiny model: a dozen runs of about a second. */
const sweepSpec = (name: string, maxSteps = 60) => ({
  version: 1,
  kind: 'sweep',
  name,
  base: {
    task: { kind: 'majority', s: 3 },
    data: { testSize: 200 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 },
    training: { learningRate: 0.01, batchSize: 'full', maxSteps, evalEvery: 20, targetAccuracy: 0.9 },
  },
  contextLengths: [4, 8, 16],
  trainSizes: [4, 16, 64],
  seeds: 2,
  successRate: 0.5,
  bootstrap: 50,
});

/** "[worker] <runId> (<sweep>) <status> in …": the runs a worker trained. */
const trained = (log: string) => [...log.matchAll(/^\[worker\] (\S+) \(/gm)].map((m) => m[1]);


describe('sweeps over a Redis queue (BullMQ)', { timeout: 10 * 60_000 }, () => {
  let redis: TestRedis;
  const workers: Proc[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-queue-'));
  const startWorkers = (n: number) => {
    for (let i = 0; i < n; i++) workers.push(start(['worker', '--queue', redis.url, '--concurrency', '1', '--backend', 'wasm', '--lock-seconds', '2'], dir));
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('two workers and a coordinator give the same m* and per-cell successes as a local sweep', async () => {
    startWorkers(2);
    writeFileSync(path.join(dir, 'same.sweep.json'), JSON.stringify(sweepSpec('same')));
    const local = spawnSync(process.execPath, [BIN, 'sweep', 'same.sweep.json', '--json', '--backend', 'wasm', '--workers', '2', '--out', 'local'], { cwd: dir, encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);
    const queued = start(['sweep', 'same.sweep.json', '--json', '--queue', redis.url, '--out', 'queued'], dir);
    assert.equal(await queued.exited, 0, queued.err());
    const a = lastJson(local.stdout);
    const b = lastJson(queued.out());
    assert.equal(b.status, 'completed');
    assert.deepEqual(shape(b), shape(a));
    assert.ok(b.points.every((p: { cells: { hosts?: string[] }[] }) => p.cells.every((c) => c.hosts && c.hosts.length > 0)), 'each cell says which host trained it');
    // The sweep folder is a local sweep's: every run with its files, the summary on disk.
    const run = path.join(dir, 'queued', 'same', 'runs', 'transformer-T4-m16-seed0');
    assert.equal(JSON.parse(readFileSync(path.join(run, 'summary.json'), 'utf8')).status, JSON.parse(readFileSync(path.join(dir, 'local', 'same', 'runs', 'transformer-T4-m16-seed0', 'summary.json'), 'utf8')).status);
    assert.ok(readFileSync(path.join(run, 'events.jsonl'), 'utf8').includes('"type":"started"'));
    assert.ok(queued.out().includes('"type":"queue-status"'), 'the coordinator reports the workers it sees');
    assert.doesNotMatch(queued.out() + queued.err(), new RegExp(redis.password), 'the password never appears');
  });

  it('a worker killed with SIGKILL while it holds a job: another takes the job and the sweep completes', async () => {
    writeFileSync(path.join(dir, 'kill.sweep.json'), JSON.stringify(sweepSpec('kill', 400)));
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(redis.url).options, prefix: QUEUE_PREFIX });
    const coordinator = start(['sweep', 'kill.sweep.json', '--json', '--queue', redis.url, '--out', 'queued'], dir);
    // Wait until a job is active, find the worker holding it (worker names are host:pid:slotsN), kill it.
    const holder = await waitFor(async () => (await queue.getActive()).map((j) => j.processedBy).find(Boolean), 60_000, 'an active job');
    const pid = workerPid(holder);
    const victim = workers.find((w) => w.child.pid === pid);
    assert.ok(victim, `the holder ${holder} is one of our workers`);
    victim!.child.kill('SIGKILL');
    assert.equal(await coordinator.exited, 0, coordinator.err());
    const s = lastJson(coordinator.out());
    assert.equal(s.status, 'completed');
    assert.equal(s.runsFailed, 0, 'nothing missing');
    assert.ok(s.points.every((p: { status: string }) => p.status === 'found' || p.status === 'censored'));
    await queue.close();
    startWorkers(1); // back to two for the next test
  });

  it('a coordinator killed and restarted trains no finished run twice', async () => {
    writeFileSync(path.join(dir, 'restart.sweep.json'), JSON.stringify(sweepSpec('restart', 200)));
    const before = workers.map((w) => trained(w.err()).length);
    const first = start(['sweep', 'restart.sweep.json', '--json', '--queue', redis.url, '--out', 'queued'], dir);
    await waitFor(() => (first.out().match(/"type":"cell-finished"/g) ?? []).length >= 2, 120_000, 'two finished cells');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = start(['sweep', 'restart.sweep.json', '--json', '--queue', redis.url, '--out', 'queued'], dir);
    assert.equal(await second.exited, 0, second.err());
    const s = lastJson(second.out());
    assert.equal(s.status, 'completed');
    const runs = workers.flatMap((w, i) => trained(w.err()).slice(before[i] ?? 0)).filter((id) => id.length);
    const restartRuns = runs.filter((id) => id.startsWith('transformer-'));
    assert.equal(new Set(restartRuns).size, restartRuns.length, `a run was trained twice: ${restartRuns.sort().join(', ')}`);
    assert.ok(s.runsReused > 0, 'the runs finished before the kill were reused');
  });

  it('malformed job data fails that job with its reason and leaves the worker running', async () => {
    const connection = parseQueueUrl(redis.url).options;
    const queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
    await events.waitUntilReady();
    const job = await queue.add('run', { spec: { version: 1, name: 'x', task: { kind: 'parity', T: 'many' } }, runId: 'bad-run', sweep: 's' }, { jobId: 'malformed-1' });
    await assert.rejects(job.waitUntilFinished(events), /malformed job data: task\.T/);
    const failed = await queue.getJob('malformed-1');
    assert.match(failed!.failedReason, /^malformed job data: /);
    await waitFor(() => workers.some((w) => /job malformed-1: malformed job data/.test(w.err())), 5_000, 'the worker logging the job id');
    assert.ok(workers.filter((w) => w.child.exitCode === null).length >= 2, 'workers still running');
    await Promise.all([events.close(), queue.close()]);
  });

  it('a wrong password and an unreachable port: exit 2 with one line naming the host, never the password', () => {
    writeFileSync(path.join(dir, 'err.sweep.json'), JSON.stringify(sweepSpec('err')));
    const wrong = spawnSync(process.execPath, [BIN, 'sweep', 'err.sweep.json', '--queue', `redis://:not-it@127.0.0.1:${redis.port}`], { cwd: dir, encoding: 'utf8' });
    assert.equal(wrong.status, 2);
    assert.equal(wrong.stderr.trim(), `error: the queue at redis://127.0.0.1:${redis.port} refused the credentials (WRONGPASS): check the user and password in the URL`);
    assert.doesNotMatch(wrong.stderr, /not-it/);
    const closed = spawnSync(process.execPath, [BIN, 'worker', '--queue', 'redis://:secret@127.0.0.1:1'], { cwd: dir, encoding: 'utf8' });
    assert.equal(closed.status, 2);
    assert.match(closed.stderr, /^error: cannot reach the queue at redis:\/\/127\.0\.0\.1:1: connection refused; is redis-server running there/);
    assert.doesNotMatch(closed.stderr, /secret/);
    assert.equal(redactUrl('rediss://alice:pa%40ss@db.lab:6380/2'), 'rediss://alice@db.lab:6380/2');
  });
});

/** A loopback TCP server that answers with `reply`, and closes with every connection it holds. */
async function fakeServer(reply: (sock: Socket) => void): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<Socket>();
  const srv = createServer((sock) => {
    sockets.add(sock);
    reply(sock);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      srv.close();
    },
  };
}

describe('queue checks without a real Redis', () => {
  it('a Redis older than 6.2 is refused with its version', async () => {
    // A stand-in server that answers like Redis 6.0: +OK to everything, and its version to INFO.
    // One reply per command: a chunk may hold several (AUTH and CLIENT SETINFO arrive together).
    const srv = await fakeServer((sock) =>
      sock.on('data', (d) => {
        for (const cmd of d.toString().split(/(?=\*\d+\r\n)/).filter((c) => c.startsWith('*'))) {
          if (/\ninfo\r/i.test(cmd)) {
            const body = '# Server\r\nredis_version:6.0.16\r\n';
            sock.write(`$${body.length}\r\n${body}\r\n`);
          } else sock.write('+OK\r\n');
        }
      }),
    );
    try {
      await assert.rejects(checkQueue(parseQueueUrl(`redis://:pw@127.0.0.1:${srv.port}`)), {
        message: `the queue at redis://127.0.0.1:${srv.port} runs Redis 6.0.16; the queue (BullMQ) needs Redis ≥ 6.2: upgrade it`,
      });
    } finally {
      srv.close();
    }
  });

  it('a server that accepts but never answers: a time-out naming the host, not a hang', async () => {
    const srv = await fakeServer(() => {});
    try {
      await assert.rejects(checkQueue(parseQueueUrl(`redis://:pw@127.0.0.1:${srv.port}`), 500), {
        message: `cannot reach the queue at redis://127.0.0.1:${srv.port}: no answer within the time limit; check the address, the port and any firewall`,
      });
    } finally {
      srv.close();
    }
  });

  it('refuses what is not a Redis URL, without echoing a password', () => {
    assert.throws(() => parseQueueUrl('http://u:pw@host:1'), { message: '--queue: http://u@host:1 is not a Redis URL (expected redis:// or rediss:// for TLS)' });
    assert.throws(() => parseQueueUrl('not a url'), /--queue: not a URL/);
    assert.deepEqual(parseQueueUrl('rediss://alice:p%40ss@db.lab:6380/2').options.tls, { servername: 'db.lab' });
    assert.equal(parseQueueUrl('rediss://alice:p%40ss@db.lab:6380/2').options.password, 'p@ss');
  });
});
