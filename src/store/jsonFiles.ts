// The two ways the folders on disk are written and read back. Writers: an append-only JSON-lines
// file (one complete line per call, so a killed process leaves every earlier line readable) and an
// atomic JSON file (write-file-atomic: a reader sees the old file or the new one, never half). Readers:
// tolerant of what a killed process or another version leaves behind, never fatal.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';

/** Appends `value` as one line of a JSON-lines file. */
export function appendJsonLine(file: string, value: unknown): void {
  appendFileSync(file, JSON.stringify(value) + '\n');
}

/** Writes `value` as indented JSON, atomically: for files a reader may open while they are replaced. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic.sync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Writes `value` as indented JSON: for a file written once, before anyone looks for it. */
export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
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
