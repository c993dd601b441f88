// The two halves of a sweep, each on its own: the pool (scheduling, retries, reuse, abort) with a
// fake launcher, and the book (cells, search, m*, events) fed outcomes by hand — no processes.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SweepBook } from '../../src/core/sweep/sweepBook';
import { SweepSchema, cellExperiment } from '../../src/core/spec/sweepSpec';
import { cellRunId } from '../../src/store/cellRunId';
import type { RunSummary } from '../../src/protocol/runEvents';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { RunFiles } from '../../src/store/runFolder';
import { type RunLauncher, type RunRequest, RunPool } from '../../src/trainer/runPool';

const sweep = SweepSchema.parse({
  version: 1, kind: 'sweep', name: 'pool', base: { task: { kind: 'and', s: 2 } }, contextLengths: [4, 8, 16], trainSizes: [8, 16, 32, 64, 128, 256, 512], seeds: 3, bootstrap: 50,
});
const key = { variant: 0, T: 8, m: 16 };

function finishing(onLaunch?: (runId: string) => void): RunLauncher & { running: number; peak: number } {
  const l = (async (req: RunRequest) => {
    l.running++;
    l.peak = Math.max(l.peak, l.running);
    onLaunch?.(req.runId);
    await new Promise((r) => setTimeout(r, 5));
    l.running--;
    const files = new RunFiles(req.out, req.runId);
    files.create(req.spec);
    const summary: RunSummary = {
      type: 'summary', runId: req.runId, status: 'succeeded', steps: 1, parameterCount: 1,
      testAccuracy: 1, trainAccuracy: 1, attentionOnRelevant: null, backend: 'fake', wallSeconds: 0, runDir: files.dir,
    };
    files.writeSummary(summary);
    return { ok: true, summary };
  }) as unknown as RunLauncher & { running: number; peak: number };
  l.running = 0;
  l.peak = 0;
  return l;
}

describe('run pool', () => {
  it('keeps to the worker limit, then reuses finished runs from disk', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'sa-pool-'));
    const launch = finishing();
    const pool = new RunPool({ runsDir, parallel: 2, launch, signal: new AbortController().signal });
    const outcomes = await Promise.all([0, 1, 2, 3, 4].map((k) => pool.run(cellExperiment(sweep, key, k), cellRunId(sweep, key, k))));
    assert.equal(launch.peak, 2);
    assert.ok(outcomes.every((o) => o.kind === 'finished' && !o.reused));
    const again = new RunPool({ runsDir, parallel: 2, launch: finishing(), signal: new AbortController().signal });
    const reused = await again.run(cellExperiment(sweep, key, 0), cellRunId(sweep, key, 0));
    assert.deepEqual([reused.kind, reused.kind === 'finished' && reused.reused, again.executed], ['finished', true, 0]);
  });

  it('retries a crash once and reports every failed attempt', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'sa-pool-'));
    const failures: [number, boolean][] = [];
    const crash: RunLauncher = async () => ({ ok: false, reason: 'boom' });
    const pool = new RunPool({ runsDir, parallel: 1, launch: crash, signal: new AbortController().signal, onAttemptFailed: (_id, a, _r, retry) => failures.push([a, retry]) });
    const o = await pool.run(cellExperiment(sweep, key, 0), cellRunId(sweep, key, 0));
    assert.deepEqual(o, { kind: 'crashed', reason: 'boom' });
    assert.deepEqual(failures, [[1, true], [2, false]]);
    assert.equal(pool.executed, 2);
  });

  it('an abort settles queued runs as aborted and launches nothing more', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'sa-pool-'));
    const controller = new AbortController();
    const launch = finishing(() => controller.abort());
    const pool = new RunPool({ runsDir, parallel: 1, launch, signal: controller.signal });
    const outcomes = await Promise.all([0, 1, 2].map((k) => pool.run(cellExperiment(sweep, key, k), cellRunId(sweep, key, k))));
    assert.deepEqual(outcomes.map((o) => o.kind), ['aborted', 'aborted', 'aborted']);
    assert.equal(pool.executed, 1);
  });
});

describe('run pool with ensembles', () => {
  /** A fake ensemble launcher: records each launch's run ids; the runs it is told to fail crash. */
  function ensembles(failing = new Set<string>()) {
    const launches: string[][] = [];
    const single = finishing();
    const launch = async (reqs: RunRequest[]) => {
      launches.push(reqs.map((r) => r.runId));
      return Promise.all(reqs.map(async (r) => (failing.has(r.runId) && launches.length === 1 ? { ok: false as const, reason: 'member crashed' } : single(r, new AbortController().signal))));
    };
    return { launches, launch };
  }
  const specsOf = (T: number, seeds: number) => Array.from({ length: seeds }, (_, k) => ({ spec: cellExperiment(sweep, { variant: 0, T, m: 16 }, k), runId: cellRunId(sweep, { variant: 0, T, m: 16 }, k) }));

  it('groups queued first attempts by T into ensembles, up to the memory bound and an even share of the parallel launches', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'sa-pool-ens-'));
    const e = ensembles();
    const pool = new RunPool({ runsDir, parallel: 2, ensemble: { launch: e.launch, maxMembers: () => 4 }, signal: new AbortController().signal });
    const twice = (T: number) => [...specsOf(T, 3), ...specsOf(T, 3).map((r, i) => ({ ...r, runId: `${r.runId}-again${i}` }))];
    const runs = [...twice(4), ...twice(8)];
    const outcomes = await Promise.all(runs.map((r) => pool.run(r.spec, r.runId)));
    assert.ok(outcomes.every((o) => o.kind === 'finished'));
    for (const group of e.launches) {
      assert.ok(group.length <= 4, `at most maxMembers: ${group}`);
      assert.equal(new Set(group.map((id) => id.split('-m')[0])).size, 1, `one T per ensemble: ${group}`);
    }
    assert.equal(e.launches.flat().length, 12);
    assert.equal(pool.executed, 12);
    // Six runs per T, two launches in parallel: two ensembles of 3 side by side (an even share), not 4 + 2.
    assert.deepEqual(e.launches.map((g) => g.length), [3, 3, 3, 3]);
  });

  it('over a queue, splits a group over the workers (lanes), not over the jobs kept in flight', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'sa-pool-ens-'));
    const e = ensembles();
    const pool = new RunPool({ runsDir, parallel: 256, ensemble: { launch: e.launch, maxMembers: () => 64, lanes: () => 3 }, signal: new AbortController().signal });
    const runs = [...specsOf(4, 3), ...specsOf(4, 3).map((r, i) => ({ ...r, runId: `${r.runId}-again${i}` }))];
    await Promise.all(runs.map((r) => pool.run(r.spec, r.runId)));
    // Six runs, three workers: three jobs of two (with 256 lanes it would be six jobs of one).
    assert.deepEqual(e.launches.map((g) => g.length), [2, 2, 2]);
  });

  it('a member that crashed is retried alone', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'sa-pool-ens-'));
    const runs = specsOf(8, 3);
    const e = ensembles(new Set([runs[1].runId]));
    const failed: string[] = [];
    const pool = new RunPool({ runsDir, parallel: 1, ensemble: { launch: e.launch, maxMembers: () => 8 }, signal: new AbortController().signal, onAttemptFailed: (id) => failed.push(id) });
    const outcomes = await Promise.all(runs.map((r) => pool.run(r.spec, r.runId)));
    assert.ok(outcomes.every((o) => o.kind === 'finished'));
    assert.deepEqual(e.launches, [runs.map((r) => r.runId), [runs[1].runId]]);
    assert.deepEqual(failed, [runs[1].runId]);
  });
});

describe('sweep book', () => {
  it('bisects per T from recorded outcomes and emits the events a panel needs', () => {
    const events: SweepEvent[] = [];
    const book = new SweepBook(sweep, (e) => events.push(e));
    book.start({ sweepDir: '/x', workers: 1 });
    const truth = (T: number) => 4 * T; // passes from m ≥ 4T
    for (let guard = 0; guard < 100; guard++) {
      const cells = book.nextCells();
      if (!cells.length) break;
      for (const c of cells) for (let k = 0; k < sweep.seeds; k++) book.record(c, { kind: 'finished', succeeded: c.m >= truth(c.T), reused: false });
    }
    const s = book.summary({ aborted: false, sweepDir: '/x', runsExecuted: 0, wallSeconds: 0 });
    assert.deepEqual(s.points.map((p) => p.mStar), [16, 32, 64]);
    assert.equal(s.status, 'completed');
    assert.deepEqual(events[0].type === 'sweep-started' && events[0].protocols.length, 1);
    assert.ok(events.some((e) => e.type === 'cell-finished' && e.status === 'failed'));
    assert.ok(events.some((e) => e.type === 'fit-updated' && e.curve.length > 0));
  });

  it('a cell with a crashed run stops its search and makes the sweep incomplete', () => {
    const book = new SweepBook({ ...sweep, contextLengths: [8] }, () => {});
    const [c] = book.nextCells();
    book.record(c, { kind: 'finished', succeeded: true, reused: false });
    book.record(c, { kind: 'crashed' });
    book.record(c, { kind: 'crashed' });
    assert.deepEqual(book.nextCells(), []);
    const s = book.summary({ aborted: false, sweepDir: '/x', runsExecuted: 3, wallSeconds: 0 });
    assert.equal(s.status, 'incomplete');
    assert.equal(s.points[0].cells[0].status, 'incomplete');
    assert.equal(s.runsFailed, 2);
  });
});
