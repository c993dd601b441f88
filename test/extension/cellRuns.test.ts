// Drill-down on the host: a sweep cell's run folders are found by the runner's exact naming and read
// back as the panel's RunViews, keeping only each run's newest attention snapshot.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { cellRunDirs, readCellRuns } from '../../src/extension/cellRuns';
import { tempSweepDir, writeCellRuns } from '../webview/drillFixtures';

describe('cell runs', () => {
  const sweepDir = tempSweepDir();
  after(() => rmSync(sweepDir, { recursive: true, force: true }));
  const ids = writeCellRuns(sweepDir, 'transformer', 8, 16, [10, 2, 1]);
  // Neighbours that share a prefix must not be taken: another m, another T, another variant.
  writeCellRuns(sweepDir, 'transformer', 8, 160, [1]);
  writeCellRuns(sweepDir, 'transformer', 80, 16, [1]);
  writeCellRuns(sweepDir, 'transformer-2', 8, 16, [1]);
  writeCellRuns(sweepDir, 'x.transformer', 8, 16, [1]);
  mkdirSync(path.join(sweepDir, 'runs', 'transformer-T8-m16-seed3')); // an empty folder: nothing to show yet

  it('finds exactly the cell’s folders, by seed', () => {
    const dirs = cellRunDirs(sweepDir, 'transformer', 8, 16).map((d) => path.basename(d));
    assert.deepEqual(dirs, ['transformer-T8-m16-seed1', 'transformer-T8-m16-seed2', 'transformer-T8-m16-seed3', 'transformer-T8-m16-seed10']);
    assert.deepEqual(cellRunDirs(sweepDir, 'mlp', 8, 16), []);
    assert.deepEqual(cellRunDirs(path.join(sweepDir, 'missing'), 'transformer', 8, 16), []);
    // A label with regex characters is matched literally.
    assert.deepEqual(cellRunDirs(sweepDir, '.transformer', 8, 16), []);
  });

  it('reads them as RunViews with their metrics, summary and newest snapshot only', () => {
    const runs = readCellRuns(sweepDir, 'transformer', 8, 16, false);
    assert.deepEqual(runs.map((r) => r.runId), [ids[2], ids[1], ids[0]]);
    for (const r of runs) {
      assert.equal(r.status, 'succeeded');
      assert.equal(r.metrics.length, 9);
      assert.equal(r.attention.length, 1);
      assert.equal(r.attention[0].step, 800);
      assert.equal(r.summary?.runId, r.runId);
      assert.equal(r.started?.runId, r.runId);
    }
  });

  it('marks a run without a summary running while its sweep runs, interrupted once it stopped', () => {
    const dir = tempSweepDir();
    try {
      const [id] = writeCellRuns(dir, 'v', 4, 8, [0]);
      const events = path.join(dir, 'runs', id, 'events.jsonl');
      writeFileSync(events, readFileSync(events, 'utf8').split('\n').filter((l) => !l.includes('"finished"')).join('\n'));
      assert.equal(readCellRuns(dir, 'v', 4, 8, true)[0].status, 'running');
      const stopped = readCellRuns(dir, 'v', 4, 8, false)[0];
      assert.equal(stopped.status, 'interrupted');
      assert.match(stopped.failure ?? '', /sweep stopped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
