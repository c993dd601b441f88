// The fast path ([CLS]-only last layer, element-wise attention) must be an optimisation only: same
// logits and same training curve as the straightforward reference implementation.
import { referenceForward } from '../../bench/referenceModel';
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { makeDataset } from '../../src/core/spec/dataset';
import { type ExperimentInput, ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { forward } from '../../src/core/model/model';
import { initParams, leavesOf, stackParams } from '../../src/core/model/params';
import { rngFor } from '../../src/core/spec/seededRandom';
import { train } from '../../src/core/train/ensembleTraining';
import { modelConfig } from '../../src/core/train/training';

const LOGIT_TOLERANCE = 1e-4;
const LOSS_REL_TOLERANCE = 1e-3;

const spec = (T: number, layers: number, over: Partial<ExperimentInput> = {}) =>
  ExperimentSchema.parse({
    version: 1,
    name: 'fast-path',
    task: { kind: 'parity', T, s: Math.min(3, T) },
    data: { trainSize: 256, testSize: 32 },
    model: { layers, heads: 4, dModel: 32, mlpRatio: 2 },
    // A large learning rate so 10 steps move the loss visibly: equal curves then mean something.
    training: { learningRate: 0.01, batchSize: 32, maxSteps: 10, evalEvery: 100, targetAccuracy: 1 },
    ...over,
  });

/** Worst relative difference between two loss curves (relative: losses shrink during training). */
function worstRelDiff(a: number[], b: number[]): { step: number; rel: number } {
  let worst = { step: 0, rel: 0 };
  a.forEach((v, i) => {
    const rel = Math.abs(v - b[i]) / Math.abs(b[i]);
    if (!(rel <= worst.rel)) worst = { step: i + 1, rel }; // NaN counts as worst
  });
  return worst;
}

async function losses(s: ReturnType<typeof spec>, reference: boolean): Promise<number[]> {
  const out: number[] = [];
  await train(s, makeDataset(s), { onStep: (_, loss) => out.push(loss) }, reference ? { forward: referenceForward } : {});
  return out;
}

describe('fast path vs reference implementation (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  for (const layers of [1, 2]) {
    for (const T of [1, 7, 32]) {
      it(`forward: same logits and [CLS] attention, ${layers} layer(s), T = ${T}`, () => {
        const s = spec(T, layers);
        const cfg = modelConfig(s);
        const p = stackParams([initParams(cfg, rngFor(1, 'init'))]);
        const data = makeDataset(s);
        const B = 16;
        tf.tidy(() => {
          const x = tf.tensor3d(Float32Array.from(data.train.x.subarray(0, B * T)), [1, B, T]);
          const fast = forward(x, p, cfg, { attention: true });
          const ref = referenceForward(x, p, cfg);
          const logits = ref.logits.dataSync();
          // Logits of order 1: a tolerance of 1e-4 would be meaningless on near-zero outputs.
          assert.ok(Math.max(...logits.map(Math.abs)) > 0.05, `logits too small to compare: ${logits}`);
          const diff = tf.max(tf.abs(tf.sub(fast.logits, ref.logits))).dataSync()[0];
          assert.ok(diff < LOGIT_TOLERANCE, `max |fast − reference| logit = ${diff}`);
          // The last layer's fast map is the [CLS] row of the full one; earlier layers are identical.
          const n = T + 1;
          const last = layers - 1;
          const clsRow = tf.slice(ref.attention[last], [0, 0, 0, 0, 0], [1, B, 4, 1, n]);
          assert.deepEqual(fast.attention[last].shape, [1, B, 4, 1, n]);
          assert.ok(tf.max(tf.abs(tf.sub(fast.attention[last], clsRow))).dataSync()[0] < 1e-5, '[CLS] attention row differs');
          for (let l = 0; l < last; l++) assert.ok(tf.max(tf.abs(tf.sub(fast.attention[l], ref.attention[l]))).dataSync()[0] < 1e-5, `layer ${l} map differs`);
        });
        tf.dispose(leavesOf(p));
      });
    }
  }

  for (const layers of [1, 2]) {
    it(`training: the same loss at every one of 10 steps, ${layers} layer(s), T = 16`, async () => {
      const s = spec(16, layers);
      const fast = await losses(s, false);
      const ref = await losses(s, true);
      assert.equal(fast.length, 10);
      assert.equal(ref.length, 10);
      // The curve must move, or equal curves would prove nothing about the gradients.
      assert.ok(Math.max(...ref) - Math.min(...ref) > 0.01, `loss barely moved: ${ref}`);
      const worst = worstRelDiff(fast, ref);
      assert.ok(worst.rel <= LOSS_REL_TOLERANCE, `step ${worst.step}: relative loss difference ${worst.rel}\nfast ${fast}\nref  ${ref}`);
    });
  }

  it('the loss comparison detects a different model (the check can fail)', async () => {
    const s = spec(16, 1);
    const a = await losses(s, false);
    // Same data and batches, different initial weights: a genuinely different computation.
    const b = await losses({ ...s, model: { ...s.model, init: 'normal-0.02' } }, true);
    assert.ok(worstRelDiff(a, b).rel > LOSS_REL_TOLERANCE);
  });
});
