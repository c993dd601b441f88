// Named, independent random streams from one seed, so that changing the test-set size does not
// change the training data or the initial weights.
import seedrandom from 'seedrandom';

export type Rng = () => number;

export type Stream = 'task' | 'train' | 'test' | 'noise' | 'init' | 'batches' | 'bootstrap' | 'verdict';

export function rngFor(seed: number, stream: Stream): Rng {
  return seedrandom.alea(`sparse-attention:${seed}:${stream}`);
}

/** k distinct integers from [0, n), by a partial Fisher–Yates shuffle. */
export function drawDistinct(rng: Rng, n: number, k: number): number[] {
  const pool = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const vj = pool.get(j) ?? j;
    pool.set(j, pool.get(i) ?? i);
    out.push(vj);
  }
  return out;
}

/** Standard normal by Box–Muller (the seeded RNG only gives uniforms). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** In-place Fisher–Yates shuffle. */
export function shuffle(rng: Rng, a: Int32Array): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
