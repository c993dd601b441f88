// A stand-in trainer for sweeps with `until`: each run succeeds with probability
// σ(steep·(ln m − ln m*(T))) for a known m*(T), drawn from a seeded stream, and writes nothing.
import seedrandom from 'seedrandom';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SweepSchema, type SweepInput } from '../../src/core/spec/sweepSpec';
import type { RunSummary } from '../../src/protocol/runEvents';
import type { SweepEvent, SweepSummary } from '../../src/protocol/sweepEvents';
import { type RunLauncher, type RunRequest, type RunResult, runSweep } from '../../src/trainer/sweepRunner';

export const TRUTHS = {
  log: (T: number) => 20 + 15 * Math.log(T),
  linear: (T: number) => 40 + 2 * T,
} as const;
export type Truth = keyof typeof TRUTHS;

/** Outcomes drawn from `seed`'s stream, per (T, m, seed), so a run asked for twice gets the same answer. */
export function simulatedLauncher(truth: Truth, seed: number, steep = 12): RunLauncher & { launched: number } {
  const launch = (async (req: RunRequest): Promise<RunResult> => {
    launch.launched++;
    const T = req.spec.task.T;
    const m = req.spec.data.trainSize;
    const p = 1 / (1 + Math.exp(-steep * (Math.log(m) - Math.log(TRUTHS[truth](T)))));
    const ok = seedrandom(`${seed}:${T}:${m}:${req.spec.seed}`)() < p;
    const summary: RunSummary = {
      type: 'summary', runId: req.runId, status: ok ? 'succeeded' : 'not-reached', steps: 10, parameterCount: 1,
      testAccuracy: ok ? 1 : 0.6, trainAccuracy: 1, attentionOnRelevant: 0.5, backend: 'simulated', wallSeconds: 0, runDir: path.join(req.out, req.runId),
    };
    return { ok: true, summary };
  }) as unknown as RunLauncher & { launched: number };
  launch.launched = 0;
  return launch;
}

export const untilSweep = (over: Partial<SweepInput> = {}) =>
  SweepSchema.parse({
    version: 1,
    kind: 'sweep',
    name: 'until-sim',
    base: { task: { kind: 'and', s: 3 }, training: { batchSize: 64 } },
    contextLengths: [4, 8, 16, 32],
    trainSizes: { min: 10, max: 20000, points: 110 },
    seeds: 3,
    successRate: 0.67,
    bootstrap: 200,
    until: { support: 0.9, maxRuns: 2000, maxMinutes: 60 },
    ...over,
  });

export async function simulate(truth: Truth, seed: number, over: Partial<SweepInput> = {}): Promise<{ summary: SweepSummary; events: SweepEvent[]; launched: number }> {
  const events: SweepEvent[] = [];
  const launch = simulatedLauncher(truth, seed);
  const sweepDir = mkdtempSync(path.join(tmpdir(), 'sa-until-'));
  const summary = await runSweep(untilSweep({ ...over, base: { task: { kind: 'and', s: 3 }, training: { batchSize: 64 }, seed } }), { sweepDir, parallel: 8, launch, onEvent: (e) => events.push(e) });
  return { summary, events, launched: launch.launched };
}
