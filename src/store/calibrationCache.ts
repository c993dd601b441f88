// The per-user cache of step timings behind `sweep --plan`'s estimate: one file, keyed by machine
// (host name, CPU model, cores) and backend, then by the runs' cost key (ensembleCost.ts costKey).
// A timing belongs to the hardware, not to a sweep, so it lives in the user's cache folder:
// $SPARSE_ATTENTION_CALIBRATION (a file; tests point it at a temp dir), else
// $XDG_CACHE_HOME/sparse-attention/calibration.json, else ~/.cache/sparse-attention/calibration.json.
// A file that is missing, torn or from another version reads as empty: the plan times again.
import { mkdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from './jsonFiles';

export const CALIBRATION_ENV = 'SPARSE_ATTENTION_CALIBRATION';

const Cost = z.object({
  fixed: z.number().nonnegative(),
  perMember: z.number().nonnegative(),
  perRow: z.number().nonnegative(),
  evalPerMember: z.number().nonnegative(),
  setupPerMember: z.number().nonnegative(),
  measuredAt: z.string(),
});
const CacheFile = z.object({
  version: z.literal(1),
  /** machine key → cost key → cost. */
  machines: z.record(z.string(), z.record(z.string(), Cost)),
  /** machine key → seconds a fresh trainer process takes to start its backend. */
  processStart: z.record(z.string(), z.number().nonnegative()).default({}),
});
export type CachedCost = z.infer<typeof Cost>;
type CacheFile = z.infer<typeof CacheFile>;

export function calibrationFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CALIBRATION_ENV]) return path.resolve(env[CALIBRATION_ENV]);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'sparse-attention', 'calibration.json');
}

/** This machine and backend, as the cache keys them: a timing on another host or backend does not apply. */
export function machineKey(backend: string): string {
  const cpus = os.cpus();
  return `${os.hostname()} · ${cpus[0]?.model.trim() ?? 'unknown CPU'} · ${cpus.length} cores · ${backend}`;
}

function readCache(file: string): CacheFile {
  try {
    const parsed = CacheFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or torn: start empty
  }
  return { version: 1, machines: {}, processStart: {} };
}

/** The cached costs of one machine and backend, and its process start time. */
export function readCalibration(file: string, machine: string): { costs: Record<string, CachedCost>; processStart?: number } {
  const cache = readCache(file);
  return { costs: cache.machines[machine] ?? {}, processStart: cache.processStart[machine] };
}

/** Adds timings for one machine (read again just before writing, so two plans at once both keep theirs). */
export function writeCalibration(file: string, machine: string, costs: Record<string, CachedCost>, processStart?: number): void {
  const cache = readCache(file);
  cache.machines[machine] = { ...cache.machines[machine], ...costs };
  if (processStart !== undefined) cache.processStart[machine] = processStart;
  mkdirSync(path.dirname(file), { recursive: true });
  writeJsonAtomic(file, cache);
}
