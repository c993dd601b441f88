// `sparse-attention report <runDir|sweepDir> --html FILE` and the editor's "Export HTML report": one
// self-contained HTML file for a run folder (runReport.ts) or a sweep folder (sweepReport.ts).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runReport } from './runReport';
import { sweepReport } from './sweepReport';

export { runReport } from './runReport';
export { sweepReport } from './sweepReport';

/** Picks the report by what the folder holds. */
export function buildReport(dir: string): string {
  if (existsSync(path.join(dir, 'sweep.json'))) {
    if (!existsSync(path.join(dir, 'summary.json'))) throw new Error(`${dir} holds an unfinished sweep (no summary.json): run the sweep again to finish it`);
    return sweepReport(dir);
  }
  if (existsSync(path.join(dir, 'events.jsonl')) || existsSync(path.join(dir, 'experiment.json'))) return runReport(dir);
  throw new Error(`${dir} is neither a run folder (events.jsonl) nor a sweep folder (sweep.json)`);
}
