import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { DiskSync, type DiskSyncHost, type FolderKind, POLL_MS, SYNC_WINDOW_MS } from '../../src/extension/diskSync';
import type { TreeChanges } from '../../src/extension/treeRefresh';

/** A host that records what the sync asks of it; `inStore` and `fedLive` ids are set per test. */
function harness() {
  const base = mkdtempSync(path.join(tmpdir(), 'disk-sync-'));
  const dirs = { runs: path.join(base, 'runs'), sweeps: path.join(base, 'sweeps') };
  mkdirSync(dirs.runs);
  mkdirSync(dirs.sweeps);
  const refreshes: TreeChanges[] = [];
  const reloads: [FolderKind, string][] = [];
  let fullRefreshes = 0;
  const stored = new Set<string>();
  const live = new Set<string>();
  let onReload: (kind: FolderKind, dir: string) => void = () => {};
  const host: DiskSyncHost = {
    dataDirs: () => dirs,
    fedLive: (id) => live.has(id),
    inStore: (_kind, id) => stored.has(id),
    reload: (kind, dir) => (reloads.push([kind, dir]), onReload(kind, dir)),
    refreshAll: () => fullRefreshes++,
    refreshChanged: (changes) => refreshes.push(changes),
  };
  const sync = new DiskSync(host);
  const runDir = (id: string) => {
    const dir = path.join(dirs.runs, id);
    mkdirSync(dir);
    return dir;
  };
  return {
    sync, dirs, refreshes, reloads, stored, live, runDir,
    fullRefreshes: () => fullRefreshes,
    setOnReload: (f: typeof onReload) => (onReload = f),
    dispose: () => (sync.dispose(), rmSync(base, { recursive: true, force: true })),
  };
}

describe('disk sync', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('folds several changes within the window into one refresh of the changed rows', () => {
    const h = harness();
    const a = h.runDir('a');
    h.sync.notePath(path.join(a, 'events.jsonl'));
    h.sync.notePath(path.join(a, 'summary.json'));
    h.sync.noteStoreChange({ kind: 'run', runId: 'b' });
    h.sync.noteStoreChange({ kind: 'sweep', sweepId: '/s1' });
    h.sync.notePath(path.join(h.dirs.runs, '..', 'elsewhere.txt'));
    mock.timers.tick(SYNC_WINDOW_MS - 1);
    assert.equal(h.refreshes.length, 0, 'nothing before the window closes');
    mock.timers.tick(1);
    assert.equal(h.refreshes.length, 1, 'one refresh for the whole burst');
    assert.deepEqual([...h.refreshes[0].runs].sort(), ['a', 'b']);
    assert.deepEqual([...h.refreshes[0].sweeps], [['/s1', true]]);
    mock.timers.tick(SYNC_WINDOW_MS * 3);
    assert.equal(h.refreshes.length, 1, 'no refresh without a change');
    h.dispose();
  });

  it('a poll finds a folder the watcher never reported', () => {
    const h = harness();
    mock.timers.tick(POLL_MS + SYNC_WINDOW_MS);
    assert.equal(h.refreshes.length, 0, 'empty folders: nothing to redraw');
    h.runDir('cli-run');
    mock.timers.tick(POLL_MS);
    assert.equal(h.refreshes.length, 0, 'the poll found it; the refresh waits for the window');
    mock.timers.tick(SYNC_WINDOW_MS);
    assert.equal(h.refreshes.length, 1);
    assert.deepEqual([...h.refreshes[0].runs], ['cli-run']);
    mock.timers.tick(POLL_MS * 3);
    assert.equal(h.refreshes.length, 1, 'an unchanged folder is not reported again');
    h.dispose();
  });

  it('re-reads only folders the store shows and no trainer of this window feeds', () => {
    const h = harness();
    const [shown, liveRun, unshown] = ['shown', 'live', 'unshown'].map(h.runDir);
    h.stored.add('shown').add('live');
    h.live.add('live');
    for (const dir of [shown, liveRun, unshown]) h.sync.notePath(path.join(dir, 'events.jsonl'));
    mock.timers.tick(SYNC_WINDOW_MS);
    assert.deepEqual(h.reloads, [['run', shown]]);
    assert.deepEqual([...h.refreshes[0].runs].sort(), ['live', 'shown', 'unshown'], 'every changed row is redrawn');
    h.dispose();
  });

  it('store changes caused by a re-read join the same refresh', () => {
    const h = harness();
    const a = h.runDir('a');
    h.stored.add('a');
    h.setOnReload(() => h.sync.noteStoreChange({ kind: 'run', runId: 'a' }));
    h.sync.notePath(a);
    mock.timers.tick(SYNC_WINDOW_MS);
    // A timer set during a tick runs only on a later tick (the mock clock's rule): tick again.
    mock.timers.tick(SYNC_WINDOW_MS * 5);
    assert.equal(h.reloads.length, 1);
    assert.equal(h.refreshes.length, 1);
    h.dispose();
  });

  it('a folder that is gone redraws the whole tree', () => {
    const h = harness();
    h.sync.notePath(path.join(h.dirs.sweeps, 'deleted-sweep', 'events.jsonl'));
    mock.timers.tick(SYNC_WINDOW_MS);
    assert.equal(h.fullRefreshes(), 1);
    assert.equal(h.refreshes.length, 0);
    h.dispose();
  });

  it('dispose stops the poll and drops a pending refresh', () => {
    const h = harness();
    h.sync.noteStoreChange({ kind: 'run', runId: 'x' });
    h.dispose();
    mock.timers.tick(POLL_MS * 3);
    assert.equal(h.refreshes.length, 0);
  });
});
