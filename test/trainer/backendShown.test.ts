// Where a run's backend and GPU adapter reach the user outside the panel: the CLI's summary, the HTML
// report of a run folder, and a sweep cell's hosts (queue workers, read from the runs' summaries).
// Run: node --import tsx --test test/trainer/backendShown.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SweepSchema } from '../../src/core/spec/sweepSpec';
import type { GpuAdapter, RunEvent, RunSummary } from '../../src/protocol/runEvents';
import { variantTables } from '../../src/protocol/sweepTableModel';
import type { VariantResult } from '../../src/protocol/sweepEvents';
import { runReport } from '../../src/report/runReport';
import { RUN_FILES, RunFiles } from '../../src/store/runFolder';
import { printSummary } from '../../src/trainer/runDisplay';
import { type RunRequest, type RunResult, runSweep } from '../../src/trainer/sweepRunner';
import { runEvents } from '../webview/fixtures';

const H200: GpuAdapter = { vendor: 'nvidia', architecture: 'hopper', device: 'nvidia-h200', description: 'NVIDIA: 550.54.15', software: false };
const SWIFTSHADER: GpuAdapter = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', software: true };
const tmp = () => mkdtempSync(path.join(tmpdir(), 'sa-backend-'));

/** The recorded fixture run, its backend swapped for `backend` (with `adapter` when given). */
function recordedRun(backend: string, adapter?: GpuAdapter): { events: RunEvent[]; summary: RunSummary } {
  const events = runEvents().map((e): RunEvent => {
    if (e.type === 'started') return { ...e, backend, ...(adapter ? { adapter } : {}) };
    if (e.type === 'finished') return { ...e, summary: { ...e.summary, backend, ...(adapter ? { adapter } : {}) } };
    return e;
  });
  const finished = events.find((e) => e.type === 'finished');
  if (finished?.type !== 'finished') throw new Error('fixture has no finished event');
  return { events, summary: finished.summary };
}

function runFolder(run: { events: RunEvent[]; summary: RunSummary }): string {
  const dir = path.join(tmp(), 'run');
  mkdirSync(dir);
  writeFileSync(path.join(dir, RUN_FILES.events), run.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(path.join(dir, RUN_FILES.summary), JSON.stringify(run.summary));
  return dir;
}

describe('printSummary', () => {
  let written = '';
  const realWrite = process.stderr.write;
  beforeEach(() => {
    written = '';
    process.stderr.write = ((s: string) => {
      written += s;
      return true;
    }) as typeof process.stderr.write;
  });
  afterEach(() => {
    process.stderr.write = realWrite;
  });

  it('names the adapter a webgpu run trained on', () => {
    printSummary(recordedRun('webgpu', SWIFTSHADER).summary);
    assert.match(written, /, backend webgpu · SwiftShader driver 5\.0\.0 \(software\), [\d.]+s\n/);
  });

  it('says only the backend for a run without an adapter, as before', () => {
    printSummary(recordedRun('wasm').summary);
    assert.match(written, /, backend wasm, [\d.]+s\n/);
  });
});

describe('run report', () => {
  it('shows the backend with its adapter, and marks a software one as no GPU figure', () => {
    assert.match(runReport(runFolder(recordedRun('webgpu', H200))), /<th>backend<\/th><td>webgpu · nvidia-h200 \(nvidia, hopper\)<\/td>/);
    assert.match(runReport(runFolder(recordedRun('webgpu', SWIFTSHADER))), /<th>backend<\/th><td>webgpu · SwiftShader driver 5\.0\.0 \(software\) — not a GPU figure<\/td>/);
  });

  it('shows an older recording (no adapter) as before', () => {
    assert.match(runReport(runFolder(recordedRun('wasm'))), /<th>backend<\/th><td>wasm<\/td>/);
  });
});

describe('a sweep cell\'s hosts', () => {
  /** Every run succeeds; seed 0 on a GPU worker, seed 1 on a CPU worker, as the queue's summaries say. */
  async function launch(req: RunRequest): Promise<RunResult> {
    const files = new RunFiles(req.out, req.runId);
    files.create(req.spec);
    const where = req.spec.seed % 2 === 0 ? { host: 'gpu-box-1', backend: 'webgpu', adapter: H200 } : { host: 'cpu-box', backend: 'wasm' };
    const summary: RunSummary = {
      type: 'summary', runId: req.runId, status: 'succeeded', steps: 10, parameterCount: 1,
      testAccuracy: 1, trainAccuracy: 1, attentionOnRelevant: 0.5, wallSeconds: 0, runDir: files.dir, ...where,
    };
    files.writeSummary(summary);
    return { ok: true, summary };
  }

  it('lists each worker\'s machine with its backend and adapter', async () => {
    const sweep = SweepSchema.parse({
      version: 1, kind: 'sweep', name: 'hosts', base: { task: { kind: 'and', s: 3 }, training: { batchSize: 64 } },
      contextLengths: [8], trainSizes: { min: 10, max: 20, points: 2 }, seeds: 2, successRate: 0.5, bootstrap: 0,
    });
    const summary = await runSweep(sweep, { sweepDir: tmp(), parallel: 1, launch, onEvent: () => {} });
    const cells = summary.points.flatMap((p) => p.cells);
    assert.ok(cells.length > 0);
    for (const c of cells) assert.deepEqual(c.hosts, ['cpu-box · wasm', 'gpu-box-1 · webgpu · nvidia-h200 (nvidia, hopper)']);
    const variant = { label: 'base', protocol: '', points: summary.points } as unknown as VariantResult;
    const title = variantTables(variant).rows[0].cells.find((c) => c !== null)!.title;
    assert.match(title, /; trained on cpu-box · wasm, gpu-box-1 · webgpu · nvidia-h200 \(nvidia, hopper\)$/);
  });
});
