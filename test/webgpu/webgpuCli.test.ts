// The CLI's webgpu backend as a user meets it (issue 21), through the built bin in child processes
// that start with the Vulkan environment (swiftshader.ts): no adapter at all, only a software
// adapter (SwiftShader) with and without the allowance, and `auto`, which never picks a software one.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveOptional } from '../../src/core/train/optionalPackages';
import type { RunSummary, StartedEvent } from '../../src/protocol/runEvents';
import { readSummary } from '../../src/store/runFolder';
import { cli, noAdapterEnv, productLines, swiftShaderEnv } from './swiftshader';

/** A tiny experiment (T = 8, d = 16, 2 heads) in a fresh folder; `out` is where its runs go. */
const made: string[] = [];
function tiny(maxSteps: number): { file: string; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-webgpu-'));
  made.push(dir);
  const file = path.join(dir, 'tiny.experiment.json');
  const spec = {
    version: 1,
    name: 'tiny',
    seed: 0,
    task: { kind: 'and', T: 8, s: 2 },
    data: { trainSize: 128, testSize: 128 },
    model: { dModel: 16, heads: 2, layers: 1 },
    // "final": the run trains every step (40 in the acceptance run), judged at the end.
    training: { maxSteps, evalEvery: 20, batchSize: 32, successWhen: 'final' },
  };
  writeFileSync(file, JSON.stringify(spec));
  return { file, out: path.join(dir, 'runs') };
}

/**
 * Where `auto` lands when webgpu is passed over: WASM in the test set-up (tfjs-node cannot be
 * installed there); native TensorFlow on a developer's machine that has it.
 */
const CPU_FALLBACK = 'file' in resolveOptional('@tensorflow/tfjs-node') || 'file' in resolveOptional('@tensorflow/tfjs-node-gpu') ? 'tensorflow' : 'wasm';

const runFolders = (out: string) => (existsSync(out) ? readdirSync(out) : []);

/** The --json output: the started event and the summary line. */
function jsonLines(stdout: string): { started: StartedEvent; summary: RunSummary } {
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  const started = lines.find((l) => l.type === 'started') as StartedEvent | undefined;
  const summary = lines.at(-1) as RunSummary;
  assert.ok(started, 'no started event on stdout');
  assert.equal(summary.type, 'summary', 'the last --json line is the summary');
  return { started, summary };
}

/** The one run folder under `out`, its summary.json. */
function onlySummary(out: string): RunSummary {
  const folders = runFolders(out);
  assert.equal(folders.length, 1, `run folders: ${folders.join(', ')}`);
  const summary = readSummary(path.join(out, folders[0]));
  assert.ok(summary, 'summary.json is missing or invalid');
  return summary;
}

describe('CLI --backend webgpu (Dawn; SwiftShader or no driver)', () => {
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  it('no adapter: --backend webgpu exits 2 with one line naming the fix and writes no run folder', () => {
    const { file, out } = tiny(5);
    const r = cli(['run', file, '--backend', 'webgpu', '--json', '--out', out], noAdapterEnv());
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
    const lines = productLines(r.stderr);
    assert.equal(lines.length, 1, `stderr, besides Dawn's native warnings:\n${lines.join('\n')}`);
    assert.match(lines[0], /: backend "webgpu" is not available: /);
    assert.match(lines[0], /install the GPU driver with Vulkan support/);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.deepEqual(runFolders(out), [], 'no run folder');
  });

  it('no adapter: sweep --backend webgpu exits 2 with one line and writes no sweep folder (not every run crashed and retried)', () => {
    const { file, out } = tiny(5);
    const sweepFile = path.join(path.dirname(file), 'tiny.sweep.json');
    const base = { task: { kind: 'and', s: 2 }, data: { testSize: 64 }, model: { dModel: 16, heads: 2, layers: 1 }, training: { maxSteps: 5, evalEvery: 5 } };
    writeFileSync(sweepFile, JSON.stringify({ version: 1, kind: 'sweep', name: 'tiny-sweep', base, contextLengths: [8], trainSizes: [16, 32], search: 'grid', seeds: 2 }));
    const r = cli(['sweep', sweepFile, '--backend', 'webgpu', '--json', '--out', out], noAdapterEnv());
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
    const lines = productLines(r.stderr);
    assert.equal(lines.length, 1, `stderr, besides Dawn's native warnings:\n${lines.join('\n')}`);
    assert.match(lines[0], /^error: backend "webgpu" is not available: .*install the GPU driver with Vulkan support/);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.deepEqual(runFolders(out), [], 'no sweep folder');
  });

  it('no adapter: --backend auto falls back to WASM and says why webgpu was skipped', () => {
    const { file, out } = tiny(5);
    const r = cli(['run', file, '--backend', 'auto', '--out', out], noAdapterEnv());
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    const line = productLines(r.stderr).find((l) => l.startsWith('backend: '));
    assert.ok(line, `no "backend:" line on stderr:\n${r.stderr}`);
    assert.ok(line.startsWith(`backend: ${CPU_FALLBACK} (skipped: `), line);
    assert.match(line, /webgpu: WebGPU found no GPU adapter: install the GPU driver/);
    const summary = onlySummary(out);
    assert.equal(summary.backend, CPU_FALLBACK);
    assert.equal(summary.adapter, undefined, 'a WASM run records no adapter');
  });

  it('auto with only SwiftShader present, even with the allowance, does not pick it', () => {
    const { file, out } = tiny(5);
    const r = cli(['run', file, '--backend', 'auto', '--json', '--out', out], swiftShaderEnv(true));
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    const { started, summary } = jsonLines(r.stdout);
    assert.equal(started.backend, CPU_FALLBACK);
    const why = started.backendSkipped.find((s) => s.startsWith('webgpu: '));
    assert.ok(why, `backendSkipped does not mention webgpu: ${JSON.stringify(started.backendSkipped)}`);
    assert.match(why, /SwiftShader.*software.*"auto" never uses a software adapter.*--backend webgpu/);
    assert.equal(summary.backend, CPU_FALLBACK);
    assert.equal(summary.adapter, undefined, 'no adapter recorded');
    assert.equal(onlySummary(out).backend, CPU_FALLBACK);
  });

  it('SwiftShader without the allowance: --backend webgpu refuses with one line and exit 2, no run folder', () => {
    const { file, out } = tiny(40);
    const r = cli(['run', file, '--backend', 'webgpu', '--json', '--out', out], swiftShaderEnv(false));
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `stderr:\n${r.stderr}`);
    assert.match(lines[0], /SwiftShader.*software.*SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU=1/);
    assert.deepEqual(runFolders(out), [], 'no run folder');
  });

  it('acceptance: a 40-step tiny run on webgpu with SwiftShader allowed records webgpu and the adapter', () => {
    const { file, out } = tiny(40);
    const r = cli(['run', file, '--backend', 'webgpu', '--json', '--out', out], swiftShaderEnv(true));
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    const { started, summary } = jsonLines(r.stdout);
    const expected = { vendor: 'google', architecture: 'swiftshader', software: true };
    for (const [where, s] of [['started event', started], ['--json summary', summary], ['summary.json', onlySummary(out)]] as const) {
      assert.equal(s.backend, 'webgpu', `${where}: backend`);
      assert.ok(s.adapter, `${where}: no adapter`);
      assert.deepEqual({ vendor: s.adapter.vendor, architecture: s.adapter.architecture, software: s.adapter.software }, expected, `${where}: adapter`);
      assert.match(s.adapter.description, /SwiftShader/);
    }
    assert.equal(summary.steps, 40);
    assert.ok(['succeeded', 'not-reached'].includes(summary.status), `status ${summary.status}`);
  });
});
