// A queue worker stops within seconds of SIGTERM whatever state its connection is in (issue 22):
// with its Redis gone, BullMQ's close waits on a connection that keeps reconnecting; the worker
// gives it a few seconds once no run is left, then quits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { startRedis } from './redis';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');
/** The issue's bound: the worker's own grace is 3 s (CLOSE_GRACE_MS). */
const STOP_BOUND_MS = 5000;

const until = (pattern: RegExp, text: () => string, ms: number) =>
  new Promise<boolean>((resolve) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(text()) || Date.now() - t0 > ms) {
        clearInterval(poll);
        resolve(pattern.test(text()));
      }
    }, 50);
  });

describe('a queue worker whose Redis has gone', () => {
  for (const attempt of [1, 2, 3]) {
    it(`exits within ${STOP_BOUND_MS / 1000} s of SIGTERM (try ${attempt})`, async () => {
      const redis = await startRedis();
      const worker = spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, '--backend', 'wasm'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      worker.stderr!.on('data', (d) => (stderr += d));
      try {
        assert.ok(await until(/taking runs from/, () => stderr, 20_000), `the worker did not start: ${stderr}`);
        await redis.stop();
        assert.ok(await until(/cannot reach the queue/, () => stderr, 10_000), `the worker did not notice Redis going: ${stderr}`);
        const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
        worker.kill('SIGTERM');
        const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), STOP_BOUND_MS))]);
        assert.equal(code, 0, `after SIGTERM the worker was ${code === 'running' ? 'still running' : `exit ${code}`}:\n${stderr.trim().split('\n').slice(-3).join('\n')}`);
        assert.match(stderr, /\[worker\] stopping/);
      } finally {
        worker.kill('SIGKILL');
      }
    });
  }
});
