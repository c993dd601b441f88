// The tabulated first layer is exact: the same logits, attention maps and gradients as projecting
// every token, on random weights, for several T, head counts and depths (issue 11, item 0).
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { forward } from '../../src/core/model/model';
import { initParams, leavesOf, stackParams } from '../../src/core/model/params';
import { rngFor } from '../../src/core/spec/seededRandom';
import { makeDataset } from '../../src/core/spec/dataset';
import { bceTerms, train } from '../../src/core/train/ensembleTraining';
import { modelConfig } from '../../src/core/train/training';

const REL = 1e-5;

/** max |a − b| / max(max |b|, floor): relative to the tensor's own scale, so tiny entries do not dominate. */
function relDiff(a: tf.Tensor, b: tf.Tensor, floor = 1e-6): number {
  return tf.tidy(() => {
    const scale = Math.max(tf.max(tf.abs(b)).dataSync()[0], floor);
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / scale;
  });
}

describe('tabulated first layer (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  for (const [T, heads, layers] of [[5, 1, 1], [16, 4, 1], [33, 2, 2], [12, 8, 3]] as const) {
    it(`T = ${T}, ${heads} heads, ${layers} layer${layers > 1 ? 's' : ''}: logits, attention and gradients match`, () => {
      const spec = ExperimentSchema.parse({
        version: 1, name: 'tab', task: { kind: 'parity', T, s: 2 }, data: { trainSize: 8 },
        model: { layers, heads, dModel: 32, mlpRatio: 2, init: 'fan-in' }, seed: T,
      });
      const cfg = modelConfig(spec);
      const p = stackParams([initParams(cfg, rngFor(T + heads, 'init'))]);
      const rng = rngFor(T, 'train');
      const B = 24;
      const x = tf.tensor3d(Float32Array.from({ length: B * T }, () => (rng() < 0.5 ? 1 : 0)), [1, B, T]);
      const y = tf.tensor2d(Float32Array.from({ length: B }, () => (rng() < 0.5 ? 1 : 0)), [1, B]);
      for (const fullAttention of [false, true]) {
        const tab = forward(x, p, cfg, { fullAttention, tabulated: true, attention: true });
        const std = forward(x, p, cfg, { fullAttention, tabulated: false, attention: true });
        assert.ok(relDiff(tab.logits, std.logits) < REL, `logits (full ${fullAttention}): ${relDiff(tab.logits, std.logits)}`);
        tab.attention.forEach((a, l) => assert.ok(relDiff(a, std.attention[l]) < REL, `attention layer ${l}: ${relDiff(a, std.attention[l])}`));
        tf.dispose([tab.logits, std.logits, ...tab.attention, ...std.attention]);
      }
      const vars = leavesOf(p);
      const grads = (tabulated: boolean) => tf.variableGrads(() => tf.mean(bceTerms(forward(x, p, cfg, { tabulated }).logits, y)) as tf.Scalar, vars).grads;
      const gTab = grads(true);
      const gStd = grads(false);
      // variableGrads keys gradients by variable name; name them by their place in the record.
      const nameOf = Object.fromEntries(vars.map((v, i) => [v.name, `leaf ${i}`]));
      assert.equal(Object.keys(gStd).length, vars.length, 'every parameter has a gradient');
      // Some gradients are zero in exact arithmetic (the key bias shifts every score of a query
      // alike) and come out as float32 noise (~1e-8) either way, so a gradient smaller than 1 % of
      // the model's largest is measured against that 1 %, the others against their own scale.
      const global = Math.max(...Object.values(gStd).map((g) => tf.max(tf.abs(g)).dataSync()[0]));
      for (const k of Object.keys(gStd)) {
        const rel = relDiff(gTab[k], gStd[k], 1e-2 * global);
        assert.ok(rel < REL, `gradient of ${nameOf[k]}: ${rel.toExponential(2)}`);
      }
      tf.dispose([x, y, ...vars, ...Object.values(gTab), ...Object.values(gStd)]);
    });
  }

  // The protocol's settings (16 heads, d = 64, full batch, AdamW): the trainer's loss curve with the
  // table follows the standard computation's. Rounding differs (different summation order), so the
  // curves agree to float32 noise, which training at these settings does not amplify.
  for (const T of [10, 40]) {
    it(`training, T = ${T}: the tabulated trainer follows the standard computation to 1e-4 over 100 steps`, async () => {
      const s = ExperimentSchema.parse({
        version: 1,
        name: 'tab-train',
        task: { kind: 'and', T, s: 3 },
        data: { trainSize: 80, testSize: 100 },
        model: { heads: 16, dModel: 64, mlpRatio: 1, init: 'normal-0.02' },
        training: { learningRate: 0.001, weightDecay: 0.0001, batchSize: 'full', maxSteps: 100, evalEvery: 100, targetAccuracy: 1, successWhen: 'final' },
      });
      const curve = async (tabulated: boolean) => {
        const losses: number[] = [];
        await train(s, makeDataset(s), { onStep: (_, l) => losses.push(l) }, { tabulated });
        return losses;
      };
      const [tab, std] = [await curve(true), await curve(false)];
      const worst = Math.max(...tab.map((v, i) => Math.abs(v - std[i]) / Math.abs(std[i])));
      assert.equal(tab.length, 100);
      assert.ok(worst < 1e-4, `worst relative loss difference ${worst}`);
    });
  }
});
