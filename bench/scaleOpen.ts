// Issue 22: how fast a finished sweep of 5000 runs opens. Writes the full protocol's folder once
// (test/fixtures/syntheticSweep.ts: the real sweep runner and run writer, every evaluation's attention
// snapshot recorded as the trainer does) and times `report` (the CLI, end to end), the host's load of
// the panel's snapshot, the page's validation and fold, the tree's listing, and opening one T = 500
// cell (drill-down) with the reader it uses and with the full events reader it replaced.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCellRuns } from '../src/extension/cellRuns';
import { loadSweep, replayRun } from '../src/extension/diskState';
import { RunStore } from '../src/extension/runStore';
import { cellTallies, groupSweepRuns, variantOrder } from '../src/extension/sweepRunGroups';
import { cellRunDirs } from '../src/extension/cellRuns';
import { HostToPanel } from '../src/protocol/panelMessages';
import { readSweepEvents, sweepRunsDir } from '../src/store/sweepFolder';
import { applyMessage, emptyModel } from '../webview/results/state';
import { writeSyntheticSweep } from '../test/fixtures/syntheticSweep';
import { type SweepRender, measureSweepRender } from './sweepRender';
import { CLI } from './sweepWallTime';
import { f1, table } from './table';

export interface ScaleStep {
  step: string;
  /** Fastest of the repeats (the first one reads a cold cache). */
  ms: number;
  firstMs: number;
  /** What it produced: a message's or a page's bytes. */
  bytes?: number;
  /** Heap growth over the step (MB), as far as one measurement can tell with a GC about. */
  heapMB?: number;
  peakRssMB?: number;
}

export interface ScaleResult {
  runs: number;
  writeSeconds: number;
  folderMB: number;
  steps: ScaleStep[];
  /** The page in Chromium; a reason when it could not be measured (no Chromium). */
  render: SweepRender | { skipped: string };
}

const REPEATS = 3;

/** Runs `fn` REPEATS times; times, the last result's size and the heap it grew by. */
function timed(step: string, fn: () => unknown): ScaleStep {
  const times: number[] = [];
  let bytes: number | undefined;
  let heapMB = 0;
  for (let i = 0; i < REPEATS; i++) {
    global.gc?.();
    const heap = process.memoryUsage().heapUsed;
    const t = performance.now();
    const out = fn();
    times.push(performance.now() - t);
    heapMB = (process.memoryUsage().heapUsed - heap) / 1e6;
    bytes = typeof out === 'string' ? out.length : undefined;
  }
  return { step, ms: Math.min(...times), firstMs: times[0], bytes, heapMB };
}

/** `sparse-attention report` end to end (a fresh node process), with its peak RSS when GNU time is there. */
function timeReportCli(sweepDir: string, html: string): ScaleStep {
  const times: number[] = [];
  let peakRssMB: number | undefined;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'report', sweepDir, '--html', html], { encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.error) {
      spawnSync(process.execPath, [CLI, 'report', sweepDir, '--html', html]);
      continue;
    }
    if (r.status !== 0) throw new Error(`report failed: ${r.stderr}`);
    peakRssMB = Number(r.stderr.trim().split('\n').at(-1)) / 1024;
  }
  return { step: 'report (CLI, node start included)', ms: Math.min(...times), firstMs: times[0], bytes: statSync(html).size, peakRssMB };
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

/** The cell as drill-down read it before issue 22: every run's every event through the full reader. */
function fullCell(sweepDir: string): string {
  const store = new RunStore();
  for (const dir of cellRunDirs(sweepDir, 'transformer', 500, 100)) replayRun(store, dir, path.basename(dir), path.basename(dir));
  return JSON.stringify(store.allRuns().map((r) => ({ ...r, attention: r.attention.slice(-1) })));
}

export async function measureScale(log: (line: string) => void): Promise<ScaleResult> {
  const out = mkdtempSync(path.join(tmpdir(), 'sa-bench-scale-'));
  try {
    log('scale: writing the full protocol folder (5000 runs, every snapshot)');
    const t = performance.now();
    const made = await writeSyntheticSweep(out, { baseOnly: true, snapshots: 'every' });
    const writeSeconds = (performance.now() - t) / 1000;
    const dir = made.sweepDir;
    log('scale: timing report, panel snapshot, fold, tree, drill-down');
    let snapshot = '';
    const steps = [
      timeReportCli(dir, path.join(out, 'report.html')),
      timed('host: load the sweep, serialize the snapshot', () => {
        const store = new RunStore();
        loadSweep(store, dir);
        return (snapshot = JSON.stringify({ type: 'snapshot', runs: store.allRuns(), sweeps: store.allSweeps(), focus: dir }));
      }),
      timed('page: validate and fold the snapshot', () => applyMessage(emptyModel(), HostToPanel.parse(JSON.parse(snapshot)))),
      timed('tree: list the sweep (names, cell verdicts)', () => {
        const events = readSweepEvents(dir);
        return JSON.stringify([groupSweepRuns(readdirSync(sweepRunsDir(dir)), variantOrder(events)).length, cellTallies(events).size]);
      }),
      timed('drill-down: open T = 500, m = 100 (50 runs)', () => JSON.stringify(readCellRuns(dir, 'transformer', 500, 100, false))),
      timed('  the same with the full events reader (before)', () => fullCell(dir)),
    ];
    log('scale: the page drawing the sweep and the cell (Chromium)');
    const cell = { type: 'cell-runs' as const, sweepId: dir, variant: 'transformer', T: 500, m: 100, runs: readCellRuns(dir, 'transformer', 500, 100, false) };
    const render = await measureSweepRender(HostToPanel.parse(JSON.parse(snapshot)), cell).catch((err: Error) => ({ skipped: err.message.split('\n')[0] }));
    return { runs: made.runs, writeSeconds, folderMB: folderBytes(dir) / 1e6, steps, render };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function scaleText(r: ScaleResult): string {
  const mb = (b: number | undefined) => (b === undefined ? '–' : f1(b / 1e6));
  return [
    `${r.runs} finished runs, ${f1(r.folderMB)} MB on disk, written in ${f1(r.writeSeconds)} s`,
    table(
      ['step', 'ms (best)', 'ms (first)', 'MB out', 'heap MB', 'peak RSS MB'],
      r.steps.map((s) => [s.step, f1(s.ms), f1(s.firstMs), mb(s.bytes), s.heapMB === undefined ? '–' : f1(s.heapMB), s.peakRssMB === undefined ? '–' : f1(s.peakRssMB)]),
    ),
    'skipped' in r.render
      ? `page in Chromium: skipped (${r.render.skipped})`
      : `page in Chromium: snapshot drawn (m*(T), tables, T × m view: ${r.render.cellsDrawn} cells) in ${f1(r.render.snapshotMs)} ms; the T = 500, m = 100 cell in ${f1(r.render.cellMs)} ms`,
  ].join('\n');
}
