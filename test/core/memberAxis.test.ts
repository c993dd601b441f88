// The one forward over a member axis (issue 19): K members in one call compute what each member
// computes alone (K = 1) — logits and attention maps — and a single member matches the independent
// reference forward (bench/referenceModel.ts).
import { referenceForward } from '../../bench/referenceModel';
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { forward } from '../../src/core/model/model';
import { initParams, leavesOf, mapParams, stackParams } from '../../src/core/model/params';
import { ExperimentSchema, type ExperimentInput } from '../../src/core/spec/experimentSpec';
import { rngFor } from '../../src/core/spec/seededRandom';
import { selectBackend } from '../../src/core/train/backend';
import { modelConfig } from '../../src/core/train/training';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('one forward over the member axis (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  const models: NonNullable<ExperimentInput['model']>[] = [{ layers: 1, heads: 4, dModel: 16 }, { layers: 2, heads: 2, dModel: 16 }, { arch: 'mlp', layers: 2, dModel: 16 }];
  for (const model of models) {
    for (const fullAttention of [false, true]) {
      it(`K = 3 equals three K = 1 calls to 1e-6 (${model.arch ?? 'transformer'}, ${model.layers} layer(s), fullAttention ${fullAttention})`, () => {
        const T = 9;
        const B = 7;
        const spec = ExperimentSchema.parse({ version: 1, name: 'k', task: { kind: 'and', T, s: 2 }, data: { trainSize: 8 }, model });
        const cfg = modelConfig(spec);
        const drawn = [1, 2, 3].map((seed) => initParams(cfg, rngFor(seed, 'init')));
        const stacked = stackParams(drawn);
        const rng = rngFor(5, 'train');
        const x = tf.tensor3d(Float32Array.from({ length: 3 * B * T }, () => (rng() < 0.5 ? 1 : 0)), [3, B, T]);
        tf.tidy(() => {
          const all = forward(x, stacked, cfg, { fullAttention, attention: true });
          assert.ok(maxDiff(all.logits, tf.zerosLike(all.logits)) > 0.01, 'logits too small to compare');
          for (let k = 0; k < 3; k++) {
            const one = mapParams(stacked, (v) => tf.slice(v, [k], [1]));
            const xk = tf.slice(x, [k], [1]) as tf.Tensor3D;
            const alone = forward(xk, one, cfg, { fullAttention, attention: true });
            assert.ok(maxDiff(tf.slice(all.logits, [k], [1]), alone.logits) <= 1e-6, `member ${k} logits`);
            alone.attention.forEach((a, l) => assert.ok(maxDiff(tf.slice(all.attention[l], [k], [1]), a) <= 1e-6, `member ${k} layer ${l} map`));
            const ref = referenceForward(xk, one, cfg);
            assert.ok(maxDiff(ref.logits, alone.logits) < 1e-4, `member ${k} vs reference: ${maxDiff(ref.logits, alone.logits)}`);
          }
          // The check can fail: another member's weights give other logits.
          const other = forward(tf.slice(x, [0], [1]) as tf.Tensor3D, mapParams(stacked, (v) => tf.slice(v, [1], [1])), cfg);
          assert.ok(maxDiff(tf.slice(all.logits, [0], [1]), other.logits) > 1e-3);
        });
        tf.dispose([x, ...leavesOf(stacked)]);
      });
    }
  }
});
