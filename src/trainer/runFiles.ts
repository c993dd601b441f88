// A run on disk: <out>/<runId>/ with experiment.json (the resolved spec), events.jsonl (append-only,
// one complete JSON line per event, so a killed process leaves a readable file) and summary.json
// (written atomically at the end, so it is either whole or absent).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
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
  create(resolvedSpec: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, 'experiment.json'), JSON.stringify(resolvedSpec, null, 2) + '\n');
  }
  append(event: RunEvent): void {
    appendFileSync(path.join(this.dir, 'events.jsonl'), JSON.stringify(event) + '\n');
  }
  writeSummary(summary: RunSummary): void {
    writeFileAtomic.sync(path.join(this.dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }
}

/** Reads a run's events, skipping a torn last line (a process killed mid-write) and invalid lines. */
export function readEvents(runDir: string): RunEvent[] {
  const file = path.join(runDir, 'events.jsonl');
  if (!existsSync(file)) return [];
  const out: RunEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = RunEventSchema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // torn line: ignore
    }
  }
  return out;
}

export function readSummary(runDir: string): RunSummary | undefined {
  const file = path.join(runDir, 'summary.json');
  if (!existsSync(file)) return undefined;
  const parsed = RunSummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}
