// The results panel's logic without a browser: the view model built from a snapshot and events,
// message validation, the redraw scheduler, selection and slider choices, heatmap geometry, exports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunStore } from '../../src/extension/runStore';
import type { HostToPanel } from '../../src/protocol/panelMessages';
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { attentionCsv, cellsCsv, curveCsv, fileStem, logisticNote, mStarCsv, toCsv } from '../../webview/results/exportData';
import { hitTest, layoutHeatmaps, poolToPixels, pooledIndex } from '../../webview/results/heatmapLayout';
import { parseHostMessage } from '../../webview/results/messages';
import { RenderScheduler, type SchedulerClock } from '../../webview/results/renderScheduler';
import { pickSelection, readUiState, sliderChoiceAt, snapshotIndex, withTableRuns } from '../../webview/results/selection';
import { applyMessage, digest, emptyModel } from '../../webview/results/state';
import { RUN_LABEL, runEventMessages, runEvents, runId, runSnapshot, sweepEventMessages, sweepEvents, sweepSnapshot } from './fixtures';

const parseOk = (raw: unknown): HostToPanel => {
  const p = parseHostMessage(raw);
  assert.ok(p.ok, p.ok ? '' : p.problem);
  return p.message;
};

describe('results panel view model', () => {
  it('renders from a snapshot, then applies live run events on top', () => {
    const events = runEvents();
    const id = runId(events);
    const model = emptyModel();
    assert.deepEqual(applyMessage(model, parseOk(runSnapshot(events, 5))), { kind: 'snapshot' });
    assert.equal(model.focus, id);
    assert.equal(digest(model), `runs[${id}:running:2:2] sweeps[]`);
    const changes = runEventMessages(id, events.slice(5)).map((m) => applyMessage(model, parseOk(m)));
    assert.deepEqual(
      changes.map((c) => (c.kind === 'run' ? c.part : c.kind)),
      events.slice(5).map((e) => (e.type === 'started' || e.type === 'finished' || e.type === 'failed' ? 'info' : e.type)),
    );
    const run = model.runs[0];
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(
      run.metrics.map((m) => m.step),
      [0, 100, 200, 300, 400, 500, 600, 700, 800],
    );
    assert.equal(run.attention.at(-1)?.step, 800);
    assert.equal(run.summary?.testAccuracy, 1);
  });

  it('does not duplicate an event a snapshot already held (same step replaces)', () => {
    const events = runEvents();
    const id = runId(events);
    const model = emptyModel();
    applyMessage(model, parseOk(runSnapshot(events, events.length)));
    const before = digest(model);
    for (const m of runEventMessages(id, events.slice(1, 7))) applyMessage(model, parseOk(m));
    assert.equal(digest(model), before);
  });

  it('creates a run it has not seen from its first event, and records why a run failed', () => {
    const model = emptyModel();
    const change = applyMessage(model, parseOk({ type: 'run-event', runId: 'r1', label: 'first', event: { type: 'failed', message: 'out of memory' } }));
    assert.deepEqual(change, { kind: 'run', runId: 'r1', added: true, part: 'info' });
    assert.equal(model.runs[0].label, 'first');
    assert.equal(model.runs[0].status, 'failed');
    assert.equal(model.runs[0].failure, 'out of memory');
  });

  it('keeps at most 50 attention snapshots for the slider, first and newest included', () => {
    const model = emptyModel();
    const attention = (step: number): AttentionEvent => ({ type: 'attention', step, n: 3, relevant: [0], layers: [{ heads: [{ cls: [0.2, 0.5, 0.3], size: 3, cells: Array(9).fill(1 / 3) }] }] });
    for (let s = 0; s < 200; s++) applyMessage(model, { type: 'run-event', runId: 'r', label: 'r', event: attention(s * 10) });
    const steps = model.runs[0].attention.map((a) => a.step);
    assert.ok(steps.length <= 50 && steps.length >= 25, `${steps.length} kept`);
    assert.equal(steps[0], 0);
    assert.equal(steps.at(-1), 1990);
  });

  it('builds the same sweep from live events as the host does (RunStore)', () => {
    const events = sweepEvents();
    const model = emptyModel();
    for (const m of sweepEventMessages(events)) applyMessage(model, parseOk(m));
    const host = sweepSnapshot(events);
    assert.ok(host.type === 'snapshot');
    const sweep = model.sweeps[0];
    const hostSweep = host.sweeps[0];
    assert.equal(sweep.name, 'and-sweep');
    assert.equal(sweep.status, 'completed');
    assert.equal(sweep.runsDone, hostSweep.runsDone);
    assert.deepEqual(sweep.variants, hostSweep.variants);
    assert.deepEqual(sweep.active, [], 'no cell is still running once the summary arrived');
    assert.equal(sweep.successRate, 0.67, 'the sweep-started event carries the success rate');
    assert.match(sweep.variants[0].protocol, /^and of s = 3 bits; Transformer, 1 layer, 4 heads/);
  });

  it('tracks the cells in progress while a sweep runs', () => {
    const events = sweepEvents();
    const model = emptyModel();
    for (const m of sweepEventMessages(events.slice(0, 11))) applyMessage(model, parseOk(m));
    const sweep = model.sweeps[0];
    assert.deepEqual(sweep.variants.map((v) => v.label), ['transformer', 'mlp']);
    assert.equal(sweep.active.length, 7, '8 started, 1 finished');
    assert.equal(sweep.runsDone, 4);
    assert.equal(sweep.variants[0].points.length, 1);
  });

  it('every cell carries the status the sweep computed, consistent with its m*', () => {
    const model = emptyModel();
    applyMessage(model, parseOk(sweepSnapshot()));
    for (const v of model.sweeps[0].variants) {
      for (const p of v.points) {
        if (p.status !== 'found') continue;
        assert.equal(p.cells.find((c) => c.m === p.mStar)?.status, 'passed', `${v.label} T=${p.T}`);
        for (const c of p.cells.filter((c) => c.m < p.mStar!)) assert.notEqual(c.status, 'passed', `${v.label} T=${p.T} m=${c.m}`);
        for (const c of p.cells) assert.ok(c.wilson[0] <= c.successes / c.trials && c.successes / c.trials <= c.wilson[1]);
      }
    }
  });
});

describe('results panel message validation', () => {
  it('accepts every message the host sends for the fixtures', () => {
    const events = runEvents();
    for (const m of [runSnapshot(events, 4), ...runEventMessages(runId(events), events), sweepSnapshot(), ...sweepEventMessages()]) parseOk(m);
  });

  it('rejects malformed messages with a one-line reason, without touching the model', () => {
    const model = emptyModel();
    applyMessage(model, parseOk(runSnapshot(runEvents(), 6)));
    const before = digest(model);
    const bad: unknown[] = [
      { type: 'run-event', runId: 3 },
      { type: 'run-event', runId: 'r', label: 'l', event: { type: 'metrics', step: 1.5 } },
      { type: 'sweep-event', sweepId: 's', event: { type: 'mstar-updated', variant: 'v', point: { T: 10 } } },
      { type: 'snapshot', runs: [{}], sweeps: [] },
      { type: 'launch-missiles' },
      null,
      'snapshot',
      42,
    ];
    for (const raw of bad) {
      const p = parseHostMessage(raw);
      assert.equal(p.ok, false, JSON.stringify(raw));
      if (!p.ok) {
        assert.ok(!p.problem.includes('\n'));
        assert.ok(p.problem.length < 400);
      }
    }
    const first = parseHostMessage(bad[0]);
    assert.ok(!first.ok && /"run-event"/.test(first.problem) && /runId/.test(first.problem));
    assert.equal(digest(model), before);
  });
});

/** A clock the test advances by hand. */
function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const frames: (() => void)[] = [];
  const clock: SchedulerClock = {
    now: () => now,
    setTimer: (fn, ms) => void timers.push({ at: now + ms, fn }),
    frame: (fn) => void frames.push(fn),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > end) break;
      timers.shift();
      now = next.at;
      next.fn();
      // A frame follows within ~16 ms.
      now += 16;
      while (frames.length) frames.shift()!();
    }
    now = Math.max(now, end);
    while (frames.length) frames.shift()!();
  };
  return { clock, advance, frames };
}

describe('render scheduler', () => {
  it('coalesces a burst into one redraw and keeps redraws at least the interval apart', () => {
    const { clock, advance } = fakeClock();
    const renders: string[][] = [];
    const s = new RenderScheduler<string>(250, (parts) => renders.push([...parts].sort()), clock);
    for (let i = 0; i < 100; i++) s.request(i % 2 ? ['curves'] : ['attention']);
    advance(1);
    assert.deepEqual(renders, [['attention', 'curves']]);
    // Events every 10 ms for 2 s: at most one redraw per 250 ms.
    for (let t = 0; t < 2000; t += 10) {
      s.request(['curves']);
      advance(10);
    }
    advance(300);
    assert.ok(renders.length - 1 <= 2000 / 250 + 1, `${renders.length - 1} redraws`);
    assert.ok(renders.length - 1 >= 6);
    assert.equal(s.pending(), false);
  });

  it('draws user input on the next frame without waiting, and drops the superseded timer', () => {
    const { clock, advance, frames } = fakeClock();
    let count = 0;
    const s = new RenderScheduler<string>(250, () => count++, clock);
    s.request(['curves']);
    advance(1);
    assert.equal(count, 1);
    s.request(['curves']); // waits for the interval
    s.request(['attention'], true); // the slider moved: next frame
    assert.equal(frames.length, 1);
    frames.shift()!();
    assert.equal(count, 2, 'drawn at once, curves included');
    advance(500);
    assert.equal(count, 2, 'the stale timer draws nothing more');
  });

  it('flush() draws what is pending synchronously', () => {
    const { clock } = fakeClock();
    const drawn: string[] = [];
    const s = new RenderScheduler<string>(250, (p) => drawn.push(...p), clock);
    s.request(['sweep']);
    s.flush();
    assert.deepEqual(drawn, ['sweep']);
    assert.equal(s.renders, 1);
    s.flush();
    assert.equal(s.renders, 1, 'nothing pending, nothing drawn');
  });
});

describe('selection and slider', () => {
  const model = emptyModel();
  applyMessage(model, {
    type: 'snapshot',
    runs: [
      { runId: 'a', label: 'A', status: 'succeeded', metrics: [], attention: [] },
      { runId: 'b', label: 'B', status: 'running', metrics: [], attention: [] },
      { runId: 'c', label: 'C', status: 'failed', metrics: [], attention: [] },
    ],
    sweeps: [{ sweepId: 's', name: 'S', status: 'completed', runsDone: 1, plannedRuns: 1, successRate: 0.67, variants: [], active: [] }],
  });

  it('prefers the host focus, then the user choice, then a running run', () => {
    assert.equal(pickSelection(model, 'run:a', 's'), 'sweep:s');
    assert.equal(pickSelection(model, 'run:a', 'nope'), 'run:a');
    assert.equal(pickSelection(model, 'run:gone'), 'run:b');
    assert.equal(pickSelection(emptyModel(), 'run:a'), undefined);
  });

  it('keeps the runs table while there are two runs to compare, like the picker', () => {
    assert.equal(pickSelection(model, 'table'), 'table');
    const one = emptyModel();
    applyMessage(one, { type: 'snapshot', runs: [{ runId: 'a', label: 'A', status: 'succeeded', metrics: [], attention: [] }], sweeps: [] });
    assert.equal(pickSelection(one, 'table'), 'run:a');
  });

  it('maps slider choices to snapshots, following the newest unless the user moved away', () => {
    const steps = [0, 100, 200, 400];
    assert.equal(snapshotIndex(steps, 'latest'), 3);
    assert.equal(snapshotIndex(steps, { step: 100 }), 1);
    assert.equal(snapshotIndex(steps, { step: 300 }), 2, 'a thinned-out step falls to the nearest kept');
    assert.equal(snapshotIndex([], 'latest'), -1);
    assert.equal(sliderChoiceAt(steps, 3), 'latest');
    assert.deepEqual(sliderChoiceAt(steps, 1), { step: 100 });
  });

  it('reads back saved UI state and drops what it does not understand', () => {
    assert.deepEqual(readUiState({ selected: 'run:a', sliders: { a: 'latest', b: { step: 5 }, c: 'x' }, hiddenRuns: ['a', 3], lastFocus: 'a' }), {
      selected: 'run:a',
      lastFocus: 'a',
      sliders: { a: 'latest', b: { step: 5 } },
      hiddenRuns: ['a'],
      table: { filter: '', selected: [] },
      curveMode: 'runs',
    });
    assert.deepEqual(readUiState('garbage'), { sliders: {}, hiddenRuns: [], table: { filter: '', selected: [] }, curveMode: 'runs' });
    assert.equal(readUiState({ selected: 'file:/etc' }).selected, undefined);
    // The runs table's sort, filter and ticks, and the curve mode, survive; malformed parts are dropped.
    const table = readUiState({ selected: 'table', curveMode: 'bands', table: { sort: { key: 'testAccuracy', direction: 'desc' }, filter: 'lr', selected: ['a', 1] } });
    assert.equal(table.selected, 'table');
    assert.equal(table.curveMode, 'bands');
    assert.deepEqual(table.table, { sort: { key: 'testAccuracy', direction: 'desc' }, filter: 'lr', selected: ['a'] });
    assert.deepEqual(readUiState({ curveMode: 'other', table: { sort: { key: 'x', direction: 'up' } } }).table, { filter: '', selected: [] });
    assert.equal(readUiState({ curveMode: 'other' }).curveMode, 'runs');
  });

  it('saves the runs the table lists while it is shown, so a window reload can read them back', () => {
    const model = emptyModel();
    model.runs = ['a', 'b'].map((runId) => ({ runId, label: runId, status: 'succeeded' as const, metrics: [], attention: [] }));
    const table = readUiState({ selected: 'table' });
    assert.deepEqual(withTableRuns(table, model).tableRuns, ['a', 'b']);
    // Between a reload and the first snapshot the panel holds no runs: keep the saved list.
    const reloaded = readUiState({ selected: 'table', tableRuns: ['a', 'b', 3] });
    assert.deepEqual(reloaded.tableRuns, ['a', 'b']);
    assert.deepEqual(withTableRuns(reloaded, emptyModel()).tableRuns, ['a', 'b']);
    // Another view: no list (nothing to restore but that view).
    assert.equal('tableRuns' in withTableRuns({ ...reloaded, selected: 'run:a' }, model), false);
  });
});

describe('heatmap geometry', () => {
  it('max-pools a long [CLS] row so one sharp position survives 1024 → 200 pixels', () => {
    const row = new Array(1024).fill(0.0001);
    row[777] = 0.9;
    const px = poolToPixels(row, 200);
    assert.equal(px.length, 200);
    const peak = Math.max(...px);
    assert.ok(Math.abs(peak - 0.9) < 1e-6);
    assert.equal([...px].filter((v) => v > 0.5).length, 1);
    assert.equal(px.indexOf(peak), Math.floor((777 * 200) / 1024));
    assert.deepEqual([...poolToPixels([1, 2, 3], 6)], [1, 1, 2, 2, 3, 3], 'fewer values than pixels repeat');
  });

  it('lays tiles out without overlap, inside the width, one row of heads per layer when it fits', () => {
    const layout = layoutHeatmaps(1000, 2, 4);
    assert.equal(layout.tiles.length, 8);
    for (const t of layout.tiles) assert.ok(t.map.x + t.map.w <= layout.width && t.strip.y > t.map.y + t.map.h && t.markers.y >= t.strip.y + t.strip.h);
    assert.equal(new Set(layout.tiles.map((t) => t.map.y)).size, 2);
    const narrow = layoutHeatmaps(300, 1, 4);
    assert.ok(narrow.tiles.every((t) => t.map.x + t.map.w <= narrow.width));
    assert.ok(new Set(narrow.tiles.map((t) => t.map.y)).size > 1, 'heads wrap on a narrow panel');
  });

  it('finds the hovered position and maps tokens to pooled cells', () => {
    const layout = layoutHeatmaps(800, 1, 2);
    const s = layout.tiles[1].strip;
    const hit = hitTest(layout, s.x + s.w * 0.55, s.y + 2, 16, 17);
    assert.ok(hit && hit.kind === 'strip' && hit.tile.head === 1 && hit.position === 8);
    assert.equal(pooledIndex(0, 1025, 64), 0);
    assert.equal(pooledIndex(1024, 1025, 64), 63);
    assert.equal(pooledIndex(6, 17, 17), 6);
  });
});

describe('exports and the m*(T) fit', () => {
  it('writes RFC 4180 CSV', () => {
    assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [null, 1]]), 'a,b\n"x,y","say ""hi"""\n,1\n');
    assert.equal(fileStem('parity T16 (seed 0)'), 'parity-T16-seed-0');
  });

  it('exports curves, attention and sweep data', () => {
    const events = runEvents();
    const model = emptyModel();
    applyMessage(model, parseOk(runSnapshot(events, events.length)));
    const csv = curveCsv(model.runs, 'testAccuracy').trim().split('\n');
    assert.equal(csv.length, 10);
    assert.equal(csv[9], `${runId(events)},${RUN_LABEL},800,1`);
    const att = attentionCsv(model.runs[0].attention.at(-1)!).trim().split('\n');
    assert.equal(att.length, 1 + 4 * 17);
    assert.equal(att.filter((l) => l.split(',')[4] === 'true').length, 4 * 3, 'three relevant bits per head');
    applyMessage(model, parseOk(sweepSnapshot()));
    assert.match(mStarCsv(model.sweeps[0]), /^variant,T,status,mStar,intervalLow,intervalHigh,logisticMStar,logisticMStarNote\ntransformer,10,found,16,11,16,15\.4/);
    // A blank logistic m* always says why (core's reason), never an empty field with no note.
    const rows = mStarCsv(model.sweeps[0]).trim().split('\n').slice(1).map((r) => r.split(','));
    for (const r of rows) assert.ok(r[6] !== '' || r.slice(7).join(',').length > 0, `row ${r.join(',')} has a blank logisticMStar without a note`);
    assert.match(cellsCsv(model.sweeps[0]), /\ntransformer,10,16,2,3,0,passed,0\.2\d+,0\.9\d+\n/);
  });

  it('says why a logistic m* is blank', () => {
    assert.equal(logisticNote({ identified: true, mStar: 20, interval: [15, 25], slope: 3 }), '');
    assert.equal(logisticNote({ identified: false, reason: 'every run reached the target at every size' }), 'not identified: every run reached the target at every size');
    assert.match(logisticNote(undefined), /not computed/);
  });

});
