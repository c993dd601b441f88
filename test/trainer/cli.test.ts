// The CLI end to end, through the built bin (as a user runs it): exit codes, files on disk,
// cancellation, and a killed run that leaves no broken summary.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readEvents, readSummary } from '../../src/store/runFolder';
import { trainerAlive } from '../../src/store/trainerRecord';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'sa-cli-'));

function writeSpec(dir: string, over: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'easy.experiment.json');
  const spec = {
    version: 1,
    name: 'easy',
    task: { kind: 'majority', T: 8, s: 3 },
    data: { trainSize: 200, testSize: 300 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 },
    training: { learningRate: 0.01, maxSteps: 200, evalEvery: 20, targetAccuracy: 0.97 },
    ...over,
  };
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

/** Starts a long run and resolves once its first metrics line is out (the run is under way). */
function startLongRun(dir: string): Promise<{ child: ChildProcess; stdout: () => string }> {
  const file = writeSpec(dir, { training: { maxSteps: 100000, evalEvery: 5, targetAccuracy: 1 }, task: { kind: 'parity', T: 8, s: 3 } });
  const child = spawn(process.execPath, [BIN, 'run', file, '--json', '--backend', 'wasm', '--out', path.join(dir, 'runs')], { cwd: dir });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.split('\n').filter((l) => l.includes('"type":"metrics"')).length >= 2) resolve({ child, stdout: () => out });
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));

describe('sparse-attention CLI', () => {
  it('run --json: exit 0, JSON lines ending in the summary, files on disk', () => {
    const dir = tmp();
    const r = cli(['run', writeSpec(dir), '--json', '--backend', 'wasm'], dir);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'started');
    assert.ok(lines.some((l) => l.type === 'metrics'));
    assert.ok(lines.some((l) => l.type === 'attention'));
    const summary = lines[lines.length - 1];
    assert.equal(summary.type, 'summary');
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.backend, 'wasm');
    assert.ok(summary.testAccuracy >= 0.97);
    for (const key of ['runId', 'steps', 'trainAccuracy', 'attentionOnRelevant', 'wallSeconds', 'runDir']) assert.ok(key in summary, key);
    // Default out dir under the current directory.
    assert.equal(path.dirname(summary.runDir), path.join(dir, '.sparse-attention', 'runs'));
    assert.deepEqual(readSummary(summary.runDir), summary);
    const resolved = JSON.parse(readFileSync(path.join(summary.runDir, 'experiment.json'), 'utf8'));
    assert.equal(resolved.training.batchSize, 64, 'defaults are filled in');
    const events = readEvents(summary.runDir);
    assert.equal(events[events.length - 1].type, 'finished');
  });

  it('run without --json shows progress and a summary line', () => {
    const dir = tmp();
    const r = cli(['run', writeSpec(dir), '--backend', 'wasm', '--out', 'o'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /backend: wasm/);
    assert.match(r.stderr, /step 0\/200/);
    assert.match(r.stderr, /succeeded: \d+ steps, test accuracy/);
  });

  it('invalid input: exit 2, each problem named, nothing written', () => {
    const dir = tmp();
    const file = writeSpec(dir, { task: { kind: 'parity', T: 16, s: 20 }, extra: true });
    const r = cli(['run', file, '--json'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /task\.s: must be ≤ task\.T \(got 20 > 16\)/);
    assert.match(r.stderr, /extra: unknown field/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.equal(existsSync(path.join(dir, '.sparse-attention')), false);
    const v = cli(['validate', file], dir);
    assert.equal(v.status, 2);
    assert.match(v.stdout, /^task\.s: must be ≤ task\.T \(got 20 > 16\)$/m);
    assert.equal(cli(['validate', writeSpec(dir)], dir).status, 0);
    assert.equal(cli(['run', path.join(dir, 'missing.json')], dir).status, 2);
    assert.equal(cli(['run', writeSpec(dir), '--backend', 'tpu'], dir).status, 2);
  });

  it('a backend asked for by name that is not installed is refused: exit 2, one line, no stack, nothing written', () => {
    const dir = tmp();
    const file = writeSpec(dir);
    const r = cli(['run', file, '--backend', 'tensorflow'], dir);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `${file}: backend "tensorflow" is not available: ${r.stderr.split('is not available: ')[1]}`);
    assert.match(r.stderr, /: backend "tensorflow" is not available: @tensorflow\/tfjs-node is not available/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(path.join(dir, '.sparse-attention')), false);
  });

  it('SIGINT: exit 130 with a cancelled summary', async () => {
    const dir = tmp();
    const { child, stdout } = await startLongRun(dir);
    child.kill('SIGINT');
    assert.equal(await exited(child), 130);
    const last = JSON.parse(stdout().trim().split('\n').pop()!);
    assert.equal(last.status, 'cancelled');
    assert.equal(readSummary(last.runDir)?.status, 'cancelled');
  });

  it('forked with IPC: sends events to the parent and stops on a stop message', async () => {
    const dir = tmp();
    const file = writeSpec(dir, { training: { maxSteps: 100000, evalEvery: 5, targetAccuracy: 1 }, task: { kind: 'parity', T: 8, s: 3 } });
    const child = spawn(process.execPath, [BIN, 'run', file, '--json', '--backend', 'wasm'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const got: { type: string; status?: string }[] = [];
    child.on('message', (m) => {
      got.push(m as { type: string });
      if ((m as { type: string }).type === 'metrics' && got.filter((g) => g.type === 'metrics').length === 2) {
        child.send({ type: 'bogus' }); // invalid: ignored
        child.send({ type: 'stop' });
      }
    });
    assert.equal(await exited(child), 130);
    assert.equal(got[0].type, 'started');
    assert.equal(got[got.length - 1].type, 'summary');
    assert.equal(got[got.length - 1].status, 'cancelled');
  });

  it('a killed run leaves readable events and no broken summary', async () => {
    const dir = tmp();
    const { child } = await startLongRun(dir);
    child.kill('SIGKILL');
    await exited(child);
    const runs = path.join(dir, 'runs');
    const [runId] = readdirSync(runs);
    const runDir = path.join(runs, runId);
    assert.equal(existsSync(path.join(runDir, 'summary.json')), false);
    assert.deepEqual(readdirSync(runDir).sort(), ['events.jsonl', 'experiment.json', 'trainer.json']);
    // trainer.json names a process that is gone: readers show the run as interrupted.
    assert.equal(trainerAlive(runDir), false);
    const events = readEvents(runDir);
    assert.equal(events[0].type, 'started');
    assert.ok(events.filter((e) => e.type === 'metrics').length >= 2);
  });
});
