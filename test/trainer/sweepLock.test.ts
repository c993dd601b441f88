// One writer per sweep folder (src/store/sweepLock.ts): a second sweep on a folder in use is refused
// with one line naming the holder and touches nothing; a stale lock (its process gone, or its
// heartbeat old) is taken over and said so; the lock is released however a sweep ends. The first
// sweep runs in this process with a stand-in launcher held at a gate (so "at once" is not a race);
// the second is the real CLI.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import type { RunSummary } from '../../src/protocol/runEvents';
import type { SweepSummary } from '../../src/protocol/sweepEvents';
import { RunFiles } from '../../src/store/runFolder';
import { SWEEP_FILES, readSweepEvents } from '../../src/store/sweepFolder';
import { readLockHolder, takeSweepLock } from '../../src/store/sweepLock';
import { RunStore } from '../../src/extension/runStore';
import { TrainerRunner } from '../../src/extension/trainerRunner';
import { sweepCommand } from '../../src/trainer/sweepCommand';
import type { RunLauncher, RunRequest, RunResult } from '../../src/trainer/sweepRunner';
import { tinySweep } from './tinySweep';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'sa-sweeplock-'));


function writeSweep(dir: string, over: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'tiny.sweep.json');
  writeFileSync(file, JSON.stringify(tinySweep(over)));
  return file;
}

/**
 * A stand-in trainer with a fixed outcome per (T, m, seed) that writes real run folders (a `started`
 * line, then the summary). With a gate, each run waits at it after `started`: the sweep stays busy,
 * and `busy` resolves once `parallel` runs wait there (the sweep then writes nothing until the gate opens).
 */
function fakeLauncher(gate?: Promise<void>, parallel = 2): RunLauncher & { busy: Promise<void> } {
  let waiting = 0;
  let allWaiting!: () => void;
  const busy = new Promise<void>((r) => (allWaiting = r));
  const launch = (async (req: RunRequest): Promise<RunResult> => {
    const files = new RunFiles(req.out, req.runId);
    files.create(req.spec);
    appendFileSync(path.join(files.dir, 'events.jsonl'), JSON.stringify({ type: 'started', runId: req.runId }) + '\n');
    if (++waiting === parallel) allWaiting();
    await (gate ?? new Promise((r) => setImmediate(r)));
    const { T } = req.spec.task;
    const ok = seedrandom(`${T}:${req.spec.data.trainSize}:${req.spec.seed}`)() < (req.spec.data.trainSize >= 4 * T ? 0.9 : 0.2);
    const summary: RunSummary = {
      type: 'summary', runId: req.runId, status: ok ? 'succeeded' : 'not-reached', steps: 10, parameterCount: 1,
      testAccuracy: ok ? 1 : 0.6, trainAccuracy: 1, attentionOnRelevant: 0.5, backend: 'fake', wallSeconds: 0, runDir: files.dir,
    };
    files.writeSummary(summary);
    return { ok: true, summary };
  }) as unknown as RunLauncher & { busy: Promise<void> };
  launch.busy = busy;
  return launch;
}

/** sweepCommand in this process with --json, its stdout and stderr captured. */
async function sweepHere(file: string, out: string, launch: RunLauncher): Promise<{ code: number; stdout: string; stderr: string; summary?: SweepSummary }> {
  const captured = { stdout: '', stderr: '' };
  const write = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((chunk: string) => ((captured.stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((captured.stderr += chunk), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await sweepCommand(file, { out, parallel: 2, backend: 'wasm', json: true, cliPath: BIN, launch });
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
  }
  const last = captured.stdout.trim().split('\n').pop();
  return { code, ...captured, summary: last ? JSON.parse(last) : undefined };
}

/** The real CLI, asynchronously (a synchronous spawn would stall this process's heartbeat). */
function cli(args: string[], cwd: string): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((r) => child.on('exit', (code) => r({ code, stdout, stderr }))) };
}

/** Every path under `dir` with its content (folders as such): what "touched nothing" compares. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, name);
    out.set(name, statSync(p).isDirectory() ? '<dir>' : readFileSync(p, 'utf8'));
  }
  return out;
}

const cellOutcomes = (s: SweepSummary) => s.points.map((p) => ({ T: p.T, cells: p.cells.map((c) => ({ m: c.m, successes: c.successes, trials: c.trials, status: c.status })) }));
const runStatuses = (sweepDir: string) =>
  Object.fromEntries(readdirSync(path.join(sweepDir, 'runs')).sort().map((id) => [id, JSON.parse(readFileSync(path.join(sweepDir, 'runs', id, 'summary.json'), 'utf8')).status]));
const lockGone = (sweepDir: string) => !existsSync(path.join(sweepDir, SWEEP_FILES.lock)) && !existsSync(path.join(sweepDir, SWEEP_FILES.lockHolder));

/** A lock as a sweep killed with SIGKILL leaves it: the lock folder and its holder file. */
function plantLock(sweepDir: string, holder: { pid: number; hostname: string; since: string }, ageMs = 0): void {
  mkdirSync(path.join(sweepDir, SWEEP_FILES.lock), { recursive: true });
  writeFileSync(path.join(sweepDir, SWEEP_FILES.lockHolder), JSON.stringify(holder));
  const t = new Date(Date.now() - ageMs);
  utimesSync(path.join(sweepDir, SWEEP_FILES.lock), t, t);
}

describe('one writer per sweep folder', () => {
  it('a second sweep on a folder in use: exit 2, one line naming the holder, nothing touched; the first ends as a lone sweep would', async () => {
    const dir = tmp();
    const file = writeSweep(dir);
    const out = path.join(dir, 'sweeps');
    const sweepDir = path.join(out, 'tiny');
    let open!: () => void;
    const first = fakeLauncher(new Promise<void>((r) => (open = r)));
    const running = sweepHere(file, out, first);
    await first.busy;

    const holder = readLockHolder(sweepDir);
    assert.deepEqual(holder && { pid: holder.pid, hostname: holder.hostname }, { pid: process.pid, hostname: hostname() });
    const before = snapshot(sweepDir);
    const second = await cli(['sweep', file, '--out', out, '--json', '--backend', 'wasm', '--ensemble', 'off', '--workers', '1'], dir).done;
    assert.equal(second.code, 2, second.stderr);
    assert.equal(second.stderr, `error: sweep folder ${sweepDir} is in use by pid ${process.pid} on ${hostname()} since ${holder!.since} (another sweep); wait for it or stop it\n`);
    assert.equal(second.stdout, '');
    assert.deepEqual(snapshot(sweepDir), before, 'the refused sweep changed the folder');

    open();
    const done = await running;
    assert.equal(done.code, 0, done.stderr);
    assert.ok(lockGone(sweepDir), 'released at the end');
    const events = readSweepEvents(sweepDir);
    assert.equal(events.filter((e) => e.type === 'sweep-started').length, 1);
    assert.equal(events.filter((e) => e.type === 'sweep-summary').length, 1);
    for (const id of readdirSync(path.join(sweepDir, 'runs'))) {
      const lines = readFileSync(path.join(sweepDir, 'runs', id, 'events.jsonl'), 'utf8').trim().split('\n');
      assert.equal(lines.filter((l) => JSON.parse(l).type === 'started').length, 1, `${id} was started twice`);
    }

    const lone = await sweepHere(file, path.join(dir, 'lone'), fakeLauncher());
    assert.equal(lone.code, 0, lone.stderr);
    assert.deepEqual(runStatuses(sweepDir), runStatuses(lone.summary!.sweepDir));
    assert.deepEqual(cellOutcomes(done.summary!), cellOutcomes(lone.summary!));
    assert.ok(Object.keys(runStatuses(sweepDir)).length >= 6);
  });

  it('a lock left by a process that is gone is taken over: the sweep completes and says so on stderr, not among the events', async () => {
    const dir = tmp();
    const file = writeSweep(dir);
    const out = path.join(dir, 'sweeps');
    const sweepDir = path.join(out, 'tiny');
    // Finished runs first, so that the CLI's sweep below reuses them all and trains nothing.
    assert.equal((await sweepHere(file, out, fakeLauncher())).code, 0);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const since = '2026-12-04T02:50:00.000Z';
    plantLock(sweepDir, { pid: dead, hostname: hostname(), since });

    const r = await cli(['sweep', file, '--out', out, '--json', '--backend', 'wasm', '--ensemble', 'off', '--workers', '1'], dir).done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `sweep folder ${sweepDir}: took over the lock of pid ${dead} on ${hostname()} since ${since}: that process is gone\n`);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events.at(-1).type, 'sweep-summary');
    assert.equal(events.at(-1).status, 'completed');
    assert.equal(events.at(-1).runsExecuted, 0);
    assert.ok(lockGone(sweepDir));
  });

  it('a lock whose heartbeat stopped (a holder on another host) is taken over; a fresh one of a live holder is not', async () => {
    const dir = tmp();
    const file = writeSweep(dir);
    const out = path.join(dir, 'sweeps');
    const sweepDir = path.join(out, 'tiny');
    mkdirSync(sweepDir, { recursive: true });
    const since = '2026-12-04T01:00:00.000Z';
    plantLock(sweepDir, { pid: 4242, hostname: 'elsewhere.lab', since }, 2 * 3600_000);
    const r = await sweepHere(file, out, fakeLauncher());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^sweep folder ${sweepDir}: took over the lock of pid 4242 on elsewhere\\.lab since ${since}: its heartbeat stopped 720\\d s ago\n$`));
    assert.doesNotMatch(r.stdout, /took over/);
    assert.ok(lockGone(sweepDir));

    // Another host's lock with a fresh heartbeat: its process cannot be checked from here, so it holds.
    plantLock(sweepDir, { pid: 4242, hostname: 'elsewhere.lab', since });
    const before = snapshot(sweepDir);
    const refused = await sweepHere(file, out, fakeLauncher());
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, `error: sweep folder ${sweepDir} is in use by pid 4242 on elsewhere.lab since ${since} (another sweep); wait for it or stop it\n`);
    assert.deepEqual(snapshot(sweepDir), before);
  });

  it('the lock is released when a sweep completes, is cancelled (SIGINT) or fails, so the next one runs at once', async () => {
    const dir = tmp();
    const out = path.join(dir, 'sweeps');
    const sweepDir = path.join(out, 'tiny');
    // The next sweep must find no lock at all: a leftover one would be taken over, and say so.
    const nextRuns = async () => {
      assert.ok(lockGone(sweepDir), 'lock left behind');
      const r = await sweepHere(writeSweep(dir), out, fakeLauncher());
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /took over/);
    };

    // Completed.
    assert.equal((await sweepHere(writeSweep(dir), out, fakeLauncher())).code, 0);
    await nextRuns();

    // Cancelled: the real CLI training runs that never end on their own, stopped by SIGINT.
    const long = writeSweep(dir, { successWhen: 'final', base: { ...tinySweep().base, training: { ...tinySweep().base.training, maxSteps: 100000 } } });
    const run = cli(['sweep', long, '--out', out, '--json', '--backend', 'wasm', '--ensemble', 'off', '--workers', '1'], dir);
    await new Promise<void>((resolve) => {
      let seen = '';
      run.child.stdout!.on('data', (d) => {
        seen += d;
        if (seen.includes('"type":"cell-started"')) resolve();
      });
    });
    run.child.kill('SIGINT');
    const cancelled = await run.done;
    assert.equal(cancelled.code, 130, cancelled.stderr);
    await nextRuns();

    // Failed: sweep.json cannot be written (a folder stands in its place), exit 1.
    rmSync(path.join(sweepDir, SWEEP_FILES.sweep));
    mkdirSync(path.join(sweepDir, SWEEP_FILES.sweep, 'x'), { recursive: true });
    const failed = await sweepHere(writeSweep(dir), out, fakeLauncher());
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^error: EISDIR/m);
    rmdirSync(path.join(sweepDir, SWEEP_FILES.sweep, 'x'));
    rmdirSync(path.join(sweepDir, SWEEP_FILES.sweep));
    await nextRuns();
  });

  it("the editor's Run Sweep / Resume Sweep on a folder in use: exit 2 and the one line its error message shows; the store untouched", async () => {
    const dir = tmp();
    const file = writeSweep(dir);
    const out = path.join(dir, 'sweeps');
    const sweepDir = path.join(out, 'tiny');
    const held = await takeSweepLock(sweepDir);
    assert.ok(held.ok);
    try {
      const store = new RunStore();
      const runner = new TrainerRunner(() => ({ cliPath: path.resolve(__dirname, '../../dist/cli.js'), backend: 'wasm', cwd: dir }), store, () => {});
      const exit = await runner.startSweep(file, out, 1).done;
      assert.equal(exit.code, 2);
      // the tracker shows the last stderr lines after "<title> failed:" (features/trainerProgress.ts).
      assert.equal(exit.stderr, `error: sweep folder ${sweepDir} is in use by pid ${process.pid} on ${hostname()} since ${readLockHolder(sweepDir)!.since} (another sweep); wait for it or stop it`);
      assert.equal(store.sweep(sweepDir), undefined);
    } finally {
      await held.release();
    }
    assert.ok(lockGone(sweepDir));
    assert.equal(existsSync(sweepDir), false, 'the folder the lock created, left empty, is removed');
  });
});
