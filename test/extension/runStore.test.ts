import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RunEvent } from '../../src/protocol/runEvents';
import { SweepEvent } from '../../src/protocol/sweepEvents';
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { MAX_SNAPSHOTS, RunStore, thinSnapshots } from '../../src/extension/runStore';

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '../fixtures', name), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('run store', () => {
  it('builds a run view from a recorded event stream', () => {
    const store = new RunStore();
    const changes: string[] = [];
    store.onChange((c) => changes.push(c.kind));
    for (const raw of fixture('parity-T16.events.jsonl')) store.applyRunEvent('r1', 'parity', RunEvent.parse(raw));
    const run = store.run('r1')!;
    assert.equal(run.status, 'succeeded');
    assert.ok(run.started);
    assert.equal(run.metrics.at(-1)!.testAccuracy, 1);
    assert.ok(run.attention.length > 0 && run.attention.length <= MAX_SNAPSHOTS);
    assert.equal(run.summary?.status, 'succeeded');
    assert.equal(changes.length, fixture('parity-T16.events.jsonl').length);
    assert.equal(store.runningCount(), 0);
  });

  it('marks a run whose trainer died without a final event', () => {
    const store = new RunStore();
    const [started] = fixture('parity-T16.events.jsonl');
    store.applyRunEvent('r2', 'x', RunEvent.parse(started));
    assert.equal(store.runningCount(), 1);
    store.markRunEnded('r2', 'failed');
    assert.equal(store.run('r2')!.status, 'failed');
    store.markRunEnded('r2', 'cancelled'); // only a running run changes
    assert.equal(store.run('r2')!.status, 'failed');
  });

  it('builds a sweep view: live m* per T, then the summary', () => {
    const store = new RunStore();
    const events = fixture('and-sweep.events.jsonl').map((e) => SweepEvent.parse(e));
    const mid = events.findIndex((e) => e.type === 'fit-updated');
    events.slice(0, mid + 1).forEach((e) => store.applySweepEvent('s', 'and', e));
    const live = store.sweep('s')!;
    assert.equal(live.status, 'running');
    assert.ok(live.runsDone > 0 && live.plannedRuns >= live.runsDone);
    assert.ok(live.variants.some((v) => v.fits !== null));
    events.slice(mid + 1).forEach((e) => store.applySweepEvent('s', 'and', e));
    const done = store.sweep('s')!;
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.variants.map((v) => v.label), ['transformer', 'mlp']);
    assert.equal(done.variants[0].points.length, 4);
  });

  it('thins attention snapshots evenly, keeping the first and the newest', () => {
    const list = Array.from({ length: 120 }, (_, i) => ({ type: 'attention' as const, step: i, n: 2, relevant: [], layers: [] }));
    const kept = thinSnapshots(list);
    assert.ok(kept.length <= MAX_SNAPSHOTS);
    assert.equal(kept[0].step, 0);
    assert.equal(kept.at(-1)!.step, 119);
    for (let i = 1; i < kept.length; i++) assert.ok(kept[i].step > kept[i - 1].step);
  });

  it('keeps the same snapshots live and after a reload: 51 evaluations folded one by one, or all at once', () => {
    const events: AttentionEvent[] = Array.from({ length: 51 }, (_, i) => ({ type: 'attention' as const, step: i * 100, n: 2, relevant: [], layers: [] }));
    // Live: the panel folds each event as it arrives (thinning whenever the list overflows).
    let live: AttentionEvent[] = [];
    for (const e of events) live = thinSnapshots([...live, e], 100);
    // After a reload: the host's snapshot of a prefix, then the rest live — and a plain replay.
    let mixed = thinSnapshots(events.slice(0, 37), 100);
    for (const e of events.slice(37)) mixed = thinSnapshots([...mixed, e], 100);
    const replay = thinSnapshots(events, 100);
    const steps = (l: AttentionEvent[]) => l.map((e) => e.step);
    assert.deepEqual(steps(live), steps(replay));
    assert.deepEqual(steps(mixed), steps(replay));
    assert.equal(replay.length, 26, 'every 200 steps from 0 to 5000');
    assert.equal(replay.at(-1)!.step, 5000);
  });
});
