// The s-sparse Boolean targets of the paper: f(x) = g(x_S) for a hidden set S of s positions.
import type { TargetKind, Task } from './experimentSpec';
import { type Rng, drawDistinct } from './seededRandom';

/**
 * P(x_i = 1) that makes the label balanced: AND of s bits is 1 with probability p^s, so
 * p = 2^(-1/s); OR is 0 with probability (1-p)^s, so p = 1 - 2^(-1/s); the rest are balanced at 0.5
 * (majority with odd s and parity by symmetry; a random junta on average).
 */
export function balancedBias(kind: TargetKind, s: number): number {
  if (kind === 'and') return 2 ** (-1 / s);
  if (kind === 'or') return 1 - 2 ** (-1 / s);
  return 0.5;
}

export function inputBiasOf(task: Task): number {
  return task.inputBias === 'balanced' ? balancedBias(task.kind, task.s) : task.inputBias;
}

/** g on the s relevant bits, given as an integer whose bit j is x_{S[j]}. */
export function applyTarget(kind: TargetKind, s: number, code: number, truthTable?: Uint8Array): number {
  let ones = 0;
  for (let j = 0; j < s; j++) ones += (code >> j) & 1;
  switch (kind) {
    case 'parity':
      return ones & 1;
    case 'and':
      return ones === s ? 1 : 0;
    case 'or':
      return ones > 0 ? 1 : 0;
    case 'majority':
      return 2 * ones > s ? 1 : 0;
    case 'junta':
      if (!truthTable) throw new Error('junta target needs a truth table');
      return truthTable[code];
  }
}

export interface SparseTarget {
  kind: TargetKind;
  relevant: number[];
  /** Only for `junta`: g as a table of 2^s labels indexed by the code of applyTarget. */
  truthTable?: Uint8Array;
}

/** Draws S (unless given) and, for `junta`, a non-constant truth table from the task's RNG stream. */
export function drawTarget(task: Task, rng: Rng): SparseTarget {
  const relevant = task.relevant ? [...task.relevant] : drawDistinct(rng, task.T, task.s).sort((a, b) => a - b);
  if (task.kind !== 'junta') return { kind: task.kind, relevant };
  const size = 2 ** task.s;
  let table: Uint8Array;
  // A constant table would be a 0-sparse function; redraw (at s = 1 that is half the draws).
  do {
    table = Uint8Array.from({ length: size }, () => (rng() < 0.5 ? 1 : 0));
  } while (table.every((v) => v === table[0]));
  return { kind: 'junta', relevant, truthTable: table };
}

/** Label of one sample: x is the whole bit array, the sample starts at `offset`. */
export function labelOf(target: SparseTarget, x: Uint8Array, offset: number): number {
  let code = 0;
  target.relevant.forEach((pos, j) => {
    code |= x[offset + pos] << j;
  });
  return applyTarget(target.kind, target.relevant.length, code, target.truthTable);
}
