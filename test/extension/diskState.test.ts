// Runs and sweeps read back from disk: torn files, killed trainers, which experiment a run belongs to.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_RESTORED_TABLE_RUNS, folderOf, loadRun, loadSweep, restoreShown, runBelongsTo, runLabel, runRowLabel, shownBefore, shownFolder } from '../../src/extension/diskState';
import { RunStore } from '../../src/extension/runStore';
import { RunEvent } from '../../src/protocol/runEvents';
import { readJsonLines } from '../../src/store/jsonFiles';
import { runFolderStatus } from '../../src/store/runFolder';
import { parseRunId } from '../../src/store/runId';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'sa-disk-'));
const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never a live process

function runFolder(root: string, runId: string, opts: { lines: number; summary?: boolean; pid?: number; experimentFile?: string }): string {
  const dir = path.join(root, runId);
  mkdirSync(dir, { recursive: true });
  const lines = readFileSync(path.join(FIXTURES, 'parity-T16.events.jsonl'), 'utf8').trim().split('\n');
  const body = lines.slice(0, opts.lines).filter((l) => !(JSON.parse(l).type === 'finished' && !opts.summary));
  writeFileSync(path.join(dir, 'events.jsonl'), body.join('\n') + '\n');
  if (opts.summary) {
    const finished = lines.map((l) => JSON.parse(l)).find((e) => e.type === 'finished');
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(finished.summary));
  }
  writeFileSync(path.join(dir, 'trainer.json'), JSON.stringify({ pid: opts.pid ?? DEAD_PID, hostname: hostname(), experimentFile: opts.experimentFile }));
  return dir;
}

describe('reading runs and sweeps back from disk', () => {
  it('one tolerant reader: a torn last line, a bad line and an unknown event are skipped', () => {
    const dir = tmp();
    const file = path.join(dir, 'events.jsonl');
    const good = readFileSync(path.join(FIXTURES, 'parity-T16.events.jsonl'), 'utf8').trim().split('\n').slice(0, 3);
    writeFileSync(file, [...good, 'not json', '{"type":"from-the-future"}', ''].join('\n'));
    appendFileSync(file, good[1].slice(0, 40)); // a process killed mid-write
    const events = readJsonLines(file, RunEvent);
    assert.equal(events.length, 3);
    assert.equal(readJsonLines(path.join(dir, 'missing.jsonl'), RunEvent).length, 0);
  });

  it('a sweep whose events.jsonl ends in a torn line opens, and shows as interrupted when its trainer is gone', () => {
    const sweepDir = path.join(tmp(), 'and-sweep');
    mkdirSync(sweepDir);
    const lines = readFileSync(path.join(FIXTURES, 'and-sweep.events.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(path.join(sweepDir, 'events.jsonl'), lines.slice(0, 40).join('\n') + '\n' + lines[40].slice(0, 30));
    writeFileSync(path.join(sweepDir, 'trainer.json'), JSON.stringify({ pid: DEAD_PID, hostname: hostname() }));
    const store = new RunStore();
    assert.equal(loadSweep(store, sweepDir), sweepDir);
    const sweep = store.sweep(sweepDir)!;
    assert.equal(sweep.status, 'interrupted');
    assert.ok(sweep.runsDone > 0);
    assert.deepEqual(sweep.active, []);
  });

  it('a run whose trainer was killed is interrupted, with the last step reached; a live one is running', () => {
    const root = tmp();
    const store = new RunStore();
    const killed = runFolder(root, 'parity-s0-20261128T120000Z-abcd', { lines: 5 });
    assert.equal(runFolderStatus(killed), 'interrupted');
    loadRun(store, killed);
    const run = store.run('parity-s0-20261128T120000Z-abcd')!;
    assert.equal(run.status, 'interrupted');
    assert.match(run.failure!, /last step reached: \d+/);
    const live = runFolder(root, 'parity-s1-20261128T120000Z-abcd', { lines: 5, pid: process.pid });
    assert.equal(runFolderStatus(live), 'running');
    loadRun(store, live);
    assert.equal(store.run('parity-s1-20261128T120000Z-abcd')!.status, 'running');
    const done = runFolder(root, 'parity-s2-20261128T120000Z-abcd', { lines: 100, summary: true });
    loadRun(store, done);
    assert.equal(store.run('parity-s2-20261128T120000Z-abcd')!.status, 'succeeded');
  });

  it('runs belong to the experiment file they were started from, never to a name prefix', () => {
    const root = tmp();
    const fooFile = path.join(root, 'foo.experiment.json');
    const foo2File = path.join(root, 'foo-s2.experiment.json');
    const fooRun = runFolder(root, 'foo-s0-20261128T120000Z-abcd', { lines: 1, experimentFile: fooFile });
    const foo2Run = runFolder(root, 'foo-s2-s0-20261128T120000Z-abcd', { lines: 1, experimentFile: foo2File });
    assert.ok(runBelongsTo(fooRun, fooFile, 'foo'));
    assert.ok(!runBelongsTo(foo2Run, fooFile, 'foo'), 'foo does not list the runs of foo-s2');
    assert.ok(runBelongsTo(foo2Run, foo2File, 'foo-s2'));
    // Runs from before the record: the exact name in the id decides.
    const old = path.join(root, 'foo-s2-s3-20261128T120000Z-wxyz');
    mkdirSync(old);
    assert.ok(!runBelongsTo(old, fooFile, 'foo'));
    assert.ok(runBelongsTo(old, foo2File, 'foo-s2'));
    assert.deepEqual(parseRunId('foo-s2-s3-20261128T120000Z-wxyz'), { name: 'foo-s2', seed: 3, stamp: '20261128T120000Z', salt: 'wxyz' });
    assert.equal(runLabel('foo-s2-s3-20261128T120000Z-wxyz'), 'foo-s2 (seed 3)');
    assert.equal(runRowLabel('foo-s2-s3-20261128T120000Z-wxyz'), 'seed 3 · 20261128T120000Z-wxyz');
    assert.equal(runRowLabel('my-own-run'), 'my-own-run');
    assert.equal(parseRunId('transformer-T10-m16-seed0'), undefined);
  });

  it('maps a changed path to its run or sweep folder, and reads what the panel showed', () => {
    const dirs = { runs: '/w/.sa/runs', sweeps: '/w/.sa/sweeps' };
    assert.deepEqual(folderOf('/w/.sa/runs/r1/events.jsonl', dirs), { kind: 'run', dir: '/w/.sa/runs/r1' });
    assert.deepEqual(folderOf('/w/.sa/sweeps/s/runs/x/summary.json', dirs), { kind: 'sweep', dir: '/w/.sa/sweeps/s' });
    assert.equal(folderOf('/w/other/file', dirs), undefined);
    assert.deepEqual(shownBefore({ selected: 'sweep:/w/.sa/sweeps/s', sliders: {} }), { kind: 'sweep', id: '/w/.sa/sweeps/s' });
    assert.deepEqual(shownBefore({ selected: 'run:r1' }), { kind: 'run', id: 'r1' });
    assert.equal(shownBefore(undefined), undefined);
  });

  it('reads back a runs table with the runs it listed, and refuses run ids that are not folder names', () => {
    assert.deepEqual(shownBefore({ selected: 'table', tableRuns: ['r1', 'r2', 'r1', 7, '../etc', 'a/b', '..', ''] }), { kind: 'table', runIds: ['r1', 'r2'] });
    assert.deepEqual(shownBefore({ selected: 'table' }), { kind: 'table', runIds: [] }, 'a table saved before its runs were: nothing to load');
    const many = Array.from({ length: MAX_RESTORED_TABLE_RUNS + 5 }, (_, i) => `r${i}`);
    assert.equal((shownBefore({ selected: 'table', tableRuns: many }) as { runIds: string[] }).runIds.length, MAX_RESTORED_TABLE_RUNS);
    // A drilled-into cell comes back with its sweep (the page asks for the cell again).
    assert.deepEqual(shownBefore({ selected: 'sweep:/w/.sa/sweeps/s', cell: { sweepId: '/w/.sa/sweeps/s', variant: 'v', T: 8, m: 16 } }), { kind: 'sweep', id: '/w/.sa/sweeps/s' });
    assert.equal(shownBefore({ selected: 'run:../../etc' }), undefined);
    assert.equal(shownBefore({ selected: 'tables' }), undefined);
  });

  it('restores a runs table: every run it listed that is still on disk, no focus', () => {
    const runs = tmp();
    const a = 'parity-s0-20261128T120000Z-aaaa';
    const b = 'parity-s1-20261128T120000Z-bbbb';
    runFolder(runs, a, { lines: 100, summary: true });
    runFolder(runs, b, { lines: 5 });
    const store = new RunStore();
    const problems: string[] = [];
    const report = (p: string) => void problems.push(p);
    const shown = shownBefore({ selected: 'table', tableRuns: [a, 'deleted-since', b] });
    assert.equal(restoreShown(store, shown, runs, report), undefined);
    assert.deepEqual(
      store.allRuns().map((r) => [r.runId, r.status]),
      [
        [a, 'succeeded'],
        [b, 'interrupted'],
      ],
    );
    assert.deepEqual(problems, []);
    // A run or a sweep is focused, as before.
    assert.equal(restoreShown(new RunStore(), shownBefore({ selected: `run:${a}` }), runs, report), a);
    assert.equal(restoreShown(new RunStore(), shownBefore({ selected: 'table', tableRuns: [a] }), undefined, report), undefined, 'no runs folder: nothing to read');
  });
});

describe('what Export Results exports from the palette', () => {
  it('the folder of the run or sweep the panel shows, if it exists; nothing for the table or a missing folder', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sa-shown-'));
    const runs = path.join(root, 'runs');
    mkdirSync(path.join(runs, 'tiny-s1-20261204T120000Z-aaaa'), { recursive: true });
    const sweep = path.join(root, 'sweeps', 'grid');
    mkdirSync(sweep, { recursive: true });
    assert.equal(shownFolder('run:tiny-s1-20261204T120000Z-aaaa', runs), path.join(runs, 'tiny-s1-20261204T120000Z-aaaa'));
    assert.equal(shownFolder(`sweep:${sweep}`, runs), sweep);
    assert.equal(shownFolder('run:gone-s1-20261204T120000Z-bbbb', runs), undefined);
    assert.equal(shownFolder('run:../../etc', runs), undefined, 'a run id is a folder name, never a path');
    assert.equal(shownFolder('table', runs), undefined);
    assert.equal(shownFolder(null, runs), undefined);
    rmSync(root, { recursive: true, force: true });
  });
});
