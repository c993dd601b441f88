// A single run's id, which is also its folder's name: `<experiment name>-s<seed>-<UTC stamp>-<salt>`,
// e.g. `parity-s0-20261128T120000Z-k3x9`. The stamp sorts a file's runs by start time; the salt keeps
// two runs started in the same second apart. A sweep's runs are named otherwise (cellRunId.ts).

export function newRunId(name: string, seed: number, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const salt = Math.random().toString(36).slice(2, 6);
  return `${name}-s${seed}-${stamp}-${salt}`;
}

/** The parts of an id made by newRunId. */
export interface RunIdParts {
  name: string;
  seed: number;
  /** UTC start time, `YYYYMMDDTHHMMSSZ`. */
  stamp: string;
  salt: string;
}

/**
 * Matched from the right: a name may itself contain `-s<digits>-` (experiment `foo-s2`, seed 3 is
 * `foo-s2-s3-…`), the stamp and salt never do.
 */
const RUN_ID = /^(.+)-s(\d+)-(\d{8}T\d{6}Z)-([a-z0-9]{4})$/;

/** The parts of a run id, or undefined for another shape (a sweep cell's run, a folder named by hand). */
export function parseRunId(runId: string): RunIdParts | undefined {
  const m = RUN_ID.exec(runId);
  return m ? { name: m[1], seed: Number(m[2]), stamp: m[3], salt: m[4] } : undefined;
}
