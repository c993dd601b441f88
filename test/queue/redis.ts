// A real redis-server for the queue tests: on a free loopback port, with a password, no persistence,
// stopped when the tests end. `npm test` installs Debian's redis-server when it is missing.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { checkQueue, parseQueueUrl } from '../../src/trainer/queue/redisConnection';

export interface TestRedis {
  url: string;
  port: number;
  password: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2, 10)}`;
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://:${password}@127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await checkQueue(parseQueueUrl(url), 1000);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    port,
    password,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
