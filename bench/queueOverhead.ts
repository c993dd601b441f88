// The queue's overhead: the same sweep on the local pool (N worker processes) and over a Redis queue
// with N local `sparse-attention worker` processes (one run at a time each), on the same machine.
// Needs Debian's redis-server; skipped with the reason when it is absent.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { startRedis } from '../test/queue/redis';
import { type SweepTiming, timeSweep } from './sweepWallTime';

export interface QueueOverhead {
  skipped?: string;
  local?: SweepTiming;
  queued?: SweepTiming;
  /** (queued − local) / local wall time, in %. */
  overheadPct?: number;
  sameMStar?: boolean;
}

export async function measureQueueOverhead(file: string, opts: { cli: string; workers: number; log: (line: string) => void }): Promise<QueueOverhead> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return { skipped: 'redis-server is not installed (apt-get install redis-server)' };
  const redis = await startRedis();
  const workers: ChildProcess[] = [];
  try {
    const local = await timeSweep(file, { cli: opts.cli, workers: opts.workers, args: ['--ensemble', 'off'], label: `local ×${opts.workers}`, log: opts.log });
    for (let i = 0; i < opts.workers; i++) {
      workers.push(spawn(process.execPath, [opts.cli, 'worker', '--queue', redis.url, '--concurrency', '1', '--backend', 'wasm'], { stdio: 'ignore' }));
    }
    const queued = await timeSweep(file, { cli: opts.cli, workers: opts.workers, label: `queue ×${opts.workers}`, log: opts.log, queue: redis.url });
    return {
      local,
      queued,
      overheadPct: ((queued.wallSeconds - local.wallSeconds) / local.wallSeconds) * 100,
      sameMStar: JSON.stringify(local.mStar) === JSON.stringify(queued.mStar),
    };
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await redis.stop();
  }
}
