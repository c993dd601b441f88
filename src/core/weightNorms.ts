// The norms the paper's capacity bound is stated in (Edelman et al. 2022, §4): per layer and head,
// the bilinear form W_Q·W_Kᵀ that scores a query against a key, the value map W_V and the head's
// rows of the output projection W_O; per layer the MLP's two matrices. Computed on the host in
// float64 from the weights a forward pass reads, at every evaluation. Spectral = largest singular
// value; Frobenius = √(Σ w²), which bounds the spectral norm from above.
import type * as tf from '@tensorflow/tfjs-core';
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import type { LayerNorms, MatrixNorm } from '../protocol/runEvents';
import type { ModelConfig, Weights } from './model';

/** Rows [r0, r1) and columns [c0, c1) of a row-major (rows × cols) float32 array, as a Matrix. */
function block(data: Float32Array | Int32Array | Uint8Array, cols: number, r0: number, r1: number, c0: number, c1: number): Matrix {
  const m = new Matrix(r1 - r0, c1 - c0);
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) m.set(r - r0, c - c0, data[r * cols + c]);
  return m;
}

const round = (x: number) => Number(x.toPrecision(6));

export function matrixNorm(m: Matrix): MatrixNorm {
  const svd = new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true });
  return { spectral: round(svd.norm2), frobenius: round(m.norm('frobenius')) };
}

/**
 * Norms of A·Bᵀ for tall A, B (d × dh) without forming the d × d product: with thin QR A = Q_A·R_A,
 * B = Q_B·R_B, A·Bᵀ = Q_A·(R_A·R_Bᵀ)·Q_Bᵀ has the singular values of the small dh × dh R_A·R_Bᵀ.
 */
export function productNorm(a: Matrix, b: Matrix): MatrixNorm {
  if (a.rows < a.columns) return matrixNorm(a.mmul(b.transpose()));
  const ra = new QrDecomposition(a).upperTriangularMatrix;
  const rb = new QrDecomposition(b).upperTriangularMatrix;
  return matrixNorm(ra.mmul(rb.transpose()));
}

/** Per layer: every head's ‖W_Q,h·W_K,hᵀ‖, ‖W_V,h‖, ‖W_O,h‖, and the MLP's ‖W_1‖, ‖W_2‖. Empty for the MLP baseline. */
export function weightNorms(weights: Weights, cfg: ModelConfig): LayerNorms[] {
  if (cfg.arch !== 'transformer') return [];
  const d = cfg.dModel;
  const H = cfg.heads;
  const dh = d / H;
  const read = (name: string) => (weights[name] as tf.Tensor).dataSync() as Float32Array;
  const out: LayerNorms[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const [wq, wk, wv, wo] = ['wq', 'wk', 'wv', 'wo'].map((w) => read(`h${l}.attn.${w}`));
    const heads = Array.from({ length: H }, (_, h) => {
      // Head h reads columns h·dh … (h+1)·dh of W_Q, W_K, W_V and writes rows h·dh … of W_O.
      const cols = (w: Float32Array) => block(w, d, 0, d, h * dh, (h + 1) * dh);
      return { qk: productNorm(cols(wq), cols(wk)), v: matrixNorm(cols(wv)), o: matrixNorm(block(wo, d, h * dh, (h + 1) * dh, 0, d)) };
    });
    const hidden = weights[`h${l}.mlp.w1`].shape[1]!;
    out.push({ heads, mlp: { in: matrixNorm(block(read(`h${l}.mlp.w1`), hidden, 0, d, 0, hidden)), out: matrixNorm(block(read(`h${l}.mlp.w2`), d, 0, hidden, 0, d)) } });
  }
  return out;
}
