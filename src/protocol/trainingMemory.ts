// The one estimate of what one training step of a spec needs (float32 bytes), following what the
// forward pass really computes (src/core/model/model.ts, attention.ts, tableAttention.ts). It lives
// in the contract, below everything, because the experiment schema's cross-field check refuses
// hopeless settings with it and src/protocol imports nothing above itself; the trainer's backend
// check, the ensemble sizing and the GPU bound all call these same functions.
//
// Measured on WASM by bench/trainingMemory.ts (tensor bytes, as tf.memory counts them, at their peak
// during the second training step, less those alive before training; H = 16, d = 64, mlpRatio 4,
// full batch; the WASM heap adds its own slack on top, which the 2 GiB bound leaves room for):
//   1 layer  T = 40,  m = 100: estimate  22.8 MiB, measured  15.4 MiB
//   1 layer  T = 160, m = 100: estimate  55.3 MiB, measured  39.5 MiB
//   1 layer  T = 500, m = 100: estimate 147.6 MiB, measured 107.8 MiB  (the protocol's largest cell)
//   1 layer  T = 500, m = 4:   estimate  34.5 MiB, measured  24.6 MiB
//   1 layer  T = 20,  m = 2000: estimate 253 MiB,  measured  187 MiB
//   2 layers T = 40,  m = 100: estimate 480 MiB,   measured  382 MiB
//   2 layers T = 160, m = 20:  estimate 616 MiB,   measured  468 MiB
//   2 layers T = 500, m = 4:   estimate 822 MiB,   measured  598 MiB
//   MLP (256 hidden) T = 500, m = 10 / 1000: estimate 10.3 / 56.1 MiB, measured 8.8 / 49.1 MiB
// i.e. above the measurement by 1.1–1.5×, never below. The old count (3·H·(T+1)² for every query row
// of every layer) said 4.6 GiB for the protocol's T = 500, m = 100 (mlpRatio 1) and refused it on WASM. Evaluation is
// not in it (it runs member by member; at T = 500 its attention maps peaked ~140 MiB above the step).
import type { Experiment } from './experimentSchema';

type Sized = Pick<Experiment, 'task' | 'model' | 'training' | 'data'>;

export function effectiveBatchSize(spec: Pick<Experiment, 'training' | 'data'>): number {
  const b = spec.training.batchSize;
  return b === 'full' ? spec.data.trainSize : Math.min(b, spec.data.trainSize);
}

const hiddenWidth = (spec: Sized) => Math.max(1, Math.round(spec.model.mlpRatio * spec.model.dModel));

/** Parameters of one model (as params.ts draws them). */
export function parameterCount(spec: Sized): number {
  const { layers, dModel: d, arch } = spec.model;
  const T = spec.task.T;
  const h = hiddenWidth(spec);
  if (arch === 'mlp') return (T + 1) * h + (layers - 1) * (h + 1) * h + h + 1;
  const block = 4 * (d * d + d) + 2 * d * h + h + d + 4 * d;
  return (T + 4) * d + layers * block + 3 * d + 1;
}

/**
 * Floats one sample keeps alive through a step: the forward's saved tensors, the gradients built from
 * them and tfjs's copies (Identity, Cast, broadcasts), with coefficients fitted to measurement (above):
 * - the one tabulated [CLS]-only layer (layers = 1): ~36 tensors of H·(T+1) (the score each bit
 *   chooses, exp, probabilities, weighted ones, their gradients) and no per-token d-vector at all,
 *   then [CLS]'s own state through the MLP, ~(64 + 64·mlpRatio)·d;
 * - each layer before the last: the (T+1)² scores, scaled scores and probabilities per head with
 *   their gradients (10·H·n²) and ~(100 + 30·mlpRatio) d-vectors per token (LayerNorm, q, k, v,
 *   heads, MLP); the embedding and the last layer's keys and values, ~(70 + 15·mlpRatio)·n·d;
 * - the MLP baseline: the input (12·T) and ~24 copies of each hidden layer.
 */
function perSampleFloats(spec: Sized): number {
  const { layers, heads: H, dModel: d, mlpRatio: r, arch } = spec.model;
  const T = spec.task.T;
  if (arch === 'mlp') return 12 * T + 24 * layers * hiddenWidth(spec);
  const n = T + 1;
  const cls = 36 * H * n + (64 + 64 * r) * d;
  if (layers === 1) return cls;
  return (layers - 1) * (10 * H * n * n + (100 + 30 * r) * n * d) + (70 + 15 * r) * n * d + cls;
}

/**
 * What `model.dropout` adds per sample (0 without it, so every estimate above stays as measured):
 * each layer's masks (attention probabilities, output projection, MLP), the table form's transposed
 * and sliced mask, the dropped copies and their gradients, ~4 floats per masked unit. Measured with
 * dropout 0.1 (bench/trainingMemory.ts … dropout=0.1): 1 layer T = 500, m = 100: estimate 172.3 MiB,
 * measured 126.4 MiB (18.5 MiB above the same step without dropout); 2 layers T = 40, m = 100:
 * estimate 531 MiB, measured 431 MiB.
 */
function dropoutFloats(spec: Sized): number {
  const { layers, heads: H, dModel: d, arch, dropout } = spec.model;
  if (arch !== 'transformer' || !dropout) return 0;
  const n = spec.task.T + 1;
  return (layers - 1) * 4 * (H * n * n + 2 * n * d) + 4 * (2 * H * n + 2 * d);
}

/** Floats that do not grow with the batch: the first layer's token table (2T + 1 rows) through LayerNorm, q, k, v and their gradients. */
function tableFloats(spec: Sized): number {
  return spec.model.arch === 'transformer' ? 96 * (2 * spec.task.T + 1) * spec.model.dModel : 0;
}

/**
 * Bytes one training step of this spec needs: activations and their gradients for the batch, the
 * token table, and the parameters with their gradient, AdamW's two moments and its temporaries
 * (~20 copies measured: the MLP's step at m = 10 is nearly all parameters). In an
 * ensemble each member adds this much (evaluation, member by member, is reserved apart).
 */
export function estimateTrainingMemoryBytes(spec: Sized): number {
  return 4 * (effectiveBatchSize(spec) * (perSampleFloats(spec) + dropoutFloats(spec)) + tableFloats(spec) + 20 * parameterCount(spec));
}

/**
 * The largest single tensor one member adds to a step (a GPU buffer binding bounds it). One layer
 * (tabulated, [CLS] only): the attention over the positions, B·H·n, or [CLS]'s hidden state,
 * B·mlpRatio·d. Deeper: the scores, B·H·n², or the per-token activations, B·n·mlpRatio·d. With K
 * members stacked, that tensor is K times larger.
 */
export function largestTensorBytes(spec: Sized): number {
  const B = effectiveBatchSize(spec);
  const { layers, heads, dModel: d, mlpRatio, arch } = spec.model;
  if (arch === 'mlp') return 4 * B * Math.max(spec.task.T, mlpRatio * d);
  const n = spec.task.T + 1;
  const width = d * Math.max(1, mlpRatio);
  return layers === 1 ? 4 * B * Math.max(heads * n, width) : 4 * B * n * Math.max(heads * n, width);
}
