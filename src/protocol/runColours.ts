// A run's colour on the learning curves stays with the run: it is handed out once, the lowest colour
// no shown run holds, and kept while the run is listed. By position in the list, two runs swapped
// colours when one finished and the host re-sent them in another order. Pure: the caller keeps the
// assignment between renders.

/** Each run's index into a palette of `size` colours; `kept` holds the assignment of the last call. */
export function runColourIndex(runIds: readonly string[], size: number, kept: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of runIds) if (kept.has(id)) out.set(id, kept.get(id)!);
  for (const id of runIds) {
    if (out.has(id)) continue;
    const used = new Set(out.values());
    let i = 0;
    while (used.has(i) && i < size) i++;
    // More runs than colours: colours repeat, in turn.
    out.set(id, i < size ? i : out.size % size);
  }
  return out;
}
