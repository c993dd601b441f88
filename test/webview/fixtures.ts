// The recorded fixtures as host messages: a run and a sweep replayed through the host's own RunStore,
// so the snapshots the panel tests receive are exactly what the extension would send.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RunStore } from '../../src/extension/runStore';
import type { HostToPanel } from '../../src/protocol/panelMessages';
import { RunEvent } from '../../src/protocol/runEvents';
import { SweepEvent } from '../../src/protocol/sweepEvents';
import { upgradeRunEvent } from '../../src/store/olderRecordings';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

const lines = (file: string) => readFileSync(path.join(FIXTURES, file), 'utf8').split('\n').filter((l) => l.trim());

// Through the store's upgrade, as the host reads a folder: the fixture predates per-head attention mass.
export const runEvents = (): RunEvent[] => lines('parity-T16.events.jsonl').map((l) => upgradeRunEvent(RunEvent.parse(JSON.parse(l))));
export const sweepEvents = (): SweepEvent[] => lines('and-sweep.events.jsonl').map((l) => SweepEvent.parse(JSON.parse(l)));

export const RUN_LABEL = 'parity-T16 (seed 0)';
export const SWEEP_ID = 'and-sweep-20261124';

export function runId(events = runEvents()): string {
  const started = events.find((e) => e.type === 'started');
  if (!started || started.type !== 'started') throw new Error('fixture has no started event');
  return started.runId;
}

/** The host's snapshot after the first `count` events of the run. */
export function runSnapshot(events: RunEvent[], count: number): HostToPanel {
  const store = new RunStore();
  const id = runId(events);
  for (const e of events.slice(0, count)) store.applyRunEvent(id, RUN_LABEL, e);
  return { type: 'snapshot', runs: store.allRuns(), sweeps: [], focus: id };
}

export const runEventMessages = (id: string, events: RunEvent[]): HostToPanel[] => events.map((event) => ({ type: 'run-event', runId: id, label: RUN_LABEL, event }));

/** The host's snapshot after the whole sweep. */
export function sweepSnapshot(events = sweepEvents()): HostToPanel {
  const store = new RunStore();
  for (const e of events) store.applySweepEvent(SWEEP_ID, 'and-sweep', e);
  return { type: 'snapshot', runs: [], sweeps: store.allSweeps(), focus: SWEEP_ID };
}

export const sweepEventMessages = (events = sweepEvents()): HostToPanel[] => events.map((event) => ({ type: 'sweep-event', sweepId: SWEEP_ID, event }));
