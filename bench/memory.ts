// Memory over a long run: live tensors must stay constant (a leak of one tensor per step shows at
// once) and RSS must level off after warm-up (the WASM heap grows to its working size, then stays).
import * as tf from '@tensorflow/tfjs-core';
import { makeDataset } from '../src/core/spec/dataset';
import { train } from '../src/core/train/ensembleTraining';
import { benchSpec } from './throughput';

export interface MemorySample {
  step: number;
  rssMiB: number;
  numTensors: number;
}

export interface MemoryResult {
  T: number;
  steps: number;
  samples: MemorySample[];
  /** The step after which RSS growth is judged (warm-up before it may grow the heap). */
  baselineStep: number;
  rss: { firstMiB: number; baselineMiB: number; lastMiB: number; maxMiB: number; growthPct: number };
  numTensors: { first: number; last: number; min: number; max: number };
  flat: boolean;
}

/** Largest RSS growth after warm-up still called flat, in percent. */
export const RSS_GROWTH_LIMIT_PCT = 3;

export async function measureMemory(steps: number, every: number, onProgress?: (step: number) => void): Promise<MemoryResult> {
  const T = 16;
  const spec = benchSpec(T, steps);
  const samples: MemorySample[] = [];
  const sample = (step: number) =>
    samples.push({ step, rssMiB: process.memoryUsage().rss / 2 ** 20, numTensors: tf.memory().numTensors });
  await train(spec, makeDataset(spec), {
    onStep: (step) => {
      if (step === 1 || step % every === 0) {
        sample(step);
        onProgress?.(step);
      }
    },
  });
  const baselineStep = Math.max(1, Math.round(steps / 10 / every) * every);
  const base = samples.find((s) => s.step >= baselineStep) ?? samples[0];
  const last = samples[samples.length - 1];
  const rssAll = samples.map((s) => s.rssMiB);
  const counts = samples.map((s) => s.numTensors);
  const growthPct = ((last.rssMiB - base.rssMiB) / base.rssMiB) * 100;
  const numTensors = { first: counts[0], last: counts[counts.length - 1], min: Math.min(...counts), max: Math.max(...counts) };
  return {
    T,
    steps,
    samples,
    baselineStep: base.step,
    rss: { firstMiB: samples[0].rssMiB, baselineMiB: base.rssMiB, lastMiB: last.rssMiB, maxMiB: Math.max(...rssAll), growthPct },
    numTensors,
    flat: numTensors.min === numTensors.max && growthPct < RSS_GROWTH_LIMIT_PCT,
  };
}
