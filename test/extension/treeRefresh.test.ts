// The runs tree refreshes only the rows a change touches (a full redraw a few times a second swallowed
// clicks on inline buttons): which nodes a batch of store, disk and queue changes names, and the node
// cache that keeps one object per node so VS Code can match the refreshed element.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeCache } from '../../src/extension/treeNodeCache';
import { type IndexedNode, noTreeChanges, nodesToRefresh, noteStoreChange } from '../../src/extension/treeRefresh';

const EXP_A = '/w/a.experiment.json';
const EXP_B = '/w/b.experiment.json';
const SWEEP_DIR = '/w/.sparse-attention/sweeps/grid';
const SWEEP_KEY = 'sweep:/w/grid.sweep.json';
const NODES: IndexedNode[] = [
  { key: `experiment:${EXP_A}`, kind: 'experiment', file: EXP_A },
  { key: `experiment:${EXP_A}›run:/r/a-s1-1`, kind: 'run', runId: 'a-s1-1' },
  { key: `experiment:${EXP_A}›queued:q2`, kind: 'other' },
  { key: `experiment:${EXP_B}`, kind: 'experiment', file: EXP_B },
  { key: `experiment:${EXP_B}›run:/r/b-s1-1`, kind: 'run', runId: 'b-s1-1' },
  { key: SWEEP_KEY, kind: 'sweep', sweepDir: SWEEP_DIR },
  { key: `${SWEEP_KEY}›sweepRun`, kind: 'sweepRun', sweepDir: SWEEP_DIR },
  { key: `${SWEEP_KEY}›group:transformer:4:`, kind: 'other' },
];
const experimentOf = (files: Record<string, string>) => (runId: string) => files[runId];

describe('runs tree: targeted refreshes', () => {
  it('redraws only the row of a run that has one, never the whole tree', () => {
    const changes = noTreeChanges();
    noteStoreChange(changes, { kind: 'run', runId: 'a-s1-1' });
    noteStoreChange(changes, { kind: 'run', runId: 'a-s1-1' });
    assert.deepEqual(nodesToRefresh(changes, NODES, experimentOf({})), [`experiment:${EXP_A}›run:/r/a-s1-1`]);
  });

  it('re-lists the experiment a new run belongs to, or every experiment when that is unknown', () => {
    const changes = noTreeChanges();
    noteStoreChange(changes, { kind: 'run', runId: 'b-s1-2' });
    assert.deepEqual(nodesToRefresh(changes, NODES, experimentOf({ 'b-s1-2': EXP_B })), [`experiment:${EXP_B}`]);
    assert.deepEqual(nodesToRefresh(changes, NODES, experimentOf({})), [`experiment:${EXP_A}`, `experiment:${EXP_B}`]);
  });

  it('re-lists the experiments whose queued runs changed, and drops rows redrawn with them', () => {
    const changes = noTreeChanges();
    changes.experimentFiles.add(EXP_A);
    noteStoreChange(changes, { kind: 'run', runId: 'a-s1-1' });
    noteStoreChange(changes, { kind: 'run', runId: 'b-s1-1' });
    assert.deepEqual(nodesToRefresh(changes, NODES, experimentOf({})).sort(), [`experiment:${EXP_A}`, `experiment:${EXP_B}›run:/r/b-s1-1`]);
  });

  it('redraws a sweep\'s progress row for progress, its whole subtree when its cells change', () => {
    const progress = noTreeChanges();
    noteStoreChange(progress, { kind: 'sweep', sweepId: SWEEP_DIR, event: { type: 'queue-status', workers: 2, hosts: [] } });
    assert.deepEqual(nodesToRefresh(progress, NODES, experimentOf({})), [`${SWEEP_KEY}›sweepRun`]);
    const cells = noTreeChanges();
    noteStoreChange(cells, { kind: 'sweep', sweepId: SWEEP_DIR, event: { type: 'queue-status', workers: 2, hosts: [] } });
    noteStoreChange(cells, { kind: 'sweep', sweepId: SWEEP_DIR, event: { type: 'cell-started', variant: 'transformer', T: 4, m: 16 } });
    noteStoreChange(cells, { kind: 'sweep', sweepId: SWEEP_DIR, event: { type: 'queue-status', workers: 2, hosts: [] } });
    assert.deepEqual(nodesToRefresh(cells, NODES, experimentOf({})), [SWEEP_KEY], 'a later progress event does not undo a cell change');
    const reread = noTreeChanges();
    noteStoreChange(reread, { kind: 'sweep', sweepId: SWEEP_DIR });
    assert.deepEqual(nodesToRefresh(reread, NODES, experimentOf({})), [SWEEP_KEY], 'a sweep re-read from disk may have changed anywhere');
  });

  it('names nothing for changes the tree has not shown', () => {
    const changes = noTreeChanges();
    noteStoreChange(changes, { kind: 'sweep', sweepId: '/w/.sparse-attention/sweeps/other' });
    assert.deepEqual(nodesToRefresh(changes, NODES, experimentOf({})), []);
    assert.deepEqual(nodesToRefresh(noTreeChanges(), NODES, experimentOf({})), []);
  });
});

describe('runs tree: node cache', () => {
  it('hands out the same object for the same key, updated in place, and forgets all on clear', () => {
    const cache = new NodeCache<{ kind: string; position: number }>();
    const first = cache.intern('queued:q1', { kind: 'queued', position: 2 });
    const again = cache.intern('queued:q1', { kind: 'queued', position: 1 });
    assert.equal(again, first, 'one object per node, so a refresh of it reaches the row VS Code holds');
    assert.equal(first.position, 1, 'fields are updated in place');
    assert.equal(cache.keyOf(first), 'queued:q1');
    assert.equal(cache.get('queued:q1'), first);
    assert.notEqual(cache.intern('queued:q2', { kind: 'queued', position: 1 }), first);
    cache.clear();
    assert.equal(cache.get('queued:q1'), undefined);
    assert.notEqual(cache.intern('queued:q1', { kind: 'queued', position: 1 }), first, 'a full refresh starts over');
  });
});
