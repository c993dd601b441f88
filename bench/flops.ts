// Analytic FLOP count of one training step, so measured step times can be read as GFLOP/s and
// compared with the machine's plain-matMul ceiling.
//
// Conventions (one multiply-add = 2 FLOPs; n = T + 1 tokens, d = dModel, h = round(mlpRatio·d)):
//   per token and layer, parameter matMuls: q, k, v, o projections 4·d² MACs + MLP 2·d·h MACs
//     → 2·(4d² + 2dh) FLOPs;
//   per sample and layer, attention: QKᵀ n²·d MACs + AV n²·d MACs → 4·n²·d FLOPs.
//   Fast path (cls-only last layer): k and v are still projected for all n tokens, but q, o and the
//     MLP run on 1 token, and attention costs 4·n·d:
//     → 2·(2·n·d² + 2·d² + 2dh) + 4·n·d FLOPs per sample.
//   Readout 2·d per sample. Embedding, LayerNorm, softmax, GELU and Adam are element-wise and left
//   out: they are O(n·d), small next to the matMuls in FLOPs (not in time — see the profile section).
//   Backward ≈ 2 × forward (a gradient for the input and one for the weight of every matMul), so a
//   training step ≈ 3 × forward.
// The count is of the work each implementation actually performs, so the fast path gets credit only
// for what it computes: compare implementations by steps/s, compare with the ceiling by GFLOP/s.
import type { ModelConfig } from '../src/core/model/model';

export interface StepFlops {
  forward: number;
  backward: number;
  total: number;
}

/** Forward FLOPs for one sample. */
export function forwardFlopsPerSample(cfg: ModelConfig, fullAttention: boolean): number {
  const n = cfg.T + 1;
  const d = cfg.dModel;
  const h = Math.max(1, Math.round(cfg.mlpRatio * d));
  if (cfg.arch === 'mlp') {
    let fanIn = cfg.T;
    let f = 0;
    for (let l = 0; l < cfg.layers; l++) {
      f += 2 * fanIn * h;
      fanIn = h;
    }
    return f + 2 * fanIn;
  }
  const fullLayer = n * 2 * (4 * d * d + 2 * d * h) + 4 * n * n * d;
  const clsLayer = 2 * (2 * n * d * d + 2 * d * d + 2 * d * h) + 4 * n * d;
  const last = fullAttention ? fullLayer : clsLayer;
  return (cfg.layers - 1) * fullLayer + last + 2 * d;
}

export function trainingStepFlops(cfg: ModelConfig, batch: number, fullAttention: boolean): StepFlops {
  const forward = batch * forwardFlopsPerSample(cfg, fullAttention);
  return { forward, backward: 2 * forward, total: 3 * forward };
}

/**
 * The work of a training step with the tabulated first layer and the [CLS]-only last layer, one
 * layer (the paper's model), for `batch` samples of one model: k and v projected on the 2T + 1 table
 * rows (2·2·(2T+1)·d² per model, not per sample), q on the [CLS] row (2d²); per sample the row
 * picking (2·2·T·d, element-wise), attention (4·n·d), the output projection (2d²), the MLP (4dh) and
 * the readout (2d). Training ≈ 3 × forward, as above.
 */
export function tabulatedStepFlops(cfg: ModelConfig, batch: number): StepFlops {
  const n = cfg.T + 1;
  const d = cfg.dModel;
  const h = Math.max(1, Math.round(cfg.mlpRatio * d));
  const perModel = 2 * 2 * (2 * cfg.T + 1) * d * d + 2 * d * d;
  const perSample = 4 * cfg.T * d + 4 * n * d + 2 * d * d + 4 * d * h + 2 * d;
  const forward = perModel + batch * perSample;
  return { forward, backward: 2 * forward, total: 3 * forward };
}
