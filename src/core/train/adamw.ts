// AdamW over the leaves of the stacked parameters, element-wise for all members at once, in tfjs's
// Adam arithmetic (tf.train.adam, same order of operations); then decoupled weight decay by the
// leaf's kind (params.ts): only the linear layers' weight matrices decay.
import * as tf from '@tensorflow/tfjs-core';
import type { Kind } from '../model/params';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** The kinds weight decay applies to: weight matrices, not biases, LayerNorm gains or embeddings. */
export const decays = (kind: Kind): boolean => kind === 'matrix';

/** β^t as tfjs's Adam holds it: a float32 product, one factor per step. */
function accumulatedBeta(beta: number, t: number): number {
  let acc = Math.fround(beta);
  for (let i = 1; i < t; i++) acc = Math.fround(acc * Math.fround(beta));
  return acc;
}

/** Adam's two moments, one variable per parameter leaf (same order). */
export interface Moments {
  first: tf.Variable[];
  second: tf.Variable[];
}

export const zeroMoments = (leaves: tf.Variable[]): Moments => {
  const zeros = () => leaves.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v))));
  return { first: zeros(), second: zeros() };
};

/** One AdamW step at step t (1-based) on every leaf; grads are keyed by the variables' engine-wide names. */
export function adamStep(leaves: tf.Variable[], kinds: Kind[], grads: tf.NamedTensorMap, moments: Moments, t: number, lr: number, weightDecay: number): void {
  const c1 = 1 - accumulatedBeta(BETA1, t);
  const c2 = 1 - accumulatedBeta(BETA2, t);
  leaves.forEach((v, i) => {
    const g = grads[v.name];
    const m = tf.add(tf.mul(moments.first[i], BETA1), tf.mul(g, 1 - BETA1));
    const s = tf.add(tf.mul(moments.second[i], BETA2), tf.mul(tf.square(g), 1 - BETA2));
    moments.first[i].assign(m);
    moments.second[i].assign(s);
    v.assign(tf.add(tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(s, c2)), EPSILON)), -lr), v));
    // AdamW: decay decoupled from the adaptive step (Loshchilov & Hutter).
    if (weightDecay > 0 && decays(kinds[i])) v.assign(tf.mul(v, 1 - lr * weightDecay));
  });
}
