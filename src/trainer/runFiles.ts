// A run on disk: <out>/<runId>/ with experiment.json (the resolved spec), events.jsonl (append-only,
// one complete JSON line per event, so a killed process leaves a readable file), summary.json
// (written atomically at the end, so it is either whole or absent) and trainer.json (which process
// writes it, so a reader can tell a live run from one whose process is gone).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import type { RunEvent, RunSummary } from '../protocol/runEvents';
import { RunEvent as RunEventSchema, RunSummary as RunSummarySchema } from '../protocol/runEvents';

export const DEFAULT_OUT = path.join('.sparse-attention', 'runs');

export function newRunId(name: string, seed: number, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const salt = Math.random().toString(36).slice(2, 6);
  return `${name}-s${seed}-${stamp}-${salt}`;
}

export class RunFiles {
  readonly dir: string;
  constructor(out: string, readonly runId: string) {
    this.dir = path.resolve(out, runId);
  }
  create(resolvedSpec: unknown, origin: { experimentFile?: string } = {}): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, 'experiment.json'), JSON.stringify(resolvedSpec, null, 2) + '\n');
    writeTrainerRecord(this.dir, origin);
  }
  append(event: RunEvent): void {
    appendFileSync(path.join(this.dir, 'events.jsonl'), JSON.stringify(event) + '\n');
  }
  writeSummary(summary: RunSummary): void {
    writeFileAtomic.sync(path.join(this.dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }
}

/** Who is writing a run or sweep folder: the process, its machine, and the file it was started from. */
export interface TrainerRecord {
  pid: number;
  hostname: string;
  experimentFile?: string;
}

export function writeTrainerRecord(dir: string, origin: { experimentFile?: string } = {}): void {
  const record: TrainerRecord = { pid: process.pid, hostname: hostname(), ...(origin.experimentFile ? { experimentFile: path.resolve(origin.experimentFile) } : {}) };
  writeFileSync(path.join(dir, 'trainer.json'), JSON.stringify(record) + '\n');
}

export function readTrainerRecord(dir: string): TrainerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(dir, 'trainer.json'), 'utf8'));
    return Number.isInteger(r.pid) && typeof r.hostname === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that writes this folder still runs. A folder from another machine (a shared
 * disk) is given the benefit of the doubt; one without a record (older versions) is not alive.
 */
export function trainerAlive(dir: string): boolean {
  const r = readTrainerRecord(dir);
  if (!r) return false;
  if (r.hostname !== hostname()) return true;
  try {
    process.kill(r.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * Every valid line of a JSON-lines file: the one reader of events.jsonl, for runs and sweeps alike.
 * A torn last line (a process killed mid-write), a line that is not JSON, or one the schema rejects
 * (another version's event) is skipped, never fatal.
 */
export function readJsonLines<T>(file: string, schema: z.ZodType<T>): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // torn or corrupt line: skip
    }
  }
  return out;
}

/** Reads a run's events (see readJsonLines). */
export function readEvents(runDir: string): RunEvent[] {
  return readJsonLines(path.join(runDir, 'events.jsonl'), RunEventSchema);
}

/** A JSON file validated by `schema`; undefined when absent, torn, or of another version. */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function readSummary(runDir: string): RunSummary | undefined {
  return readJsonFile(path.join(runDir, 'summary.json'), RunSummarySchema);
}
