// Which part of an attention layer's weights belongs to head h — the one definition, for the norms
// the run reports (weightNorms.ts) and the projection onto the norm ball (normProjection.ts).
// Head h reads columns h·dh … (h+1)·dh of W_Q, W_K, W_V and writes rows h·dh … (h+1)·dh of W_O.
import * as tf from '@tensorflow/tfjs-core';

/** W_Q, W_K or W_V of K members (K, d, d) as head columns, (K, d, H, dh): head h is [:, :, h, :]. */
export function headColumns(w: tf.Tensor, H: number): tf.Tensor4D {
  const [K, d] = w.shape;
  return tf.reshape(w, [K, d, H, d / H]);
}

/** W_O of K members (K, d, d) as head rows, (K, H, dh, d): head h is [:, h, :, :]. */
export function headRows(w: tf.Tensor, H: number): tf.Tensor4D {
  const [K, d] = w.shape;
  return tf.reshape(w, [K, H, d / H, d]);
}

/**
 * Every member's per-head blocks on the host, row-major: for W_Q, W_K, W_V each head's (d, dh)
 * columns, for W_O each head's (dh, d) rows; blocks[k][h] is member k's head h. One read for all
 * members (a read is a round trip to a GPU), asynchronous: WebGPU in Node has no synchronous read.
 */
export async function headBlocks(w: tf.Tensor, H: number, part: 'columns' | 'rows'): Promise<{ blocks: Float32Array[][]; rows: number; cols: number }> {
  const [K, d] = w.shape as [number, number, number];
  const dh = d / H;
  const ordered = tf.tidy(() => (part === 'columns' ? tf.transpose(headColumns(w, H), [0, 2, 1, 3]) : headRows(w, H)));
  const data = (await ordered.data()) as Float32Array;
  ordered.dispose();
  const size = d * dh;
  const blocks = Array.from({ length: K }, (_, k) => Array.from({ length: H }, (_, h) => data.subarray((k * H + h) * size, (k * H + h + 1) * size)));
  return part === 'columns' ? { blocks, rows: d, cols: dh } : { blocks, rows: dh, cols: d };
}
