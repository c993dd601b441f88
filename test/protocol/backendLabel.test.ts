// The one wording of a run's backend and adapter, and the runs table that shows it.
// Run: node --import tsx --test test/protocol/backendLabel.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adapterLabel, backendFact, backendLabel, backendStartLine, hostLabel } from '../../src/protocol/backendLabel';
import { type GpuAdapter, RunSummary } from '../../src/protocol/runEvents';
import { filterRows, runsTable, runsTableCsv, sortRows } from '../../src/protocol/runsTable';
import { studyRuns } from '../webview/runsFixtures';

/** What Dawn reports on an H200 (the device names the GPU; the description is only the driver). */
const H200: GpuAdapter = { vendor: 'nvidia', architecture: 'hopper', device: 'nvidia-h200', description: 'NVIDIA: 550.54.15', software: false };
/** What Dawn reports for Chromium's SwiftShader (measured here). */
const SWIFTSHADER: GpuAdapter = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  software: true,
};

describe('backendLabel', () => {
  it('names a hardware adapter by its device, with vendor and architecture', () => {
    assert.equal(backendLabel('webgpu', H200), 'webgpu · nvidia-h200 (nvidia, hopper)');
  });

  it('falls back to the description when no device was recorded', () => {
    const { device: _device, ...noDevice } = H200;
    assert.equal(backendLabel('webgpu', noDevice), 'webgpu · NVIDIA: 550.54.15 (nvidia, hopper)');
  });

  it('names a software adapter by its driver and marks it software', () => {
    assert.equal(backendLabel('webgpu', SWIFTSHADER), 'webgpu · SwiftShader driver 5.0.0 (software)');
  });

  it('is the backend alone without an adapter', () => {
    assert.equal(backendLabel('wasm'), 'wasm');
    assert.equal(backendLabel('tensorflow-gpu', undefined), 'tensorflow-gpu');
  });

  it('reads an older recording (no adapter field) exactly as before', () => {
    const old = RunSummary.parse({
      type: 'summary', runId: 'r', status: 'succeeded', steps: 10, parameterCount: 1,
      testAccuracy: 1, trainAccuracy: 1, attentionOnRelevant: 0.5, backend: 'tensorflow', wallSeconds: 2, runDir: '/x',
    });
    assert.equal(old.adapter, undefined);
    assert.equal(backendLabel(old.backend, old.adapter), 'tensorflow');
    assert.equal(backendFact(old.backend, old.adapter), 'tensorflow');
  });

  it('never leaves an adapter without a name', () => {
    assert.equal(adapterLabel({ vendor: 'amd', architecture: 'rdna-3', description: '', software: false }), 'amd rdna-3');
    assert.equal(adapterLabel({ vendor: '', architecture: '', description: '', software: false }), 'unnamed adapter');
    assert.equal(adapterLabel({ vendor: '', architecture: '', description: '', software: true }), 'unnamed adapter (software)');
  });
});

describe('backendFact, backendStartLine, hostLabel', () => {
  it('warns beside a software adapter that its times are not a GPU figure, and only there', () => {
    assert.equal(backendFact('webgpu', SWIFTSHADER), 'webgpu · SwiftShader driver 5.0.0 (software) — not a GPU figure');
    assert.equal(backendFact('webgpu', H200), 'webgpu · nvidia-h200 (nvidia, hopper)');
  });

  it('starts a run with the label and the backends passed over', () => {
    assert.equal(backendStartLine({ backend: 'webgpu', adapter: H200, backendSkipped: ['tfjs-node-gpu: libcudart.so.11.0 missing'] }), 'backend: webgpu · nvidia-h200 (nvidia, hopper) (skipped: tfjs-node-gpu: libcudart.so.11.0 missing)');
    assert.equal(backendStartLine({ backend: 'wasm', backendSkipped: [] }), 'backend: wasm');
  });

  it('words a queue worker\'s machine with what it trained on; nothing without a host', () => {
    assert.equal(hostLabel({ host: 'gpu-box-1', backend: 'webgpu', adapter: H200 }), 'gpu-box-1 · webgpu · nvidia-h200 (nvidia, hopper)');
    assert.equal(hostLabel({ host: 'cpu-box', backend: 'wasm' }), 'cpu-box · wasm');
    assert.equal(hostLabel({ backend: 'webgpu', adapter: H200 }), undefined);
  });
});

describe('runs table backend column', () => {
  /** The study, with run-b trained on an H200 and run-c on SwiftShader (run-a: an older recording, wasm). */
  function mixedRuns() {
    const runs = studyRuns();
    runs[1].summary = { ...runs[1].summary!, backend: 'webgpu', adapter: H200 };
    runs[2].summary = { ...runs[2].summary!, backend: 'webgpu', adapter: SWIFTSHADER };
    return runs;
  }

  it('shows each run\'s backend with its adapter, and an older run\'s backend as before', () => {
    const table = runsTable(mixedRuns());
    assert.deepEqual(
      table.rows.map((r) => r.values.backend),
      ['wasm', 'webgpu · nvidia-h200 (nvidia, hopper)', 'webgpu · SwiftShader driver 5.0.0 (software)'],
    );
  });

  it('takes a running run\'s adapter from its started event', () => {
    const runs = studyRuns([{ runId: 'a', seed: 0, learningRate: 0.001, accuracyScale: 1, running: true }]);
    runs[0].started = { ...runs[0].started!, backend: 'webgpu', adapter: H200 };
    assert.equal(runsTable(runs).rows[0].values.backend, 'webgpu · nvidia-h200 (nvidia, hopper)');
  });

  it('sorts, filters and exports by the label', () => {
    const table = runsTable(mixedRuns());
    assert.deepEqual(sortRows(table.rows, { key: 'backend', direction: 'desc' }).map((r) => r.runId), ['run-c', 'run-b', 'run-a']);
    assert.deepEqual(filterRows(table.rows, table.columns, 'H200').map((r) => r.runId), ['run-b']);
    assert.deepEqual(filterRows(table.rows, table.columns, 'software').map((r) => r.runId), ['run-c']);
    assert.match(runsTableCsv(table.columns, table.rows), /webgpu · nvidia-h200 \(nvidia, hopper\)/);
  });
});
