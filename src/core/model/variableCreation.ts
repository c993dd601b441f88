// The variable-creation score (our reading of the paper's "attention creates a variable"): the
// attention mass the [CLS] token puts on the s relevant positions, per head. 1.0 = all of it.

/**
 * att: one layer's mean attention, (H, n, n) row-major, token 0 = [CLS], token 1 + i = bit i.
 * Returns the [CLS] mass on the relevant bits for each head.
 */
export function clsMassOnRelevant(att: Float32Array | number[], heads: number, n: number, relevant: number[]): number[] {
  const out: number[] = [];
  for (let h = 0; h < heads; h++) {
    const row = h * n * n; // row 0 of head h is the [CLS] row
    let mass = 0;
    for (const pos of relevant) mass += att[row + 1 + pos];
    out.push(mass);
  }
  return out;
}

/** Best head over all layers, the run's headline score. */
export function bestHeadScore(perLayerHead: number[][]): number | null {
  const all = perLayerHead.flat();
  return all.length ? Math.max(...all) : null;
}

/** Mean-pools an n × n map (one head, starting at `offset`) to at most maxSize × maxSize cells. */
export function poolMap(att: Float32Array, offset: number, n: number, maxSize: number): { size: number; cells: number[] } {
  const size = Math.min(n, maxSize);
  const sums = new Float64Array(size * size);
  const counts = new Float64Array(size * size);
  for (let i = 0; i < n; i++) {
    const bi = Math.floor((i * size) / n);
    for (let j = 0; j < n; j++) {
      const k = bi * size + Math.floor((j * size) / n);
      sums[k] += att[offset + i * n + j];
      counts[k] += 1;
    }
  }
  return { size, cells: Array.from(sums, (s, k) => s / counts[k]) };
}
