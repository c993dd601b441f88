// The host's runner against the real bundled CLI (a tiny experiment), and against a fake trainer
// that sends an invalid message, which must be ignored and logged.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RunStore } from '../../src/extension/runStore';
import { TrainerRunner, launchPlan } from '../../src/extension/trainerRunner';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function tinyExperiment(dir: string, over: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'tiny.experiment.json');
  writeFileSync(file, JSON.stringify({
    version: 1, name: 'tiny', task: { kind: 'majority', T: 8, s: 3 }, data: { trainSize: 200, testSize: 300 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 }, training: { learningRate: 0.01, maxSteps: 200, evalEvery: 20, targetAccuracy: 0.97 }, ...over,
  }));
  return file;
}

describe('trainer runner', () => {
  it('runs an experiment in a child process and fills the store', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-runner-'));
    const store = new RunStore();
    const logs: string[] = [];
    const runner = new TrainerRunner(() => ({ cliPath: CLI, backend: 'wasm', cwd: dir }), store, (l) => logs.push(l));
    const handle = runner.startRun(tinyExperiment(dir), path.join(dir, 'runs'));
    assert.equal(runner.active().length, 1);
    const exit = await handle.done;
    assert.equal(exit.code, 0, exit.stderr);
    const run = store.run(handle.id!)!;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.summary?.backend, 'wasm');
    // Show Log says which backend the run got (and on webgpu, which adapter: backendLabel.ts).
    assert.ok(logs.includes(`${handle.id}: backend: wasm`), logs.join('\n'));
    assert.ok(run.metrics.length >= 2);
    assert.equal(runner.active().length, 0);
  });

  it('stop ends a run as cancelled', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-runner-'));
    const store = new RunStore();
    const runner = new TrainerRunner(() => ({ cliPath: CLI, backend: 'wasm', cwd: dir }), store, () => {});
    const file = tinyExperiment(dir, { task: { kind: 'parity', T: 8, s: 3 }, training: { maxSteps: 100000, evalEvery: 5, targetAccuracy: 1 } });
    const handle = runner.startRun(file, path.join(dir, 'runs'));
    await new Promise<void>((resolve) => store.onChange(() => (store.run(handle.id ?? '')?.metrics.length ?? 0) >= 2 && resolve()));
    handle.stop();
    const exit = await handle.done;
    assert.equal(exit.code, 130);
    assert.equal(store.run(handle.id!)!.status, 'cancelled');
  });

  it('bad input comes back as the field-named problems, nothing in the store', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-runner-'));
    const store = new RunStore();
    const runner = new TrainerRunner(() => ({ cliPath: CLI, backend: 'wasm', cwd: dir }), store, () => {});
    const exit = await runner.startRun(tinyExperiment(dir, { task: { kind: 'parity', T: 8, s: 9 } }), path.join(dir, 'runs')).done;
    assert.equal(exit.code, 2);
    assert.match(exit.stderr, /task\.s: must be ≤ task\.T \(got 9 > 8\)/);
    assert.equal(store.allRuns().length, 0);
  });

  it('ignores and logs an invalid message from the trainer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-runner-'));
    const fake = path.join(dir, 'fake-cli.js');
    writeFileSync(fake, `process.send({ type: 'metrics', step: 'not a number' }); process.send({ hello: 1 }, () => process.exit(0));`);
    const store = new RunStore();
    const logs: string[] = [];
    const runner = new TrainerRunner(() => ({ cliPath: fake, backend: 'wasm', cwd: dir }), store, (l) => logs.push(l));
    const exit = await runner.startRun(path.join(dir, 'x.experiment.json'), dir).done;
    assert.equal(exit.code, 0);
    assert.equal(logs.filter((l) => l.startsWith('ignored an invalid message from the trainer')).length, 2);
    assert.equal(store.allRuns().length, 0);
  });

  it('plans a real node for native backends and the editor runtime (WASM) otherwise', () => {
    const inElectron = launchPlan({ cliPath: CLI, backend: 'auto', cwd: '.' }, true);
    assert.equal(inElectron.env.ELECTRON_RUN_AS_NODE, '1');
    assert.equal(inElectron.backend, 'wasm');
    assert.match(inElectron.note!, /no real node found/);
    // The queue URL (with its password) goes to the sweep in the environment, never on the command line.
    const queued = launchPlan({ cliPath: CLI, backend: 'wasm', cwd: '.', queueUrl: 'redis://:pw@10.0.0.5:6379' }, true);
    assert.equal(queued.env.SPARSE_ATTENTION_QUEUE_URL, 'redis://:pw@10.0.0.5:6379');
    assert.equal(launchPlan({ cliPath: CLI, backend: 'wasm', cwd: '.' }, true).env.SPARSE_ATTENTION_QUEUE_URL, undefined);
    const withNode = launchPlan({ cliPath: CLI, backend: 'auto', cwd: '.', nodePath: '/usr/bin/node', nativeModulesDir: '/x/node_modules' }, true, () => 'v20.11.1');
    assert.equal(withNode.execPath, '/usr/bin/node');
    assert.equal(withNode.backend, 'auto');
    assert.equal(withNode.env.ELECTRON_RUN_AS_NODE, undefined);
    assert.equal(withNode.env.SPARSE_ATTENTION_NATIVE_MODULES, '/x/node_modules');
  });
});
