// The one fold of events into views, as both the host's RunStore and the webview's model use it:
// the same events give the same view on both sides, and what a snapshot carries survives it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunStore } from '../../src/extension/runStore';
import { HostToPanel } from '../../src/protocol/panelMessages';
import { foldSweepEvent, newSweepView } from '../../src/protocol/viewFold';
import { applyMessage, emptyModel } from '../../webview/results/state';
import { RUN_LABEL, runEventMessages, runEvents, runId, sweepEventMessages, sweepEvents } from '../webview/fixtures';

/** The host's view after the events, and the webview's after the same events sent live. */
function bothSides() {
  const store = new RunStore();
  const model = emptyModel();
  const rEvents = runEvents();
  const id = runId(rEvents);
  for (const e of rEvents) store.applyRunEvent(id, RUN_LABEL, e);
  for (const m of runEventMessages(id, rEvents)) applyMessage(model, m);
  for (const e of sweepEvents()) store.applySweepEvent('S', 'and-sweep', e);
  for (const m of sweepEventMessages()) applyMessage(model, { ...m, sweepId: 'S' } as HostToPanel);
  return { store, model, id };
}

describe('event fold (host and webview)', () => {
  it('gives the same run and sweep views from the same events on both sides', () => {
    const { store, model } = bothSides();
    assert.deepEqual(model.runs, store.allRuns());
    assert.deepEqual(model.sweeps, store.allSweeps());
    assert.equal(model.sweeps[0].successRate, 0.67);
    assert.equal(model.sweeps[0].status, 'completed');
  });

  it('a snapshot of the host view, validated and applied, is the same view again', () => {
    const { store, model } = bothSides();
    const snapshot = HostToPanel.parse({ type: 'snapshot', runs: store.allRuns(), sweeps: store.allSweeps() });
    const fresh = emptyModel();
    applyMessage(fresh, snapshot);
    assert.deepEqual(fresh.runs, model.runs);
    assert.deepEqual(fresh.sweeps, model.sweeps);
  });

  it('a failed run keeps its reason through the next snapshot', () => {
    const store = new RunStore();
    store.applyRunEvent('r', 'r', { type: 'failed', message: 'out of memory at step 12' });
    const model = emptyModel();
    applyMessage(model, HostToPanel.parse({ type: 'snapshot', runs: store.allRuns(), sweeps: [] }));
    assert.equal(model.runs[0].status, 'failed');
    assert.equal(model.runs[0].failure, 'out of memory at step 12');
  });

  it('metrics repeated by a live event after a snapshot are replaced, not appended, on both sides', () => {
    const events = runEvents();
    const id = runId(events);
    const store = new RunStore();
    for (const e of [...events, ...events.slice(1, 5)]) store.applyRunEvent(id, RUN_LABEL, e);
    assert.deepEqual(store.run(id)!.metrics.map((m) => m.step), [0, 100, 200, 300, 400, 500, 600, 700, 800]);
  });

  it('an m* for a variant the sweep has not announced creates it on both sides', () => {
    const point = sweepEvents().find((e) => e.type === 'mstar-updated')!;
    assert.ok(point.type === 'mstar-updated');
    const store = new RunStore();
    store.applySweepEvent('S', 'S', { ...point, variant: 'other' });
    const model = emptyModel();
    applyMessage(model, { type: 'sweep-event', sweepId: 'S', event: { ...point, variant: 'other' } });
    assert.deepEqual(store.sweep('S')!.variants.map((v) => v.label), ['other']);
    assert.deepEqual(model.sweeps[0].variants, store.sweep('S')!.variants);
  });
});

describe('event fold: sweeps over a queue', () => {
  it('queue-status shows the workers connected, on both sides and through a snapshot', () => {
    const store = new RunStore();
    const model = emptyModel();
    const e = { type: 'queue-status' as const, workers: 3, hosts: ['gpu-a', 'gpu-b'] };
    store.applySweepEvent('S', 'S', e);
    applyMessage(model, { type: 'sweep-event', sweepId: 'S', event: e });
    assert.deepEqual(model.sweeps[0].queue, { workers: 3, hosts: ['gpu-a', 'gpu-b'] });
    const fresh = emptyModel();
    applyMessage(fresh, HostToPanel.parse({ type: 'snapshot', runs: [], sweeps: store.allSweeps() }));
    assert.deepEqual(fresh.sweeps[0].queue, model.sweeps[0].queue);
  });
});

describe('event fold: running cells', () => {
  it('cell-started marks the cell as running (once), cell-finished and the summary clear it', () => {
    const sweep = newSweepView('S', 'S');
    const started = { type: 'cell-started' as const, variant: 'base', T: 16, m: 32 };
    foldSweepEvent(sweep, started);
    assert.deepEqual(sweep.active, [{ variant: 'base', T: 16, m: 32 }]);
    foldSweepEvent(sweep, started);
    foldSweepEvent(sweep, { ...started, m: 64 });
    assert.deepEqual(sweep.active, [{ variant: 'base', T: 16, m: 32 }, { variant: 'base', T: 16, m: 64 }], 'a repeated start is not a second cell');
    foldSweepEvent(sweep, { type: 'cell-finished', variant: 'base', T: 16, m: 32, successes: 2, trials: 3, failedRuns: 0, reused: 0, status: 'passed', runsDone: 3, plannedRuns: 9 });
    assert.deepEqual(sweep.active, [{ variant: 'base', T: 16, m: 64 }]);
    const summary = sweepEvents().find((e) => e.type === 'sweep-summary')!;
    foldSweepEvent(sweep, summary);
    assert.deepEqual(sweep.active, []);
  });
});
