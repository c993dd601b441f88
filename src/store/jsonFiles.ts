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
    const value = parseLine(line, schema);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** One line as `schema` reads it; undefined when blank, torn, not JSON or rejected. */
function parseLine<T>(line: string, schema: z.ZodType<T>): T | undefined {
  if (!line.trim()) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // torn or corrupt line: skip
  }
}

/**
 * As readJsonLines, but of the lines that start with `prefix` only the newest valid one is kept, and
 * the others are never parsed: a Transformer run's attention snapshots are most of its events.jsonl
 * (a T = 500 run's are ~1 MB), and a reader that draws only the newest one need not pay for them all.
 * A matching line written another way (keys in another order) is simply parsed like any other.
 */
export function readJsonLinesNewestOf<T>(file: string, schema: z.ZodType<T>, prefix: string): T[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  let newest: number | undefined;
  let newestValue: T | undefined;
  for (let i = lines.length - 1; i >= 0 && newestValue === undefined; i--) {
    if (lines[i].startsWith(prefix)) [newest, newestValue] = [i, parseLine(lines[i], schema)];
  }
  const out: T[] = [];
  lines.forEach((line, i) => {
    const value = i === newest ? newestValue : line.startsWith(prefix) ? undefined : parseLine(line, schema);
    if (value !== undefined) out.push(value);
  });
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
