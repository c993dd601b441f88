// Trainers never outlive the editor: the built CLI, forked with IPC by a stand-in "extension host"
// that is then SIGKILLed, must stop by itself and leave a `cancelled` summary. And the node the host
// picks for the trainer is version-checked, with the editor's runtime (WASM) as the fallback.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { launchPlan, probeNodeVersion } from '../../src/extension/trainerRunner';
import { readSummary } from '../../src/store/runFolder';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** The stand-in host: forks the CLI as trainerRunner.ts does, prints its pid, then relays its messages. */
const PARENT = `
const { fork } = require('node:child_process');
const [cli, ...args] = process.argv.slice(2);
const child = fork(cli, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
child.stderr.on('data', () => {});
process.stdout.write(JSON.stringify({ pid: child.pid }) + '\\n');
child.on('message', (m) => process.stdout.write(JSON.stringify(m) + '\\n'));
`;

function longExperiment(dir: string): string {
  const file = path.join(dir, 'long.experiment.json');
  writeFileSync(file, JSON.stringify({
    version: 1, name: 'long', task: { kind: 'parity', T: 8, s: 3 }, data: { trainSize: 200, testSize: 300 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 }, training: { learningRate: 0.01, maxSteps: 100000, evalEvery: 5, targetAccuracy: 1 },
  }));
  return file;
}

/** Starts the stand-in host; `lines` collects its stdout lines (the trainer's pid, then its messages). */
function startHost(dir: string, args: string[]): { host: ChildProcess; lines: unknown[] } {
  const script = path.join(dir, 'host.js');
  writeFileSync(script, PARENT);
  const host = spawn(process.execPath, [script, CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: unknown[] = [];
  let buf = '';
  host.stdout!.on('data', (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
  });
  return { host, lines };
}

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether pid is a live process. The trainer is a grandchild: once orphaned, a zombie of it counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

/** SIGKILLs the host (no goodbye: the editor crashed) and waits for it to be gone. */
async function killHost(host: ChildProcess): Promise<void> {
  const gone = new Promise((r) => host.once('exit', r));
  host.kill('SIGKILL');
  await gone;
}

describe('trainer lifecycle', () => {
  it('a run whose parent dies stops by itself and writes a cancelled summary', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-lifecycle-'));
    const out = path.join(dir, 'runs');
    const { host, lines } = startHost(dir, ['run', longExperiment(dir), '--json', '--backend', 'wasm', '--out', out]);
    const pid = await waitFor('the trainer pid', 30_000, () => (lines[0] as { pid?: number } | undefined)?.pid);
    try {
      const runId = await waitFor('two metrics events', 60_000, () => {
        const metrics = lines.filter((l) => (l as { type?: string }).type === 'metrics');
        return metrics.length >= 2 && (lines.find((l) => (l as { type?: string }).type === 'started') as { runId: string }).runId;
      });
      await killHost(host);
      assert.ok(alive(pid), 'the trainer was still running when its parent died');
      const t0 = Date.now();
      await waitFor('the orphaned trainer to exit', 10_000, () => !alive(pid));
      const summary = readSummary(path.join(out, runId));
      assert.ok(summary, 'summary.json written');
      assert.equal(summary.status, 'cancelled');
      assert.ok(summary.steps > 0);
      assert.ok(Date.now() - t0 < 10_000);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a sweep whose parent dies aborts, stops its runs, and writes cancelled summaries', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-lifecycle-'));
    const file = path.join(dir, 'long.sweep.json');
    writeFileSync(file, JSON.stringify({
      version: 1, kind: 'sweep', name: 'long',
      base: { task: { kind: 'parity', s: 3 }, data: { testSize: 200 }, model: { heads: 2, dModel: 16, mlpRatio: 2 }, training: { learningRate: 0.01, maxSteps: 100000, evalEvery: 5, targetAccuracy: 1 } },
      contextLengths: [8], trainSizes: [64], seeds: 2, successRate: 1,
    }));
    const sweepDir = path.join(dir, 'sweeps', 'long');
    const runsDir = path.join(sweepDir, 'runs');
    const { host, lines } = startHost(dir, ['sweep', file, '--json', '--backend', 'wasm', '--workers', '2', '--out', path.join(dir, 'sweeps')]);
    const pid = await waitFor('the sweep pid', 30_000, () => (lines[0] as { pid?: number } | undefined)?.pid);
    try {
      const hasMetrics = (run: string) => {
        const events = path.join(runsDir, run, 'events.jsonl');
        return existsSync(events) && readFileSync(events, 'utf8').includes('"type":"metrics"');
      };
      await waitFor('both runs training', 60_000, () => existsSync(runsDir) && readdirSync(runsDir).filter(hasMetrics).length === 2);
      await killHost(host);
      assert.ok(alive(pid), 'the sweep was still running when its parent died');
      // The sweep exits only once its runs have exited (the pool waits for them).
      await waitFor('the orphaned sweep to exit', 15_000, () => !alive(pid));
      const runs = readdirSync(runsDir);
      assert.equal(runs.length, 2);
      for (const run of runs) assert.equal(readSummary(path.join(runsDir, run))?.status, 'cancelled', run);
      assert.equal(JSON.parse(readFileSync(path.join(sweepDir, 'summary.json'), 'utf8')).status, 'cancelled');
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('the node chosen for the trainer', () => {
  const settings = { cliPath: CLI, backend: 'auto' as const, cwd: '.', nodePath: '/opt/old/bin/node' };

  it('an old node falls back to the editor runtime (WASM) and says why', () => {
    const asked: string[] = [];
    const plan = launchPlan(settings, true, (p) => (asked.push(p), 'v16.20.2'));
    assert.deepEqual(asked, ['/opt/old/bin/node']);
    assert.equal(plan.execPath, process.execPath);
    assert.equal(plan.env.ELECTRON_RUN_AS_NODE, '1');
    assert.equal(plan.backend, 'wasm');
    assert.equal(
      plan.note,
      "node at /opt/old/bin/node is v16.20.2; the trainer needs Node ≥ 20: training on the editor's runtime with the WASM backend (set sparseAttention.nodePath to a newer node for native TensorFlow or WebGPU)",
    );
    assert.ok(!plan.note!.includes('\n'));
  });

  it('a node that does not run falls back the same way', () => {
    const plan = launchPlan(settings, true, () => undefined);
    assert.equal(plan.execPath, process.execPath);
    assert.equal(plan.backend, 'wasm');
    assert.match(plan.note!, /^node at \/opt\/old\/bin\/node did not run .*the trainer needs Node ≥ 20: training on the editor's runtime with the WASM backend/);
  });

  it('an explicit wasm/cpu backend is kept, with the note', () => {
    const plan = launchPlan({ ...settings, backend: 'cpu' }, true, () => 'v18.19.0');
    assert.equal(plan.backend, 'cpu');
    assert.equal(plan.env.ELECTRON_RUN_AS_NODE, '1');
    assert.match(plan.note!, /is v18\.19\.0; the trainer needs Node ≥ 20/);
  });

  it('webgpu needs a real node too (Dawn is a native addon): the note says so', () => {
    const plan = launchPlan({ ...settings, backend: 'webgpu' }, true, () => 'v16.20.2');
    assert.equal(plan.backend, 'webgpu');
    assert.match(plan.note!, /with the WASM backend \(set sparseAttention\.nodePath to a newer node for native TensorFlow or WebGPU\)/);
  });

  for (const version of ['v20.0.0', 'v22.12.0', 'v24.3.0']) {
    it(`node ${version} is used as chosen`, () => {
      const plan = launchPlan(settings, true, () => version);
      assert.equal(plan.execPath, '/opt/old/bin/node');
      assert.equal(plan.backend, 'auto');
      assert.equal(plan.env.ELECTRON_RUN_AS_NODE, undefined);
      assert.equal(plan.note, undefined);
    });
  }

  it('outside Electron an old node falls back to this process\'s node, backend unchanged', () => {
    const plan = launchPlan(settings, false, () => 'v16.20.2');
    assert.equal(plan.execPath, process.execPath);
    assert.equal(plan.backend, 'auto');
    assert.equal(plan.env.ELECTRON_RUN_AS_NODE, undefined);
    assert.match(plan.note!, /is v16\.20\.2; the trainer needs Node ≥ 20/);
  });

  it('without a chosen node nothing is probed', () => {
    const plan = launchPlan({ ...settings, nodePath: undefined }, true, () => assert.fail('probed'));
    assert.match(plan.note!, /no real node found/);
  });

  it('the real probe runs `node --version` (and caches it per path)', () => {
    assert.equal(probeNodeVersion(process.execPath), process.version);
    assert.equal(probeNodeVersion(process.execPath), process.version);
    assert.equal(probeNodeVersion(path.join(tmpdir(), 'no-such-node')), undefined);
  });
});
