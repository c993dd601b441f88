// The norms the paper's capacity bound is stated in (Edelman et al. 2022, §4): per layer and head,
// the bilinear form W_Q·W_Kᵀ that scores a query against a key, the value map W_V and the head's
// rows of the output projection W_O; per layer the MLP's two matrices. Computed on the host in
// float64 from the weights a forward pass reads, at every evaluation. Spectral = largest singular
// value; Frobenius = √(Σ w²), which bounds the spectral norm from above.
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import type { LayerNorms, MatrixNorm } from '../../protocol/runEvents';
import { headBlocks } from './headSlices';
import { type ModelConfig, type Params, isTransformer } from './params';

/** A row-major (rows × cols) float32 array as a Matrix. */
function toMatrix(data: Float32Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, data[r * cols + c]);
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

/**
 * Norms of matrices too large for a quick SVD (the MLP's d × mlpRatio·d), one per member of w
 * (K, rows, cols): each Gram matrix on the smaller side in one batched product and one read, then the
 * Frobenius norm from its trace and the spectral norm from its largest eigenvalue by power iteration
 * (the Rayleigh quotient converges fast even when the top eigenvalues are close: its error scales
 * with their difference). At d = 256, mlpRatio = 4 this takes tens of milliseconds where an SVD of
 * the 256 × 1024 matrix took ~0.5 s.
 */
export async function gramNorms(w: tf.Tensor3D): Promise<MatrixNorm[]> {
  const [K, rows, cols] = w.shape;
  const n = Math.min(rows, cols);
  const gramTensor = tf.tidy(() => (cols <= rows ? tf.matMul(w, w, true, false) : tf.matMul(w, w, false, true)));
  const all = await gramTensor.data();
  gramTensor.dispose();
  return Array.from({ length: K }, (_, k) => spectralFromGram(Float64Array.from(all.subarray(k * n * n, (k + 1) * n * n)), n));
}

/** The 2-D case of gramNorms. */
export async function gramNorm(w: tf.Tensor2D): Promise<MatrixNorm> {
  const stacked = tf.expandDims(w, 0) as tf.Tensor3D;
  try {
    return (await gramNorms(stacked))[0];
  } finally {
    stacked.dispose();
  }
}

/** Spectral and Frobenius norm of a matrix from its n × n Gram matrix g (row-major). */
function spectralFromGram(g: Float64Array, n: number): MatrixNorm {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += g[i * n + i];
  // A fixed start with a component along every direction (never orthogonal to the top eigenvector in practice).
  let v = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(i + 1));
  let lambda = 0;
  for (let it = 0; it < 300; it++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm === 0) break;
    for (let i = 0; i < n; i++) v[i] /= norm;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += g[i * n + k] * v[k];
      next[i] = acc;
    }
    let rayleigh = 0;
    for (let i = 0; i < n; i++) rayleigh += v[i] * next[i];
    const done = Math.abs(rayleigh - lambda) <= 1e-10 * Math.abs(rayleigh);
    lambda = rayleigh;
    v = next;
    if (done) break;
  }
  return { spectral: round(Math.sqrt(Math.max(0, lambda))), frobenius: round(Math.sqrt(Math.max(0, trace))) };
}

/** Every member's heads of W (K, d, d) as Matrices, [member][head] (headSlices.ts). */
async function heads(w: tf.Tensor, H: number, part: 'columns' | 'rows'): Promise<Matrix[][]> {
  const { blocks, rows, cols } = await headBlocks(w, H, part);
  return blocks.map((member) => member.map((b) => toMatrix(b, rows, cols)));
}

/**
 * Per member, per layer: every head's ‖W_Q,h·W_K,hᵀ‖, ‖W_V,h‖, ‖W_O,h‖, and the MLP's ‖W_1‖, ‖W_2‖,
 * from stacked weights (K, ...): a handful of reads per layer, whatever K. Empty for the MLP baseline.
 */
export async function memberWeightNorms(weights: Params, cfg: ModelConfig): Promise<LayerNorms[][]> {
  if (!isTransformer(weights)) return [[]];
  const H = cfg.heads;
  const K = weights.head.w.shape[0];
  const out: LayerNorms[][] = Array.from({ length: K }, () => []);
  for (const { attn, mlp } of weights.layers) {
    const [q, k, v] = await Promise.all([attn.wq, attn.wk, attn.wv].map((w) => heads(w, H, 'columns')));
    const o = await heads(attn.wo, H, 'rows');
    const [w1, w2] = [await gramNorms(mlp.w1 as tf.Tensor3D), await gramNorms(mlp.w2 as tf.Tensor3D)];
    for (let m = 0; m < K; m++) {
      const perHead = q[m].map((qh, h) => ({ qk: productNorm(qh, k[m][h]), v: matrixNorm(v[m][h]), o: matrixNorm(o[m][h]) }));
      out[m].push({ heads: perHead, mlp: { in: w1[m], out: w2[m] } });
    }
  }
  return out;
}

/** The norms of one member's weights (a record with K = 1). */
export async function weightNorms(weights: Params, cfg: ModelConfig): Promise<LayerNorms[]> {
  return (await memberWeightNorms(weights, cfg))[0];
}
