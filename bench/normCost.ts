// What the paper's quantities cost (issue 14): the weight norms computed at every evaluation
// (weightNorms.ts) and the projection onto the norm ball after every step with model.maxNorm
// (normProjection.ts), per model size, on the backend in use.
import * as tf from '@tensorflow/tfjs-core';
import { projectAttentionNorms } from '../src/core/model/normProjection';
import { rngFor } from '../src/core/spec/seededRandom';
import { type ModelConfig, initParams, leavesOf, stackParams } from '../src/core/model/params';
import { weightNorms } from '../src/core/model/weightNorms';

export interface NormCostRow {
  dModel: number;
  heads: number;
  mlpRatio: number;
  normsMsPerEvaluation: number;
  projectionMsPerStep: number;
}

export async function measureNormCost(repeats: number): Promise<NormCostRow[]> {
  const sizes: [number, number, number][] = [[64, 4, 1], [64, 16, 4], [256, 8, 4]];
  const rows: NormCostRow[] = [];
  for (const [dModel, heads, mlpRatio] of sizes) {
    const cfg: ModelConfig = { arch: 'transformer', layers: 1, heads, dModel, mlpRatio, init: 'fan-in', T: 40 };
    const params = stackParams([initParams(cfg, rngFor(0, 'init'))]);
    const time = (f: () => void) => {
      f(); // warm-up
      const t = performance.now();
      for (let i = 0; i < repeats; i++) f();
      return (performance.now() - t) / repeats;
    };
    const timeAsync = async (f: () => Promise<unknown>) => {
      await f(); // warm-up
      const t = performance.now();
      for (let i = 0; i < repeats; i++) await f();
      return (performance.now() - t) / repeats;
    };
    const normsMsPerEvaluation = await timeAsync(() => weightNorms(params, cfg));
    const projectionMsPerStep = time(() => projectAttentionNorms(params, cfg, 0.5));
    tf.dispose(leavesOf(params));
    rows.push({ dModel, heads, mlpRatio, normsMsPerEvaluation, projectionMsPerStep });
  }
  return rows;
}
