// The runs table's rows and columns, sorting, filtering and CSV.
// Run: node --import tsx --test test/protocol/runsTable.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterRows, flattenSpec, formatCell, runsTable, runsTableCsv, sortRows } from '../../src/protocol/runsTable';
import { newRunView } from '../../src/protocol/viewFold';
import { studyRuns } from '../webview/runsFixtures';

describe('flattenSpec', () => {
  it('turns a nested spec into dotted paths; lists and booleans are one value each', () => {
    assert.deepEqual(flattenSpec({ name: 'x', task: { T: 16, relevant: [1, 2], noise: 0 }, model: { tied: true, extra: null } }), {
      name: 'x',
      'task.T': 16,
      'task.relevant': '[1,2]',
      'task.noise': 0,
      'model.tied': 'true',
      'model.extra': null,
    });
  });
});

describe('runsTable', () => {
  it('has a column for each parameter that differs, then the final metrics', () => {
    const table = runsTable(studyRuns());
    assert.deepEqual(
      table.columns.map((c) => `${c.kind}:${c.key}:${c.numeric}`),
      [
        'param:training.learningRate:true',
        'param:seed:true',
        'metric:testAccuracy:true',
        'metric:attentionOnRelevant:true',
        'metric:steps:true',
        'metric:wallSeconds:true',
        'metric:backend:false',
        'metric:status:false',
      ],
    );
    assert.deepEqual(
      table.rows.map((r) => [r.runId, r.label, r.values['training.learningRate'], r.values.seed, r.values.testAccuracy, r.values.steps, r.values.backend, r.values.status]),
      [
        ['run-a', 'parity-T16 (seed 0)', 0.001, 0, 0.8, 800, 'wasm', 'succeeded'],
        ['run-b', 'parity-T16 (seed 1)', 0.001, 1, 1, 800, 'wasm', 'succeeded'],
        ['run-c', 'parity-T16 (seed 2)', 0.003, 2, 0.6, 800, 'wasm', 'succeeded'],
      ],
    );
    assert.equal(table.rows[0].values.attentionOnRelevant, 0.9993);
    assert.equal(table.rows[0].values.wallSeconds, 32.15);
  });

  it('takes a running run\'s metrics from its newest evaluation, and a run without a spec adds no columns', () => {
    const runs = studyRuns([
      { runId: 'a', seed: 0, learningRate: 0.001, accuracyScale: 1 },
      { runId: 'b', seed: 1, learningRate: 0.001, accuracyScale: 0.5, running: true },
    ]);
    const table = runsTable([...runs, newRunView('c', 'waiting')]);
    assert.deepEqual(
      table.columns.filter((c) => c.kind === 'param').map((c) => c.key),
      ['seed'],
    );
    const b = table.rows[1].values;
    const last = runs[1].metrics.at(-1)!;
    assert.equal(b.status, 'running');
    assert.equal(b.testAccuracy, last.testAccuracy);
    assert.equal(b.steps, last.step);
    assert.equal(b.wallSeconds, last.elapsedSeconds);
    assert.deepEqual(table.rows[2].values, { seed: null, testAccuracy: null, attentionOnRelevant: null, steps: null, wallSeconds: null, backend: null, status: 'running' });
  });

  it('shows no parameter columns when every run has the same spec', () => {
    const runs = studyRuns();
    const same = runsTable([runs[0], { ...runs[0], runId: 'copy' }]);
    assert.equal(same.columns.filter((c) => c.kind === 'param').length, 0);
  });
});

describe('sortRows and filterRows', () => {
  const table = runsTable(studyRuns());
  const ids = (rows: { runId: string }[]) => rows.map((r) => r.runId);

  it('sorts numbers numerically both ways, empty cells last', () => {
    assert.deepEqual(ids(sortRows(table.rows, { key: 'testAccuracy', direction: 'asc' })), ['run-c', 'run-a', 'run-b']);
    assert.deepEqual(ids(sortRows(table.rows, { key: 'testAccuracy', direction: 'desc' })), ['run-b', 'run-a', 'run-c']);
    const withEmpty = [...table.rows, { runId: 'x', label: 'x', values: { testAccuracy: null } }];
    assert.deepEqual(ids(sortRows(withEmpty, { key: 'testAccuracy', direction: 'asc' })).at(-1), 'x');
    assert.deepEqual(ids(sortRows(withEmpty, { key: 'testAccuracy', direction: 'desc' })).at(-1), 'x');
    // 10 after 9 (numerically), ties keep the table's order.
    const n = [9, 10, 9].map((v, i) => ({ runId: `r${i}`, label: `r${i}`, values: { steps: v } }));
    assert.deepEqual(ids(sortRows(n, { key: 'steps', direction: 'asc' })), ['r0', 'r2', 'r1']);
  });

  it('sorts text in natural order and by label', () => {
    const rows = ['run 10', 'run 2', 'Run 1'].map((label) => ({ runId: label, label, values: {} }));
    assert.deepEqual(ids(sortRows(rows, { key: 'label', direction: 'asc' })), ['Run 1', 'run 2', 'run 10']);
    assert.deepEqual(ids(sortRows(rows, undefined)), ['run 10', 'run 2', 'Run 1']);
  });

  it('filters on a case-insensitive substring of the label or any shown cell', () => {
    assert.deepEqual(ids(filterRows(table.rows, table.columns, 'SEED 2')), ['run-c']);
    assert.deepEqual(ids(filterRows(table.rows, table.columns, '0.003')), ['run-c']);
    assert.deepEqual(ids(filterRows(table.rows, table.columns, '80.0%')), ['run-a']);
    assert.deepEqual(ids(filterRows(table.rows, table.columns, '  ')), ['run-a', 'run-b', 'run-c']);
    assert.deepEqual(ids(filterRows(table.rows, table.columns, 'nothing like it')), []);
  });

  it('formats shares as percentages and seconds to a tenth', () => {
    assert.equal(formatCell('testAccuracy', 0.8555), '85.5%');
    assert.equal(formatCell('wallSeconds', 32.15), '32.1');
    assert.equal(formatCell('seed', 3), '3');
    assert.equal(formatCell('seed', null), '–');
  });
});

describe('runsTableCsv', () => {
  it('writes the same rows with raw values, one column per table column', () => {
    const table = runsTable(studyRuns());
    const csv = runsTableCsv(table.columns, sortRows(table.rows, { key: 'testAccuracy', direction: 'desc' }));
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'runId,label,training.learningRate,seed,testAccuracy,attentionOnRelevant,steps,wallSeconds,backend,status');
    assert.equal(lines[1], 'run-b,parity-T16 (seed 1),0.001,1,1,0.9993,800,32.15,wasm,succeeded');
    assert.equal(lines.length, 4);
  });
});
