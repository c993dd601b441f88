// trainer.json, in run and sweep folders alike: which process writes the folder, so a reader can tell
// a live run from one whose process is gone (killed, crashed, the machine slept), and which file it
// was started from, so the editor's tree can group runs by experiment file.
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

export const TRAINER_FILE = 'trainer.json';

/** Who is writing a run or sweep folder: the process, its machine, and the file it was started from. */
export interface TrainerRecord {
  pid: number;
  hostname: string;
  experimentFile?: string;
}

export function writeTrainerRecord(dir: string, origin: { experimentFile?: string } = {}): void {
  const record: TrainerRecord = { pid: process.pid, hostname: hostname(), ...(origin.experimentFile ? { experimentFile: path.resolve(origin.experimentFile) } : {}) };
  writeFileSync(path.join(dir, TRAINER_FILE), JSON.stringify(record) + '\n');
}

export function readTrainerRecord(dir: string): TrainerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(dir, TRAINER_FILE), 'utf8'));
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

/** A folder's state from its files: finished when it has its summary, else running while its writer lives. */
export function folderStatus(dir: string, finished: boolean): 'running' | 'interrupted' | 'finished' {
  if (finished) return 'finished';
  return trainerAlive(dir) ? 'running' : 'interrupted';
}
