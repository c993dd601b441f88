// Compare Runs and the tree tell runs apart by label (issue 20): single runs by the settings that
// differ within their experiment, sweep runs by cell, grouped under separators.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { compareRunItems } from '../../src/extension/compareRunItems';
import { labelRunRows } from '../../src/extension/runRowLabels';
import { RunStore } from '../../src/extension/runStore';

const root = mkdtempSync(path.join(tmpdir(), 'sa-compare-'));
const dirs = { runs: path.join(root, 'runs'), sweeps: path.join(root, 'sweeps') };
const spec = (name: string, T: number, seed = 1) => ({ version: 1, name, seed, task: { kind: 'and', T, s: 3 }, training: { learningRate: 0.003 } });
function run(id: string, body: unknown): void {
  mkdirSync(path.join(dirs.runs, id), { recursive: true });
  writeFileSync(path.join(dirs.runs, id, 'experiment.json'), JSON.stringify(body));
}
run('two-t-s1-20261204T120000Z-aaaa', spec('two-t', 12));
run('two-t-s1-20261204T130000Z-bbbb', spec('two-t', 16));
run('alone-s0-20261204T110000Z-cccc', spec('alone', 8, 0));
for (const id of ['transformer-T4-m16-seed0', 'transformer-T4-m16-seed1', 'transformer-T8-m64-seed0']) mkdirSync(path.join(dirs.sweeps, 'tiny-grid', 'runs', id), { recursive: true });

describe('runs told apart in Compare Runs and the tree', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('lists single runs by label under their experiment, then sweep runs by sweep, T and cell', () => {
    const items = compareRunItems(dirs).map((i) => (i.kind === 'separator' ? `— ${i.label}` : `${i.label} [${i.detail}]`));
    assert.deepEqual(items, [
      '— alone',
      'alone (seed 0) [alone-s0-20261204T110000Z-cccc]',
      '— two-t',
      'two-t · T = 16 (seed 1) [two-t-s1-20261204T130000Z-bbbb]',
      'two-t · T = 12 (seed 1) [two-t-s1-20261204T120000Z-aaaa]',
      '— sweep tiny-grid · transformer · T = 4',
      'transformer · T = 4 · m = 16 (seed 0) [tiny-grid/transformer-T4-m16-seed0]',
      'transformer · T = 4 · m = 16 (seed 1) [tiny-grid/transformer-T4-m16-seed1]',
      '— sweep tiny-grid · transformer · T = 8',
      'transformer · T = 8 · m = 64 (seed 0) [tiny-grid/transformer-T8-m64-seed0]',
    ]);
  });

  it('labels an experiment’s tree rows by what differs (the name is on the parent row)', () => {
    const rows = labelRunRows(['two-t-s1-20261204T130000Z-bbbb', 'two-t-s1-20261204T120000Z-aaaa'], dirs.runs, new RunStore(), 'two-t');
    assert.deepEqual(rows.map((r) => (r.kind === 'run' ? r.label : '')), ['T = 16 · seed 1', 'T = 12 · seed 1']);
    const lone = labelRunRows(['alone-s0-20261204T110000Z-cccc'], dirs.runs, new RunStore(), 'alone');
    assert.deepEqual(lone.map((r) => (r.kind === 'run' ? r.label : '')), ['seed 0']);
    // A folder without its experiment.json (torn, or very old): no label, the row falls back to its id.
    mkdirSync(path.join(dirs.runs, 'two-t-s1-20261204T140000Z-dddd'));
    const torn = labelRunRows(['two-t-s1-20261204T140000Z-dddd'], dirs.runs, new RunStore(), 'two-t');
    assert.equal(torn[0].kind === 'run' ? torn[0].label : 'x', undefined);
  });
});
