// Sweeps trained as ensembles in long-lived ensemble processes (issue 11): the same science as one process per
// run, every member an ordinary run folder, and nothing finished lost to a kill or a cancel.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/sparse-attention.js');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Point {
  T: number;
  mStar: number | null;
  interval: [number | null, number | null];
}
const intervals = (s: { points: Point[]; compare: { points: Point[] }[] }) =>
  [s.points, ...s.compare.map((c) => c.points)].map((ps) => ps.map((p) => ({ T: p.T, mStar: p.mStar, interval: p.interval })));

/** Each run's outcome as its summary.json records it. */
function runOutcomes(sweepDir: string): Record<string, [string, number, number | null]> {
  const runs = path.join(sweepDir, 'runs');
  const out: Record<string, [string, number, number | null]> = {};
  for (const id of readdirSync(runs)) {
    const s = JSON.parse(readFileSync(path.join(runs, id, 'summary.json'), 'utf8'));
    out[id] = [s.status, s.steps, s.testAccuracy];
  }
  return out;
}

/** A sweep whose members end at different times: early stop ("reached") and sizes from 4 to 256. */
const staggered = {
  version: 1,
  kind: 'sweep',
  name: 'staggered',
  base: {
    task: { kind: 'and', s: 2 },
    data: { testSize: 200 },
    model: { heads: 2, dModel: 16, mlpRatio: 1 },
    training: { learningRate: 0.01, batchSize: 'full', maxSteps: 3000, evalEvery: 10, targetAccuracy: 0.97 },
  },
  contextLengths: [24],
  trainSizes: [4, 16, 64, 256],
  search: 'grid',
  seeds: 4,
  successRate: 0.5,
};

/** The staggered sweep started in a fresh folder as one ensemble of 16 on one worker. */
function startStaggered(prefix: string): { dir: string; file: string; runsDir: string; child: ChildProcess } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const file = path.join(dir, 'staggered.sweep.json');
  writeFileSync(file, JSON.stringify(staggered));
  const runsDir = path.join(dir, '.sparse-attention/sweeps/staggered/runs');
  const args = [BIN, 'sweep', file, '--json', '--workers', '1', '--backend', 'wasm', '--ensemble', '16'];
  return { dir, file, runsDir, child: spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }) };
}

/** Waits until `count` runs of the sweep have a summary.json. */
async function summariesAtLeast(runsDir: string, count: number, timeoutMs = 120_000): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const done = existsSync(runsDir) ? readdirSync(runsDir).filter((id) => existsSync(path.join(runsDir, id, 'summary.json'))) : [];
    if (done.length >= count) return done;
    if (Date.now() - t0 > timeoutMs) throw new Error(`only ${done.length} runs finished in ${timeoutMs} ms`);
    await sleep(100);
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe('sweeps as ensembles', () => {
  it('examples/and-sweep.sweep.json: the same m* intervals, and the same run outcomes, with and without --ensemble off', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-ens-'));
    const file = path.join(ROOT, 'examples/and-sweep.sweep.json');
    const ens = cli(['sweep', file, '--json', '--workers', '2', '--backend', 'wasm', '--out', 'ens'], dir);
    assert.equal(ens.status, 0, ens.stderr);
    const off = cli(['sweep', file, '--json', '--workers', '2', '--backend', 'wasm', '--out', 'off', '--ensemble', 'off'], dir);
    assert.equal(off.status, 0, off.stderr);
    const [a, b] = [lastJson(ens.stdout), lastJson(off.stdout)];
    assert.deepEqual(intervals(a), intervals(b));
    assert.ok(a.points.every((p: Point) => p.mStar !== null), 'the example finds m* at every T');
    // Members are bit-for-bit their single runs, so every run ends the same way.
    assert.deepEqual(runOutcomes(a.sweepDir), runOutcomes(b.sweepDir));
    assert.equal(a.runsExecuted, b.runsExecuted);
  });

  it('a killed sweep keeps its finished members; the rerun reuses them and trains only the rest', async () => {
    const { dir, file, runsDir, child } = startStaggered('sa-ens-kill-');
    const finished = await summariesAtLeast(runsDir, 2);
    const total = readdirSync(runsDir).length;
    assert.ok(total > finished.length, `the ensemble still had members training (${finished.length} of ${total} done)`);
    const stamps = Object.fromEntries(finished.map((id) => [id, statSync(path.join(runsDir, id, 'summary.json')).mtimeMs]));
    child.kill('SIGKILL');
    await exited(child);

    const again = cli(['sweep', file, '--json', '--workers', '1', '--backend', 'wasm'], dir);
    assert.equal(again.status, 0, again.stderr);
    const summary = lastJson(again.stdout);
    assert.equal(summary.status, 'completed');
    assert.ok(summary.runsReused >= finished.length, `reused ${summary.runsReused}, ${finished.length} had finished`);
    assert.equal(summary.runsReused + summary.runsExecuted, 16);
    for (const [id, mtime] of Object.entries(stamps)) assert.equal(statSync(path.join(runsDir, id, 'summary.json')).mtimeMs, mtime, `${id} was not retrained`);
  });

  it('Ctrl-C mid-ensemble: finished members keep their outcome, the others end cancelled', async () => {
    const { runsDir, child } = startStaggered('sa-ens-stop-');
    const finished = await summariesAtLeast(runsDir, 2);
    child.kill('SIGINT');
    assert.equal(await exited(child), 130);
    const outcomes = runOutcomes(path.dirname(runsDir));
    assert.equal(Object.keys(outcomes).length, 16, 'every member wrote a summary');
    for (const id of finished) assert.notEqual(outcomes[id][0], 'cancelled', `${id} had finished`);
    const cancelled = Object.values(outcomes).filter(([status]) => status === 'cancelled');
    assert.ok(cancelled.length > 0 && cancelled.length <= 16 - finished.length);
  });
});
