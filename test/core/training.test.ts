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
import { judge, modelConfig } from '../../src/core/train/training';
import type { MetricsEvent } from '../../src/protocol/runEvents';

const spec = (over: Partial<ExperimentInput> = {}) =>
  ExperimentSchema.parse({
    version: 1,
    name: 't',
    task: { kind: 'majority', T: 8, s: 3 },
    data: { trainSize: 200, testSize: 300 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 },
    training: { learningRate: 0.01, maxSteps: 200, evalEvery: 20, targetAccuracy: 0.97 },
    ...over,
  });

describe('model and training (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  it('initial weights depend only on the seed', () => {
    const cfg = modelConfig(spec());
    const a = initParams(cfg, rngFor(3, 'init'));
    const b = initParams(cfg, rngFor(3, 'init'));
    const c = initParams(cfg, rngFor(4, 'init'));
    assert.deepEqual(leavesOf(a), leavesOf(b));
    assert.ok('emb' in a && 'emb' in c);
    assert.notDeepEqual(a.layers[0].attn.wq.values, c.layers[0].attn.wq.values);
  });

  it('returns one attention map per layer whose rows sum to 1', () => {
    const s = spec({ model: { layers: 2, heads: 2, dModel: 16 } });
    const cfg = modelConfig(s);
    const p = stackParams([initParams(cfg, rngFor(0, 'init'))]);
    const data = makeDataset(s);
    tf.tidy(() => {
      const x = tf.tensor3d(Float32Array.from(data.test.x.subarray(0, 5 * 8)), [1, 5, 8]);
      const { logits, attention } = forward(x, p, cfg, { fullAttention: true, attention: true });
      const fast = forward(x, p, cfg, { attention: true });
      assert.ok(tf.max(tf.abs(tf.sub(fast.logits, logits))).dataSync()[0] < 1e-5, 'the [CLS]-only last layer gives the same logits');
      assert.deepEqual(fast.attention[1].shape, [1, 5, 2, 1, 9]);
      assert.deepEqual(logits.shape, [1, 5]);
      assert.equal(attention.length, 2);
      assert.equal(forward(x, p, cfg).attention.length, 0, 'maps only when asked');
      assert.deepEqual(attention[0].shape, [1, 5, 2, 9, 9]);
      const sums = tf.sum(attention[1], -1).dataSync();
      for (const v of sums) assert.ok(Math.abs(v - 1) < 1e-5, `row sum ${v}`);
    });
    tf.dispose(leavesOf(p));
  });

  it('learns an easy target (majority, T = 8) and attends to the relevant bits', async () => {
    const metrics: MetricsEvent[] = [];
    const r = await train(spec(), makeDataset(spec()), { onMetrics: (e) => metrics.push(e) });
    assert.equal(r.status, 'succeeded');
    assert.ok(r.testAccuracy! >= 0.97);
    assert.ok(metrics[0].testAccuracy < 0.9, 'starts near chance');
    assert.ok(r.attentionOnRelevant! > metrics[0].attentionOnRelevant!, 'attention moves toward the relevant bits');
  });

  it('successWhen "final" trains every step and judges the last evaluation only', async () => {
    const base = { learningRate: 0.01, maxSteps: 120, evalEvery: 20, targetAccuracy: 0.97 };
    const reached = await train(spec({ training: base }), makeDataset(spec()));
    assert.equal(reached.status, 'succeeded');
    assert.ok(reached.steps < 120, `early stop at ${reached.steps}`);
    const metrics: MetricsEvent[] = [];
    const s = spec({ training: { ...base, successWhen: 'final' } });
    const final = await train(s, makeDataset(s), { onMetrics: (e) => metrics.push(e) });
    assert.equal(final.steps, 120);
    assert.equal(metrics.at(-1)!.step, 120);
    assert.equal(final.testAccuracy, metrics.at(-1)!.testAccuracy, 'the summary is the last evaluation');
    assert.equal(final.status, final.testAccuracy! >= 0.97 ? 'succeeded' : 'not-reached');
    // A target reached along the way but missed at the end is not a success.
    const strict = spec({ training: { ...base, successWhen: 'final', targetAccuracy: 0.999 } });
    const m2: MetricsEvent[] = [];
    const r2 = await train(strict, makeDataset(strict), { onMetrics: (e) => m2.push(e) });
    assert.equal(r2.steps, 120);
    assert.equal(r2.status, m2.at(-1)!.testAccuracy >= 0.999 ? 'succeeded' : 'not-reached');
  });

  it('the MLP baseline trains too', async () => {
    const s = spec({ model: { arch: 'mlp', layers: 1, dModel: 32, mlpRatio: 1 } });
    const r = await train(s, makeDataset(s));
    assert.equal(r.status, 'succeeded');
    assert.equal(r.attentionOnRelevant, null);
  });

  it('same seed, same backend: the same curve', async () => {
    const s = spec({ training: { maxSteps: 30, evalEvery: 10, targetAccuracy: 1 } });
    const run = async () => {
      const losses: (number | null)[] = [];
      await train(s, makeDataset(s), { onMetrics: (e) => losses.push(e.loss) });
      return losses;
    };
    assert.deepEqual(await run(), await run());
  });

  it('keeps the live tensor count flat over 50 steps and frees everything after', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const s = spec({ training: { maxSteps: 50, evalEvery: 10, targetAccuracy: 1 } });
    await train(s, makeDataset(s), { onStep: () => counts.push(tf.memory().numTensors) });
    assert.equal(counts.length, 50);
    assert.equal(Math.max(...counts.slice(5)), Math.min(...counts.slice(5)), `counts ${counts.join(',')}`);
    assert.equal(tf.memory().numTensors, before);
  });

  it('reports divergence when the loss becomes non-finite', async () => {
    const s = spec({ training: { learningRate: 1, maxSteps: 200, evalEvery: 50, targetAccuracy: 1 } });
    const data = makeDataset(s);
    const y = Float32Array.from(data.train.y);
    y.fill(NaN); // NaN labels poison the loss at once
    const r = await train(s, { ...data, train: { ...data.train, y: y as unknown as Uint8Array } });
    assert.equal(r.status, 'diverged');
  });

  it('stops as cancelled when asked', async () => {
    let steps = 0;
    const r = await train(spec(), makeDataset(spec()), { onStep: (s) => (steps = s), shouldStop: () => steps >= 5 });
    assert.equal(r.status, 'cancelled');
    assert.equal(r.steps, 5);
  });
});

describe('the success rule (judge)', () => {
  const rule = (over: Partial<ReturnType<typeof spec>['training']> = {}) => ({ ...spec().training, ...over });

  it('a test accuracy exactly at the target succeeds (>=), also at targetAccuracy 1', () => {
    assert.equal(judge(rule({ targetAccuracy: 0.75, successWhen: 'reached' }), 40, 0.75), 'succeeded');
    assert.equal(judge(rule({ targetAccuracy: 1, successWhen: 'reached' }), 40, 1), 'succeeded');
    assert.equal(judge(rule({ targetAccuracy: 0.75, successWhen: 'reached' }), 40, 0.7499), undefined);
  });

  it('"final" succeeds only at the last step', () => {
    const final = rule({ targetAccuracy: 0.9, successWhen: 'final', maxSteps: 200 });
    assert.equal(judge(final, 100, 1), undefined);
    assert.equal(judge(final, 200, 0.9), 'succeeded');
    assert.equal(judge(final, 200, 0.89), undefined);
  });
});
