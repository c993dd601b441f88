// Issue 22: the protocol's largest context length trains on WASM, and a setting that truly does not
// fit is refused: by `validate`/`run` with one line naming the field, and in a sweep as refused (not
// crashed, not retried, no advice to run it again). Real CLI processes (`npm run build` first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SweepSchema, cellExperiment } from '../../src/core/spec/sweepSpec';
import { cellRunId } from '../../src/store/cellRunId';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { type EnsembleLaunch, RunPool } from '../../src/trainer/runPool';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

/** examples/and-sweep-full.sweep.json's base, two steps. */
const base = JSON.parse(readFileSync(path.resolve(__dirname, '../../examples/and-sweep-full.sweep.json'), 'utf8')).base;
const short = { ...base, training: { ...base.training, maxSteps: 2, evalEvery: 2 }, data: { testSize: 20 } };
const experiment = (T: number, m: number, layers = 1) => ({
  version: 1,
  name: `T${T}-L${layers}`,
  ...short,
  task: { ...short.task, T },
  data: { ...short.data, trainSize: m },
  model: { ...short.model, layers },
});

function write(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('memory refusals', () => {
  it('accepts the protocol\'s one-layer T = 500, m = 100, 16-head cell on WASM and trains it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-refuse-'));
    const file = write(dir, 'big.experiment.json', experiment(500, 100));
    assert.equal(cli(['validate', file], dir).status, 0);
    const r = cli(['run', file, '--out', dir, '--run-id', 'big', '--backend', 'wasm', '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(readFileSync(path.join(dir, 'big', 'summary.json'), 'utf8'));
    assert.equal(summary.steps, 2);
    assert.equal(summary.backend, 'wasm');
  });

  it('refuses what does not fit with one line naming the field: the schema any backend, run on WASM\'s 2 GiB', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-refuse-'));
    // Two layers at T = 500, m = 100: (T+1)² scores per head and sample, ~19 GiB: refused everywhere.
    const huge = cli(['validate', write(dir, 'huge.experiment.json', experiment(500, 100, 2))], dir);
    const hugeText = huge.stdout + huge.stderr;
    assert.equal(huge.status, 2);
    assert.match(hugeText, /task\.T: too large: one training step would need about [\d.]+ GiB/);
    // Two layers at T = 200: valid, but over WASM's 2 GiB.
    const file = write(dir, 'wasm.experiment.json', experiment(200, 100, 2));
    assert.equal(cli(['validate', file], dir).status, 0);
    const r = cli(['run', file, '--out', dir, '--backend', 'wasm'], dir);
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /task\.T: one training step would need about [\d.]+ GiB, more than the wasm backend's 2\.0 GiB/);
  });

  it('shows a variant that does not fit as refused in the sweep: not retried, no advice to run again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-refuse-'));
    const sweep = { version: 1, kind: 'sweep', name: 'fits', base: short, contextLengths: [200], trainSizes: [100], seeds: 1, successRate: 1, compareWith: [{ label: 'two-layers', model: { ...short.model, layers: 2 } }] };
    const file = write(dir, 'fits.sweep.json', sweep);
    const r = cli(['sweep', file, '--json', '--workers', '1', '--backend', 'wasm'], dir);
    assert.equal(r.status, 1, r.stderr);
    const events: SweepEvent[] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const failed = events.filter((e) => e.type === 'run-failed');
    assert.equal(failed.length, 1, 'one refusal, no retry');
    assert.equal(failed[0].type === 'run-failed' && failed[0].refused, true);
    const cell = events.find((e) => e.type === 'cell-finished' && e.variant === 'two-layers');
    assert.ok(cell && cell.type === 'cell-finished' && /more than the wasm backend's/.test(cell.refused ?? ''), JSON.stringify(cell));
    const summary = events[events.length - 1];
    assert.ok(summary.type === 'sweep-summary');
    assert.equal(summary.status, 'incomplete');
    assert.equal(summary.runsExecuted, 2, 'the refused run is launched once');
    assert.match(summary.reason!, /because the trainer refused runs .*: task\.T: one training step would need/);
    assert.doesNotMatch(summary.reason!, /again|retry/);
    assert.notEqual(summary.points[0].status, 'incomplete', 'the variant that fits trains as before');

    // The printed summary says refused, with the reason, and no retry advice.
    const printed = cli(['sweep', file, '--backend', 'wasm', '--workers', '1'], dir);
    assert.match(printed.stderr, /refused at m = 100: task\.T: one training step would need/);
    assert.doesNotMatch(printed.stderr, /crashed|retry/);
  });
});

describe('run pool refusals', () => {
  const spec = SweepSchema.parse({ version: 1, kind: 'sweep', name: 'pool', base: { task: { kind: 'and', s: 2 } }, contextLengths: [8], trainSizes: [16], seeds: 3 });
  const key = { variant: 0, T: 8, m: 16 };

  it('a refused ensemble is split into lone launches (no retry spent); a lone refusal is final', async () => {
    const launches: number[] = [];
    const launch: EnsembleLaunch = async (reqs) => {
      launches.push(reqs.length);
      return reqs.map(() => ({ ok: false as const, reason: 'task.T: too big', refused: true }));
    };
    const failures: [number, boolean, boolean][] = [];
    const pool = new RunPool({
      runsDir: mkdtempSync(path.join(tmpdir(), 'sa-pool-')),
      parallel: 1,
      ensemble: { launch, maxMembers: () => 8 },
      signal: new AbortController().signal,
      onAttemptFailed: (_id, attempt, _reason, willRetry, refused) => failures.push([attempt, willRetry, refused]),
    });
    const outcomes = await Promise.all([0, 1, 2].map((k) => pool.run(cellExperiment(spec, key, k), cellRunId(spec, key, k))));
    assert.deepEqual(outcomes, [0, 1, 2].map(() => ({ kind: 'refused', reason: 'task.T: too big' })));
    assert.deepEqual(launches, [3, 1, 1, 1]);
    assert.deepEqual(failures, [0, 1, 2].map(() => [1, false, true]));
  });
});
