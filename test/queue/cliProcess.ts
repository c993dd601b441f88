// The queue tests' CLI processes (sweep coordinators, workers): spawned from the built bin with their
// output collected, and the sweep summary's m* and cells in a form two runs can be compared by.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');

export interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

export function start(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { child, out: () => out, err: () => err, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

export const lastJson = (text: string) => JSON.parse(text.trim().split('\n').pop()!);

/** A summary's m*, intervals and every cell's successes / trials, per T. */
export const shape = (s: { points: { T: number; mStar: number | null; interval: unknown; cells: { m: number; successes: number; trials: number }[] }[] }) =>
  s.points.map((p) => ({ T: p.T, mStar: p.mStar, interval: p.interval, cells: p.cells.map((c) => [c.m, c.successes, c.trials]) }));

/** Polls `probe` every `pollMs` until it returns something truthy, or fails naming `what` after `ms`. */
export async function waitFor<T>(probe: () => T | Promise<T>, ms: number, what: string, pollMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
