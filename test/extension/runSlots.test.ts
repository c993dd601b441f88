import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunSlots, slotCount } from '../../src/extension/runSlots';

/** A fake trainer: records that it started and whether it was asked to stop; `exit()` ends it. */
interface FakeHandle {
  name: string;
  stopped: boolean;
  stop(): void;
  done: Promise<void>;
  exit(): void;
}

function harness(limit: number | (() => number)) {
  const started: string[] = [];
  const handles = new Map<string, FakeHandle>();
  let changes = 0;
  const slots = new RunSlots<FakeHandle>(typeof limit === 'number' ? () => limit : limit, () => changes++);
  const job = (name: string) => ({
    start(): FakeHandle {
      started.push(name);
      let exit!: () => void;
      const done = new Promise<void>((resolve) => (exit = resolve));
      // Like the trainer: a stop request makes the process exit (cancelled).
      const h: FakeHandle = { name, stopped: false, done, exit, stop: () => ((h.stopped = true), exit()) };
      handles.set(name, h);
      return h;
    },
  });
  const add = (name: string) => slots.add(job(name));
  const tick = () => new Promise((r) => setImmediate(r));
  return { slots, started, handles, add, tick, changes: () => changes };
}

describe('run slots', () => {
  it('starts at most `limit` jobs and lines up the rest in order', async () => {
    const h = harness(2);
    const ids = ['a', 'b', 'c', 'd'].map(h.add);
    assert.deepEqual(h.started, ['a', 'b']);
    assert.deepEqual(h.slots.waiting().map((e) => e.id), [ids[2], ids[3]]);
    assert.equal(h.slots.position(ids[3]), 2);
    assert.equal(h.slots.position(ids[0]), undefined, 'a running entry is not waiting');
    h.handles.get('b')!.exit();
    await h.tick();
    assert.deepEqual(h.started, ['a', 'b', 'c'], 'the oldest waiting job takes the free slot');
    h.handles.get('a')!.exit();
    await h.tick();
    assert.deepEqual(h.started, ['a', 'b', 'c', 'd']);
    assert.equal(h.slots.running().length, 2);
    h.handles.get('c')!.exit();
    h.handles.get('d')!.exit();
    await h.tick();
    assert.equal(h.slots.entries().length, 0);
    assert.ok(h.changes() > 0);
  });

  it('cancelling a waiting job removes it without ever starting it', async () => {
    const h = harness(1);
    h.add('a');
    const b = h.add('b');
    h.add('c');
    assert.equal(h.slots.cancel(b), true);
    assert.equal(h.slots.waiting().length, 1);
    assert.equal(h.slots.entries().some((e) => e.id === b), false);
    h.handles.get('a')!.exit();
    await h.tick();
    h.handles.get('c')!.exit();
    await h.tick();
    assert.deepEqual(h.started, ['a', 'c'], 'b never started');
    assert.equal(h.handles.get('a')!.stopped, false, 'cancelling b left a alone');
    assert.equal(h.slots.cancel(b), false, 'already gone');
  });

  it('cancelling a running job stops only it, and its freed slot goes to the next in line', async () => {
    const h = harness(1);
    const a = h.add('a');
    h.add('b');
    assert.deepEqual(h.started, ['a']);
    assert.equal(h.slots.cancel(a), true);
    assert.equal(h.handles.get('a')!.stopped, true);
    await h.tick();
    assert.deepEqual(h.started, ['a', 'b']);
    assert.equal(h.handles.get('b')!.stopped, false);
    assert.deepEqual(h.slots.running().map((e) => e.handle?.name), ['b']);
  });

  it('a running job keeps its slot until its process has exited', async () => {
    const h = harness(1);
    h.add('slow');
    h.add('next');
    // A stop request that the process takes a while to honour.
    h.handles.get('slow')!.stop = () => {
      h.handles.get('slow')!.stopped = true;
    };
    h.slots.cancel(h.slots.running()[0].id);
    await h.tick();
    assert.deepEqual(h.started, ['slow'], 'no second trainer while the first still runs');
    h.handles.get('slow')!.exit();
    await h.tick();
    assert.deepEqual(h.started, ['slow', 'next']);
  });

  it('Stop All drops every waiting job and stops every running one', async () => {
    const h = harness(2);
    ['a', 'b', 'c', 'd'].forEach(h.add);
    h.slots.stopAll();
    assert.equal(h.slots.waiting().length, 0);
    assert.ok(h.handles.get('a')!.stopped && h.handles.get('b')!.stopped);
    await h.tick();
    assert.deepEqual(h.started, ['a', 'b'], 'c and d never started');
    assert.equal(h.slots.entries().length, 0);
  });

  it('reads the limit at each start: a raised limit applies to the next start', async () => {
    let limit = 1;
    const h = harness(() => limit);
    ['a', 'b', 'c'].forEach(h.add);
    assert.deepEqual(h.started, ['a']);
    limit = 3;
    h.add('d');
    assert.deepEqual(h.started, ['a', 'b', 'c'], 'the next add fills the two new slots, oldest first');
    assert.equal(h.slots.waiting().length, 1);
  });

  it('reschedule() applies a raised limit to the waiting jobs at once; a lowered one stops nothing', () => {
    let limit = 1;
    const h = harness(() => limit);
    ['a', 'b', 'c'].forEach(h.add);
    limit = 2;
    h.slots.reschedule();
    assert.deepEqual(h.started, ['a', 'b']);
    limit = 1;
    h.slots.reschedule();
    assert.equal(h.slots.running().length, 2, 'running jobs keep going');
    assert.ok(!h.handles.get('a')!.stopped && !h.handles.get('b')!.stopped);
  });

  it('a job whose start throws is reported and the next one starts', () => {
    const errors: string[] = [];
    const started: string[] = [];
    const slots = new RunSlots<{ stop(): void; done: Promise<void> }>(() => 1, undefined, (_job, err) => errors.push((err as Error).message));
    slots.add({ start: () => { throw new Error('no node'); } });
    slots.add({ start: () => (started.push('ok'), { stop() {}, done: new Promise<void>(() => {}) }) });
    assert.deepEqual(errors, ['no node']);
    assert.deepEqual(started, ['ok']);
    assert.equal(slots.running().length, 1);
  });

  it('the setting 0 means half the cores, at least one', () => {
    assert.equal(slotCount(0, 8), 4);
    assert.equal(slotCount(0, 1), 1);
    assert.equal(slotCount(undefined, 3), 1);
    assert.equal(slotCount(null, 16), 8);
    assert.equal(slotCount(3, 16), 3);
    assert.equal(slotCount(-2, 4), 2);
  });
});
