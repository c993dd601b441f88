// The public reproduction's model fields (issue 22): model.dropout, model.clsPosition and
// model.layerNormEps. Absent, they change nothing (same numbers, same stored experiment); present,
// each changes what it says and nothing else: dropout only in training steps, seeded, the same in the
// table form and the token form and for a member of an ensemble as for its single run.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { forward } from '../../src/core/model/model';
import { type TransformerParams, initParams, mapParams, stackParams } from '../../src/core/model/params';
import { dropoutMask } from '../../src/core/model/dropout';
import { makeDataset } from '../../src/core/spec/dataset';
import { ExperimentSchema, type ExperimentInput, estimateTrainingMemoryBytes } from '../../src/core/spec/experimentSpec';
import { rngFor } from '../../src/core/spec/seededRandom';
import { selectBackend } from '../../src/core/train/backend';
import { train, trainEnsemble } from '../../src/core/train/ensembleTraining';
import { modelConfig } from '../../src/core/train/training';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const T = 9;

const spec = (model: NonNullable<ExperimentInput['model']> = {}, seed = 3, trainSize = 12) =>
  ExperimentSchema.parse({
    version: 1,
    name: 'repro',
    task: { kind: 'and', T, s: 2 },
    data: { trainSize, testSize: 20 },
    model: { heads: 2, dModel: 8, mlpRatio: 1, ...model },
    training: { batchSize: 'full', maxSteps: 6, evalEvery: 6 },
    seed,
  });

/** The per-step training losses of one run. */
async function losses(model: NonNullable<ExperimentInput['model']>, opts: { tabulated?: boolean } = {}): Promise<number[]> {
  const s = spec(model);
  const out: number[] = [];
  await train(s, makeDataset(s), { onStep: (_, loss) => out.push(loss) }, opts);
  return out;
}

function bits(K: number, B: number): tf.Tensor3D {
  const rng = rngFor(5, 'train');
  return tf.tensor3d(Float32Array.from({ length: K * B * T }, () => (rng() < 0.5 ? 1 : 0)), [K, B, T]);
}

describe('the public reproduction\'s model fields (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  it('the memory estimate counts dropout\'s masks, and only with dropout', () => {
    const at = (model: NonNullable<ExperimentInput['model']>) =>
      estimateTrainingMemoryBytes(ExperimentSchema.parse({ version: 1, name: 'm', task: { kind: 'and', T: 500, s: 3 }, data: { trainSize: 100 }, model: { heads: 16, ...model } }));
    assert.equal(at({ dropout: 0 }), at({}));
    assert.ok(at({ dropout: 0.1 }) > at({}) * 1.05, `${at({ dropout: 0.1 })} vs ${at({})}`);
  });

  it('absent fields leave the stored experiment as it was (no new keys)', () => {
    assert.deepEqual(Object.keys(spec().model).sort(), ['arch', 'dModel', 'heads', 'init', 'layers', 'mlpRatio']);
    assert.deepEqual(Object.keys(spec().data).sort(), ['testSize', 'trainSize']);
  });

  it('the defaults written out train bit for bit as the fields left out', async () => {
    const absent = await losses({});
    assert.equal(absent.length, 6);
    assert.deepEqual(await losses({ dropout: 0, clsPosition: 'first', layerNormEps: 1e-5 }), absent);
  });

  it('dropout changes the training trajectory, reproducibly (same seed, same losses)', async () => {
    const plain = await losses({});
    const dropped = await losses({ dropout: 0.3 });
    assert.notDeepEqual(dropped, plain);
    assert.equal(dropped[0] === plain[0], false, 'the first step already sees dropout');
    assert.deepEqual(await losses({ dropout: 0.3 }), dropped);
  });

  it('dropout drops the same units in the table form as in the token form', async () => {
    const table = await losses({ dropout: 0.3 }, { tabulated: true });
    const tokens = await losses({ dropout: 0.3 }, { tabulated: false });
    table.forEach((l, i) => assert.ok(Math.abs(l - tokens[i]) < 1e-5, `step ${i + 1}: ${l} vs ${tokens[i]}`));
  });

  it('a mask drops about `rate` of the units and scales the kept ones by 1/(1 − rate); a member\'s mask is its own', () => {
    tf.tidy(() => {
      const plan = { rate: 0.1, seeds: [3, 4], step: 7 };
      const mask = dropoutMask([2, 100, 16, 50], plan, 'attention0').dataSync();
      const half = mask.length / 2;
      const dropped = mask.slice(0, half).filter((v) => v === 0).length / half;
      assert.ok(Math.abs(dropped - 0.1) < 0.005, `dropped share ${dropped}`);
      assert.ok(mask.every((v) => v === 0 || Math.abs(v - 1 / 0.9) < 1e-6));
      const alone = dropoutMask([1, 60, 16, 50], { ...plan, seeds: [4] }, 'attention0').dataSync();
      assert.deepEqual(alone, mask.slice(half, half + alone.length), 'member 1 alone, fewer rows: the same mask on its rows');
      assert.notDeepEqual(dropoutMask([1, 60, 16, 50], { ...plan, seeds: [4], step: 8 }, 'attention0').dataSync(), alone, 'another step, another mask');
    });
  });

  it('evaluation never drops: the forward without a plan is deterministic and ignores model.dropout', () => {
    const cfg = modelConfig(spec({ dropout: 0.5 }));
    const p = stackParams([initParams(cfg, rngFor(1, 'init'))]);
    tf.tidy(() => {
      const x = bits(1, 6);
      const a = forward(x, p, cfg).logits;
      assert.equal(maxDiff(a, forward(x, p, cfg).logits), 0);
      assert.equal(maxDiff(a, forward(x, p, modelConfig(spec())).logits), 0);
      const trained = forward(x, p, cfg, { dropout: { rate: 0.5, seeds: [3], step: 1 } }).logits;
      assert.ok(maxDiff(a, trained) > 1e-4, 'a training forward with dropout differs');
    });
  });

  it('an ensemble member with dropout trains as its single run (its own seed, padded batch)', async () => {
    const members = [spec({ dropout: 0.2 }, 3, 12), spec({ dropout: 0.2 }, 4, 7)];
    const together: number[][] = [[], []];
    await trainEnsemble(members.map((s, i) => ({ spec: s, data: makeDataset(s), hooks: { onStep: (_: number, loss: number) => together[i].push(loss) } })));
    for (const [i, s] of members.entries()) {
      const alone: number[] = [];
      await train(s, makeDataset(s), { onStep: (_, loss) => alone.push(loss) });
      alone.forEach((l, j) => assert.ok(Math.abs(l - together[i][j]) < 1e-5, `member ${i} step ${j + 1}: ${together[i][j]} vs ${l}`));
    }
  });

  it('clsPosition "last" gives [CLS] the positional table\'s last row: the "first" model with that row moved to the front', () => {
    const last = modelConfig(spec({ clsPosition: 'last' }));
    const first = modelConfig(spec());
    const p = stackParams([initParams(first, rngFor(2, 'init'))]) as TransformerParams<tf.Tensor>;
    tf.tidy(() => {
      const moved = mapParams(p, (v) => v);
      moved.emb.pos = tf.concat([tf.slice(p.emb.pos, [0, T, 0], [1, 1, 8]), tf.slice(p.emb.pos, [0, 0, 0], [1, T, 8])], 1);
      const x = bits(1, 6);
      for (const tabulated of [true, false]) {
        const a = forward(x, p, last, { tabulated }).logits;
        assert.ok(maxDiff(a, forward(x, moved, first, { tabulated }).logits) < 1e-6, `tabulated ${tabulated}`);
        assert.ok(maxDiff(a, forward(x, p, first, { tabulated }).logits) > 1e-4, 'the field changes the model');
      }
    });
  });

  it('layerNormEps is the ε of every LayerNorm: 1e-5 written out is the default, another value changes the logits', () => {
    const p = stackParams([initParams(modelConfig(spec()), rngFor(2, 'init'))]);
    tf.tidy(() => {
      const x = bits(1, 6);
      const base = forward(x, p, modelConfig(spec())).logits;
      assert.equal(maxDiff(base, forward(x, p, modelConfig(spec({ layerNormEps: 1e-5 }))).logits), 0);
      assert.ok(maxDiff(base, forward(x, p, modelConfig(spec({ layerNormEps: 0.1 }))).logits) > 1e-4);
    });
  });
});
