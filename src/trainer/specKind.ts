// Which kind of spec a file holds, read from its "kind" field before the full validation, so that
// handing a sweep to `run` (or an experiment to `sweep`) gets one line naming the right command
// instead of a page of "unknown field" problems.
import { readFileSync } from 'node:fs';

export type SpecKind = 'experiment' | 'sweep';

/** "sweep" when the file says so, "experiment" otherwise; undefined when it cannot be read as JSON. */
export function specKindOf(file: string): SpecKind | undefined {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    return raw && typeof raw === 'object' && raw.kind === 'sweep' ? 'sweep' : 'experiment';
  } catch {
    return undefined; // unreadable or bad JSON: the full validation reports it with line and column
  }
}

/** The problem line for a file of the other kind, or undefined when the kind fits (or is unknown). */
export function wrongKindProblem(file: string, expected: SpecKind): string | undefined {
  const kind = specKindOf(file);
  if (!kind || kind === expected) return undefined;
  return kind === 'sweep'
    ? 'kind: this is a sweep file ("kind": "sweep"); run it with `sparse-attention sweep`'
    : 'kind: this is an experiment file (no "kind": "sweep"); run it with `sparse-attention run`';
}
