// A sweep on disk: <out>/<name>/ with sweep.json (the sweep as resolved), events.jsonl (append-only,
// as a run's), summary.json (atomic, at the end), trainer.json (trainerRecord.ts) and runs/, one run
// folder (runFolder.ts) per cell run, named by cellRunId.ts; while a sweep writes it, sweep.lock/ and
// sweep.lock.json (sweepLock.ts: one writer per folder).
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { SweepEvent as SweepEventSchema, SweepSummary as SweepSummarySchema } from '../protocol/sweepEvents';
import type { SweepEvent, SweepSummary } from '../protocol/sweepEvents';
import { appendJsonLine, readJsonFile, readJsonLines, writeJson, writeJsonAtomic } from './jsonFiles';
import { folderStatus, writeTrainerRecord } from './trainerRecord';

/** Where sweeps go, relative to the working folder, unless told otherwise. */
export const DEFAULT_SWEEP_OUT = path.join('.sparse-attention', 'sweeps');

/** The files of a sweep folder (trainer.json: trainerRecord.ts; the lock and its holder: sweepLock.ts). */
export const SWEEP_FILES = {
  sweep: 'sweep.json',
  events: 'events.jsonl',
  summary: 'summary.json',
  runs: 'runs',
  lock: 'sweep.lock',
  lockHolder: 'sweep.lock.json',
} as const;

/** The folder that holds a sweep's run folders. */
export const sweepRunsDir = (sweepDir: string): string => path.join(sweepDir, SWEEP_FILES.runs);

/** The writer of one sweep folder (its runs are written by RunFiles, under runsDir). */
export class SweepFiles {
  readonly dir: string;
  readonly runsDir: string;
  constructor(sweepDir: string) {
    this.dir = path.resolve(sweepDir);
    this.runsDir = sweepRunsDir(this.dir);
  }
  create(sweep: unknown, origin: { sweepFile?: string } = {}): void {
    mkdirSync(this.runsDir, { recursive: true });
    writeJson(path.join(this.dir, SWEEP_FILES.sweep), sweep);
    writeTrainerRecord(this.dir, { experimentFile: origin.sweepFile });
  }
  append(event: SweepEvent): void {
    appendJsonLine(path.join(this.dir, SWEEP_FILES.events), event);
  }
  writeSummary(summary: SweepSummary): void {
    writeJsonAtomic(path.join(this.dir, SWEEP_FILES.summary), summary);
  }
}

/** The sweep's summary.json, validated; undefined when absent, torn or written by an older version. */
export function readSweepSummary(sweepDir: string): SweepSummary | undefined {
  return readJsonFile(path.join(sweepDir, SWEEP_FILES.summary), SweepSummarySchema);
}

/** The sweep's events (the same tolerant reader as a run's). */
export function readSweepEvents(sweepDir: string): SweepEvent[] {
  return readJsonLines(path.join(sweepDir, SWEEP_FILES.events), SweepEventSchema);
}

/**
 * Live, finished, or interrupted. Finished as soon as a summary.json exists, even one an older
 * version wrote: such a sweep is over, though its summary is not shown.
 */
export function sweepFolderStatus(sweepDir: string): 'running' | 'interrupted' | 'finished' {
  return folderStatus(sweepDir, existsSync(path.join(sweepDir, SWEEP_FILES.summary)));
}
