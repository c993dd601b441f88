// Throughput of the ensemble trainer as the ensemble grows: K members of the protocol's model
// (16 heads, d = 64, one layer, full batch of m = 80) trained together, timed between the first
// member's onStep callbacks (set-up, warm-up and evaluations excluded). Steps/s is the ensemble's;
// member-steps/s (K × steps/s) is what a sweep gains; GFLOP/s counts the work actually done.
import { performance } from 'node:perf_hooks';
import { makeDataset } from '../src/core/spec/dataset';
import { ensembleBytes, membersWithin, trainEnsemble } from '../src/core/train/ensembleTraining';
import { type Experiment, ExperimentSchema } from '../src/core/spec/experimentSpec';
import { modelConfig } from '../src/core/train/training';
import { tabulatedStepFlops } from './flops';

export interface EnsembleScalingRow {
  T: number;
  K: number;
  msPerStep: number;
  stepsPerSec: number;
  memberStepsPerSec: number;
  gflopsPerSec: number;
  gflopsPerSecPerMember: number;
  /** Growth of the process's resident memory during the ensemble, and the estimate that sizes K. */
  rssGrowthMiB: number;
  estimateMiB: number;
}

/** WASM's heap is 2 GiB; the sweep gives an ensemble half of it (sweepCommand.ts). */
const BUDGET = 2 ** 30;

export function protocolSpec(T: number, seed: number, steps: number, m = 80): Experiment {
  return ExperimentSchema.parse({
    version: 1,
    name: `ens-T${T}-${seed}`,
    task: { kind: 'and', T, s: 3 },
    data: { trainSize: m, testSize: 64 },
    model: { layers: 1, heads: 16, dModel: 64, mlpRatio: 1, init: 'normal-0.02' },
    // evalEvery beyond maxSteps: only the step-0 and last evaluations, both outside the timed window.
    training: { learningRate: 0.001, weightDecay: 0.0001, batchSize: 'full', maxSteps: steps, evalEvery: steps + 1, targetAccuracy: 1, successWhen: 'final' },
    seed,
  });
}

export async function measureEnsemble(T: number, K: number, warmup: number, measured: number): Promise<EnsembleScalingRow | { T: number; K: number; skipped: string }> {
  const steps = warmup + measured;
  const specs = Array.from({ length: K }, (_, k) => protocolSpec(T, k, steps));
  if (membersWithin(specs[0], BUDGET) < K) return { T, K, skipped: `over the ${BUDGET / 2 ** 30} GiB memory estimate` };
  let t0 = 0;
  let t1 = 0;
  const rss0 = process.memoryUsage().rss;
  let rssPeak = rss0;
  await trainEnsemble(
    specs.map((spec, k) => ({
      spec,
      data: makeDataset(spec),
      hooks:
        k === 0
          ? {
              onStep: (step: number) => {
                rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
                if (step === warmup) t0 = performance.now();
                if (step === steps) t1 = performance.now();
              },
            }
          : {},
    })),
  );
  const seconds = (t1 - t0) / 1000;
  const stepsPerSec = measured / seconds;
  const flops = tabulatedStepFlops(modelConfig(specs[0]), 80).total;
  return {
    T,
    K,
    msPerStep: (1000 * seconds) / measured,
    stepsPerSec,
    memberStepsPerSec: K * stepsPerSec,
    gflopsPerSec: (K * flops * stepsPerSec) / 1e9,
    gflopsPerSecPerMember: (flops * stepsPerSec) / 1e9,
    // The WASM heap only grows: the first ensemble of a process shows its growth, later ones reuse it.
    rssGrowthMiB: (rssPeak - rss0) / 2 ** 20,
    estimateMiB: ensembleBytes(specs[0], K) / 2 ** 20,
  };
}
