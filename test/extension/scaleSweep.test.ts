// Issue 22: a finished sweep of 5000 runs (the full protocol's 10 T × 10 m × 50 seeds, written by the
// real sweep runner and run writer: test/fixtures/syntheticSweep.ts) opens from per-cell aggregates.
// The report, the panel's snapshot (host load, the contract's validation, the page's fold) and the
// tree's grouping each show every cell without reading a run folder's files; a cell's runs are read
// when it is opened. Bounds are on what crosses to the page (bytes), not on time (npm run bench).
// Writing the folder takes ~1.5 min on 2 cores (5000 fsynced summaries), so it is written once.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCellRuns } from '../../src/extension/cellRuns';
import { loadSweep } from '../../src/extension/diskState';
import { RunStore } from '../../src/extension/runStore';
import { cellKey, cellTallies, groupSweepRuns, variantOrder } from '../../src/extension/sweepRunGroups';
import { HostToPanel } from '../../src/protocol/panelMessages';
import { sweepReport } from '../../src/report/sweepReport';
import { readSweepEvents, sweepRunsDir } from '../../src/store/sweepFolder';
import { applyMessage, emptyModel } from '../../webview/results/state';
import { type SyntheticSweep, writeSyntheticSweep } from '../fixtures/syntheticSweep';

/** Measured: the sweep's snapshot is 45 kB; 200 kB leaves room for longer verdicts, not for run events. */
const SNAPSHOT_BOUND = 200_000;
/** Measured: the report is 250 kB (tables, heatmap SVG, chart points); no run's events belong in it. */
const REPORT_BOUND = 1_000_000;
/** Measured: a T = 500 cell's 50 runs with their last snapshot, 16 heads, last-only fixture: ~3.5 MB. */
const CELL_BOUND = 6_000_000;

const Ts = [10, 20, 40, 60, 80, 100, 200, 300, 400, 500];
const ms = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

describe('a sweep of 5000 finished runs', { timeout: 600_000 }, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'sa-scale-'));
  let made: SyntheticSweep;
  before(async () => {
    made = await writeSyntheticSweep(out, { baseOnly: true, snapshots: 'last' });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('is the full protocol on disk: 5000 run folders, one per (T, m, seed)', () => {
    assert.equal(made.runs, 5000);
    assert.equal(readdirSync(sweepRunsDir(made.sweepDir)).length, 5000);
  });

  it('report: every cell in the success table, from summary.json alone', () => {
    const html = sweepReport(made.sweepDir);
    assert.ok(html.length < REPORT_BOUND, `report is ${html.length} bytes`);
    const cells = html.match(/<td class="[^"]*">\d+\/50 <small>/g) ?? [];
    assert.equal(cells.length, 100);
    for (const T of Ts) assert.ok(html.includes(`<tr><th>${T}</th>`), `row T = ${T}`);
  });

  it('panel: the host loads per-cell aggregates, no run, and the page folds every cell', () => {
    const store = new RunStore();
    loadSweep(store, made.sweepDir);
    assert.equal(store.allRuns().length, 0, 'no run folder is replayed for the sweep view');
    const json = JSON.stringify({ type: 'snapshot', runs: store.allRuns(), sweeps: store.allSweeps(), focus: made.sweepDir });
    assert.ok(json.length < SNAPSHOT_BOUND, `snapshot is ${json.length} bytes`);
    const msg = HostToPanel.parse(JSON.parse(json)); // the page validates every message on arrival
    const model = emptyModel();
    applyMessage(model, msg);
    const [sweep] = model.sweeps;
    assert.equal(sweep.status, 'completed');
    assert.equal(sweep.runsDone, 5000);
    const [variant] = sweep.variants;
    assert.deepEqual(variant.points.map((p) => p.T), Ts);
    for (const p of variant.points) {
      assert.deepEqual(p.cells.map((c) => c.m), ms, `T = ${p.T}`);
      for (const c of p.cells) assert.equal(c.trials, 50, `T = ${p.T}, m = ${c.m}`);
    }
    assert.ok(variant.points.some((p) => p.status === 'found'), 'the synthetic outcomes give a real m*');
  });

  it('tree: every cell with its 50 runs and verdict from the folder names and the sweep events', () => {
    const events = readSweepEvents(made.sweepDir);
    const [variant] = groupSweepRuns(readdirSync(sweepRunsDir(made.sweepDir)), variantOrder(events));
    const tallies = cellTallies(events);
    assert.deepEqual(variant.lengths.map((t) => t.T), Ts);
    for (const t of variant.lengths) {
      assert.deepEqual(t.sizes.map((s) => s.m), ms);
      for (const s of t.sizes) {
        assert.equal(s.runs.length, 50);
        assert.equal(tallies.get(cellKey(variant.variant, t.T, s.m))?.trials, 50);
      }
    }
  });

  it('drill-down: a cell’s 50 runs load when it is opened, each with one snapshot and no norms', () => {
    const runs = readCellRuns(made.sweepDir, 'transformer', 500, 100, false);
    assert.equal(runs.length, 50);
    for (const r of runs) {
      assert.equal(r.metrics.length, 21);
      assert.equal(r.attention.length, 1);
      assert.equal(r.attention[0].n, 501);
      assert.ok(r.metrics.every((m) => m.norms === undefined));
    }
    const bytes = JSON.stringify(runs).length;
    assert.ok(bytes < CELL_BOUND, `cell message is ${bytes} bytes`);
  });
});
