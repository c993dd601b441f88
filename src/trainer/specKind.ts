// Which kind of spec a file holds, read from its "kind" field before the full validation, so that
// handing a sweep to `run` (or an experiment to `sweep`) gets one line naming the right command
// instead of a page of "unknown field" problems.
import { readFileSync } from 'node:fs';

/**
 * "sweep": `"kind": "sweep"`; "experiment": an object without "kind" (experiments have none);
 * "unclear": anything else — unreadable, bad JSON, or a "kind" that is not "sweep" — which the full
 * validation then reports (bad JSON with line and column).
 */
export function specKindOf(file: string): 'experiment' | 'sweep' | 'unclear' {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'unclear';
    if (!('kind' in raw)) return 'experiment';
    return raw.kind === 'sweep' ? 'sweep' : 'unclear';
  } catch {
    return 'unclear';
  }
}

/** The problem line for a file that is clearly of the other kind, else undefined. */
export function wrongKindProblem(file: string, expected: 'experiment' | 'sweep'): string | undefined {
  const kind = specKindOf(file);
  if (kind === 'unclear' || kind === expected) return undefined;
  return kind === 'sweep'
    ? 'kind: this is a sweep file ("kind": "sweep"); run it with `sparse-attention sweep`'
    : 'kind: this is an experiment file (no "kind": "sweep"); run it with `sparse-attention run`';
}
