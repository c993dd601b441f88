// The run and sweep folders as written and read back: what the trainer writes is what the readers
// return; a torn last line (a process killed mid-write) costs that line only; an old recording's
// attention events come back with each head's mass on the relevant positions filled in.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type AttentionEvent, RunEvent } from '../../src/protocol/runEvents';
import { SweepEvent } from '../../src/protocol/sweepEvents';
import { upgradeRunEvent, withHeadMass } from '../../src/store/olderRecordings';
import { RUN_FILES, RunFiles, readEvents, readSummary, runFolderStatus } from '../../src/store/runFolder';
import { SWEEP_FILES, SweepFiles, readSweepEvents, readSweepSummary, sweepFolderStatus, sweepRunsDir } from '../../src/store/sweepFolder';
import { readTrainerRecord, trainerAlive } from '../../src/store/trainerRecord';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8').trim().split('\n');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'sa-store-'));
const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never a live process

describe('run folder', () => {
  it('reads back what RunFiles wrote: spec, events, summary, and a live writer', () => {
    const out = tmp();
    const files = new RunFiles(out, 'parity-s0-20261128T120000Z-abcd');
    const events = fixture('parity-T16.events.jsonl').map((l) => RunEvent.parse(JSON.parse(l)));
    files.create({ name: 'parity' }, { experimentFile: 'p.experiment.json' });
    assert.equal(runFolderStatus(files.dir), 'running');
    for (const e of events.slice(0, 5)) files.append(e);
    const finished = events.find((e) => e.type === 'finished')!;
    files.writeSummary(finished.summary);
    assert.deepEqual(JSON.parse(readFileSync(path.join(files.dir, RUN_FILES.experiment), 'utf8')), { name: 'parity' });
    assert.deepEqual(readEvents(files.dir), events.slice(0, 5).map(upgradeRunEvent));
    assert.deepEqual(readSummary(files.dir), finished.summary);
    assert.equal(runFolderStatus(files.dir), 'finished');
    assert.deepEqual(readTrainerRecord(files.dir), { pid: process.pid, hostname: hostname(), experimentFile: path.resolve('p.experiment.json') });
    assert.ok(trainerAlive(files.dir));
  });

  it('a torn last line, a line that is not JSON and another version’s event are skipped; the rest is read', () => {
    const dir = tmp();
    const lines = fixture('parity-T16.events.jsonl').slice(0, 4);
    writeFileSync(path.join(dir, RUN_FILES.events), [lines[0], 'not json', '{"type":"from-the-future"}', lines[1], lines[2], ''].join('\n'));
    appendFileSync(path.join(dir, RUN_FILES.events), lines[3].slice(0, 40)); // a process killed mid-write
    assert.deepEqual(readEvents(dir), [lines[0], lines[1], lines[2]].map((l) => upgradeRunEvent(RunEvent.parse(JSON.parse(l)))));
    writeFileSync(path.join(dir, RUN_FILES.summary), '{"type":"summ');
    assert.equal(readSummary(dir), undefined);
    writeFileSync(path.join(dir, 'trainer.json'), JSON.stringify({ pid: DEAD_PID, hostname: hostname() }));
    assert.equal(runFolderStatus(dir), 'interrupted');
    assert.deepEqual(readEvents(path.join(dir, 'missing')), []);
  });
});

describe('attention mass of old recordings, filled in when the folder is read', () => {
  const attention = (onRelevant?: number): AttentionEvent => ({
    type: 'attention',
    step: 10,
    n: 5,
    relevant: [0, 2],
    layers: [{ heads: [{ cls: [0.1, 0.21234, 0.3, 0.15432, 0.2333], size: 1, cells: [1], ...(onRelevant === undefined ? {} : { onRelevant }) }] }],
  });

  it('gives a head without onRelevant the [CLS] mass on the relevant positions, rounded as the trainer rounds it', () => {
    // Positions 0 and 2 are tokens 1 and 3 ([CLS] is token 0): 0.21234 + 0.15432 = 0.36666 → 0.3667.
    assert.equal(withHeadMass(attention()).layers[0].heads[0].onRelevant, 0.3667);
  });

  it('leaves a head that has it, and every other event, untouched', () => {
    const recorded = attention(0.5);
    assert.equal(withHeadMass(recorded), recorded);
    const metrics = RunEvent.parse(JSON.parse(fixture('parity-T16.events.jsonl')[1]));
    assert.equal(upgradeRunEvent(metrics), metrics);
    const mixed: AttentionEvent = { ...attention(), layers: [{ heads: [attention(0.5).layers[0].heads[0], attention().layers[0].heads[0]] }] };
    assert.deepEqual(withHeadMass(mixed).layers[0].heads.map((h) => h.onRelevant), [0.5, 0.3667]);
  });

  it('an old recording read from its folder: every head has it, within rounding of the trainer’s own per-head score', () => {
    const dir = tmp();
    const lines = fixture('parity-T16.events.jsonl');
    assert.ok(!lines.some((l) => l.includes('onRelevant')), 'the fixture is a recording from before 0.2');
    writeFileSync(path.join(dir, RUN_FILES.events), lines.join('\n') + '\n');
    const events = readEvents(dir);
    const snapshots = events.filter((e): e is AttentionEvent => e.type === 'attention');
    assert.ok(snapshots.length > 0);
    for (const a of snapshots) {
      const scored = events.find((e) => e.type === 'metrics' && e.step === a.step);
      assert.ok(scored && scored.type === 'metrics');
      a.layers.forEach((layer, l) =>
        layer.heads.forEach((head, h) => {
          const sum = a.relevant.reduce((s, pos) => s + head.cls[1 + pos], 0);
          assert.equal(head.onRelevant, Math.round(sum * 1e4) / 1e4);
          // Each cls entry was rounded to 4 decimals before the sum: s half-units at most.
          assert.ok(Math.abs(head.onRelevant! - scored.attentionPerHead[l][h]) <= a.relevant.length * 0.5e-4 + 1e-9, `step ${a.step} L${l} H${h}`);
        }),
      );
    }
  });
});

describe('sweep folder', () => {
  it('reads back what SweepFiles wrote, skipping a torn last line', () => {
    const files = new SweepFiles(path.join(tmp(), 'and-sweep'));
    const events = fixture('and-sweep.events.jsonl').map((l) => SweepEvent.parse(JSON.parse(l)));
    files.create({ name: 'and-sweep' }, { sweepFile: 'and.sweep.json' });
    assert.ok(existsSync(sweepRunsDir(files.dir)));
    assert.equal(files.runsDir, path.join(files.dir, 'runs'));
    assert.deepEqual(JSON.parse(readFileSync(path.join(files.dir, SWEEP_FILES.sweep), 'utf8')), { name: 'and-sweep' });
    assert.equal(readTrainerRecord(files.dir)?.experimentFile, path.resolve('and.sweep.json'));
    assert.equal(sweepFolderStatus(files.dir), 'running');
    for (const e of events.slice(0, 10)) files.append(e);
    appendFileSync(path.join(files.dir, SWEEP_FILES.events), JSON.stringify(events[10]).slice(0, 25));
    assert.deepEqual(readSweepEvents(files.dir), events.slice(0, 10));
    assert.equal(readSweepSummary(files.dir), undefined);
    const summary = [...events].reverse().find((e) => e.type === 'sweep-summary');
    assert.ok(summary && summary.type === 'sweep-summary');
    files.writeSummary(summary);
    assert.deepEqual(readSweepSummary(files.dir), summary);
    assert.equal(sweepFolderStatus(files.dir), 'finished');
  });

  it('a sweep whose writer is gone and that has no summary is interrupted', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'runs'));
    writeFileSync(path.join(dir, 'trainer.json'), JSON.stringify({ pid: DEAD_PID, hostname: hostname() }));
    assert.equal(sweepFolderStatus(dir), 'interrupted');
  });
});
