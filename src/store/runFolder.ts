// A run on disk: <out>/<runId>/ (runId.ts) with experiment.json (the resolved spec), events.jsonl
// (append-only, one complete JSON line per event, so a killed process leaves a readable file),
// summary.json (written atomically at the end, so it is either whole or absent) and trainer.json
// (trainerRecord.ts: which process writes it, so a reader can tell a live run from one whose process
// is gone). The trainer writes it through RunFiles; the trainer and the editor read it back here.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunSummary } from '../protocol/runEvents';
import { RunEvent as RunEventSchema, RunSummary as RunSummarySchema } from '../protocol/runEvents';
import { appendJsonLine, readJsonFile, readJsonLines, readJsonLinesNewestOf, writeJson, writeJsonAtomic } from './jsonFiles';
import { upgradeRunEvent } from './olderRecordings';
import { folderStatus, writeTrainerRecord } from './trainerRecord';

/** Where runs go, relative to the working folder, unless told otherwise. */
export const DEFAULT_OUT = path.join('.sparse-attention', 'runs');

/** The files of a run folder (trainer.json: trainerRecord.ts). */
export const RUN_FILES = { experiment: 'experiment.json', events: 'events.jsonl', summary: 'summary.json' } as const;

/** The writer of one run folder. */
export class RunFiles {
  readonly dir: string;
  constructor(out: string, readonly runId: string) {
    this.dir = path.resolve(out, runId);
  }
  create(resolvedSpec: unknown, origin: { experimentFile?: string } = {}): void {
    mkdirSync(this.dir, { recursive: true });
    writeJson(path.join(this.dir, RUN_FILES.experiment), resolvedSpec);
    writeTrainerRecord(this.dir, origin);
  }
  append(event: RunEvent): void {
    appendJsonLine(path.join(this.dir, RUN_FILES.events), event);
  }
  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(path.join(this.dir, RUN_FILES.summary), summary);
  }
  /** A whole run trained elsewhere (a queue worker's files, as text): the same folder a local run leaves. */
  writeReceived(received: { experiment: string; events: string; summary: RunSummary }): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, RUN_FILES.experiment), received.experiment);
    writeFileSync(path.join(this.dir, RUN_FILES.events), received.events);
    this.writeSummary(received.summary);
  }
}

/** A run folder's files as text, to send elsewhere (a queue worker's result). */
export function readRunText(runDir: string): { experiment: string; events: string } {
  return { experiment: readFileSync(path.join(runDir, RUN_FILES.experiment), 'utf8'), events: readFileSync(path.join(runDir, RUN_FILES.events), 'utf8') };
}

/** The resolved spec a run trained (experiment.json) as parsed JSON; undefined when absent or torn. */
export function readRunSpec(runDir: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(runDir, RUN_FILES.experiment), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A run's events (the tolerant reader, jsonFiles.ts), with what older versions did not record filled in. */
export function readEvents(runDir: string): RunEvent[] {
  return readJsonLines(path.join(runDir, RUN_FILES.events), RunEventSchema).map(upgradeRunEvent);
}

/** How the trainer writes an attention snapshot's line (appendJsonLine of an event whose first key is its type). */
const ATTENTION_LINE = '{"type":"attention"';

/**
 * A run's events with only the newest attention snapshot (a sweep cell's drill-down draws one heatmap
 * per run): the older snapshots are skipped unparsed, so opening a cell of 50 T = 500 runs reads
 * their metrics, not 50 × 20 snapshots.
 */
export function readEventsNewestAttention(runDir: string): RunEvent[] {
  return readJsonLinesNewestOf(path.join(runDir, RUN_FILES.events), RunEventSchema, ATTENTION_LINE).map(upgradeRunEvent);
}

/** The run's summary.json, validated; undefined when absent, torn or written by an older version. */
export function readSummary(runDir: string): RunSummary | undefined {
  return readJsonFile(path.join(runDir, RUN_FILES.summary), RunSummarySchema);
}

/** Live, finished, or interrupted (no summary and its process is gone). */
export function runFolderStatus(runDir: string): 'running' | 'interrupted' | 'finished' {
  return folderStatus(runDir, readSummary(runDir) !== undefined);
}
