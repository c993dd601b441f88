// The ensemble trainer must change the scheduling only: each member of an ensemble trains as its own
// single run (K = 1) would (issue 11), and a single run follows the reference forward (issue 19).
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { makeDataset } from '../../src/core/spec/dataset';
import { referenceForward } from '../../bench/referenceModel';
import { type EnsembleMember, MAX_ENSEMBLE, ensembleBytes, memberStepBytes, membersWithin, train, trainEnsemble } from '../../src/core/train/ensembleTraining';
import { type ExperimentInput, ExperimentSchema } from '../../src/core/spec/experimentSpec';
import type { TrainResult } from '../../src/core/train/training';
import type { MetricsEvent } from '../../src/protocol/runEvents';

const spec = (seed: number, trainSize: number, over: Partial<ExperimentInput> = {}) =>
  ExperimentSchema.parse({
    version: 1,
    name: `e${seed}`,
    task: { kind: 'and', T: 12, s: 3 },
    data: { trainSize, testSize: 200 },
    model: { heads: 4, dModel: 32, mlpRatio: 1, init: 'normal-0.02' },
    // The protocol's settings (full batch, weight decay), a larger learning rate so 100 steps move.
    training: { learningRate: 0.005, weightDecay: 0.01, batchSize: 'full', maxSteps: 100, evalEvery: 25, targetAccuracy: 1, successWhen: 'final' },
    seed,
    ...over,
  });

type Spec = ReturnType<typeof spec>;

interface Trace {
  losses: number[];
  metrics: MetricsEvent[];
  result?: TrainResult;
}

async function single(s: Spec, reference = false): Promise<Trace> {
  const t: Trace = { losses: [], metrics: [] };
  const hooks = { onStep: (_: number, l: number) => t.losses.push(l), onMetrics: (e: MetricsEvent) => t.metrics.push(e) };
  t.result = await train(s, makeDataset(s), hooks, reference ? { forward: referenceForward } : {});
  return t;
}

async function ensemble(specs: Spec[], shouldStop?: () => boolean): Promise<Trace[]> {
  const traces: Trace[] = specs.map(() => ({ losses: [], metrics: [] }));
  const members: EnsembleMember[] = specs.map((s, i) => ({
    spec: s,
    data: makeDataset(s),
    hooks: { onStep: (_, l) => traces[i].losses.push(l), onMetrics: (e) => traces[i].metrics.push(e) },
  }));
  const results = await trainEnsemble(members, { shouldStop });
  results.forEach((r, i) => (traces[i].result = r));
  return traces;
}

function worstRel(a: number[], b: number[]): number {
  assert.equal(a.length, b.length, `curves of different length: ${a.length} vs ${b.length}`);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
}

describe('ensemble trainer (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  for (const over of [{}, { model: { arch: 'mlp' as const, layers: 2, dModel: 32, mlpRatio: 1 } }, { model: { layers: 2, heads: 2, dModel: 16, mlpRatio: 2 } }]) {
    const label = over.model ? `${over.model.arch ?? 'transformer'}, ${over.model.layers} layers` : 'paper model';
    it(`each member of an equal-m ensemble equals its single run to 1e-6, which follows the reference forward (${label})`, async () => {
      const specs = [spec(3, 40, over), spec(4, 40, over), spec(5, 40, over)];
      const traces = await ensemble(specs);
      for (const [i, s] of specs.entries()) {
        const r = await single(s);
        const rel = worstRel(traces[i].losses, r.losses);
        assert.ok(rel < 1e-6, `member ${i}: worst relative loss difference over 100 steps: ${rel}`);
        assert.equal(traces[i].result!.status, r.result!.status);
        assert.equal(traces[i].result!.steps, 100);
        assert.deepEqual(traces[i].metrics.map((m) => m.testAccuracy), r.metrics.map((m) => m.testAccuracy));
      }
      const [r, ref] = [await single(specs[0]), await single(specs[0], true)];
      assert.ok(Math.max(...r.losses) - Math.min(...r.losses) > 0.01, 'the loss must move for equal curves to mean something');
      assert.ok(worstRel(r.losses, ref.losses) < 1e-3, `single run vs reference: ${worstRel(r.losses, ref.losses)}`);
    });
  }

  it('each member of a 4-member ensemble with unequal m matches its own single run to 1e-4', async () => {
    const specs = [spec(1, 10), spec(2, 25), spec(3, 40), spec(4, 17)];
    const traces = await ensemble(specs);
    for (const [i, s] of specs.entries()) {
      const r = await single(s);
      const rel = worstRel(traces[i].losses, r.losses);
      assert.ok(rel < 1e-4, `member ${i} (m = ${s.data.trainSize}): worst relative loss difference ${rel}`);
      assert.deepEqual(traces[i].metrics.map((m) => m.step), r.metrics.map((m) => m.step));
      assert.equal(traces[i].result!.status, r.result!.status);
    }
  });

  it('minibatches: members sample their own batches as their single runs do', async () => {
    const specs = [spec(5, 60, { training: { batchSize: 16, maxSteps: 40, evalEvery: 20, learningRate: 0.005 } }), spec(6, 10, { training: { batchSize: 16, maxSteps: 40, evalEvery: 20, learningRate: 0.005 } })];
    const traces = await ensemble(specs);
    for (const [i, s] of specs.entries()) {
      const rel = worstRel(traces[i].losses, (await single(s)).losses);
      assert.ok(rel < 1e-4, `member ${i}: ${rel}`);
    }
  });

  it('a member that reaches its target stops early, the others go on, and cancel ends the rest as cancelled', async () => {
    // Same training settings (one ensemble), different tasks: a single relevant bit is learnt within
    // a few evaluations, 3-bit parity from 30 samples is not.
    const training = { learningRate: 0.01, batchSize: 'full' as const, maxSteps: 400, evalEvery: 10, targetAccuracy: 0.95, successWhen: 'reached' as const };
    const easy = spec(1, 40, { task: { kind: 'and', T: 12, s: 1 }, training });
    const hard = spec(2, 30, { task: { kind: 'parity', T: 12, s: 3 }, training });
    let polls = 0;
    const traces = await ensemble([easy, hard], () => ++polls > 150);
    assert.equal(traces[0].result!.status, 'succeeded');
    assert.ok(traces[0].result!.steps < 150, `the easy member stopped at ${traces[0].result!.steps}`);
    assert.equal(traces[1].result!.status, 'cancelled');
    assert.equal(traces[1].result!.steps, 150);
    // The hard member's curve after the easy one left the stack is still its single run's.
    const r = await single({ ...hard, training: { ...hard.training, maxSteps: 150 } });
    assert.ok(worstRel(traces[1].losses, r.losses) < 1e-4);
    const easyAlone = await single(easy);
    assert.equal(easyAlone.result!.steps, traces[0].result!.steps);
  });

  it('a member that diverges ends diverged at its single run\'s step while the others go on', async () => {
    // A non-finite input bit in one training row stands in for a numerical blow-up: the member's loss
    // turns NaN the first time its sampler draws that row.
    const training = { learningRate: 0.005, batchSize: 8, maxSteps: 60, evalEvery: 20, targetAccuracy: 1 };
    const specs = [spec(1, 40, { training }), spec(2, 40, { training }), spec(3, 30, { training })];
    const data = specs.map((s) => makeDataset(s));
    const poisoned = { ...data[1], train: { ...data[1].train, x: Float32Array.from(data[1].train.x) } };
    poisoned.train.x[37 * 12 + 5] = Number.NaN;
    const traces: Trace[] = specs.map(() => ({ losses: [], metrics: [] }));
    const results = await trainEnsemble(
      specs.map((s, i) => ({ spec: s, data: i === 1 ? (poisoned as never) : data[i], hooks: { onStep: (_, l) => traces[i].losses.push(l) } })),
    );
    const alone = await train(specs[1], poisoned as never);
    assert.equal(alone.status, 'diverged');
    assert.equal(results[1].status, 'diverged');
    assert.equal(results[1].steps, alone.steps);
    assert.ok(alone.steps > 1 && alone.steps < 60, `diverged at ${alone.steps}`);
    for (const i of [0, 2]) {
      const r = await single(specs[i]);
      assert.deepEqual([results[i].status, results[i].steps], [r.result!.status, r.result!.steps], `member ${i}`);
      assert.ok(worstRel(traces[i].losses, r.losses) < 1e-4, `member ${i}`);
    }
  });

  it('keeps the number of live tensors flat across steps', async () => {
    const counts: number[] = [];
    const specs = [spec(1, 10), spec(2, 40), spec(3, 25)];
    await trainEnsemble(specs.map((s) => ({ spec: s, data: makeDataset(s), hooks: { onStep: () => counts.push(tf.memory().numTensors) } })));
    // Compaction changes the count; between compactions it must not grow.
    assert.equal(counts[10], counts[20]);
    assert.equal(counts[30], counts[20]);
  });

  it('sizes ensembles by the memory estimate: within the budget, at least one member, at most MAX_ENSEMBLE', () => {
    const big = spec(1, 80, { task: { kind: 'and', T: 80, s: 3 }, model: { heads: 16, dModel: 64, mlpRatio: 1 } });
    const budget = 2 ** 30;
    const K = membersWithin(big, budget);
    assert.ok(K > 1 && ensembleBytes(big, K) <= budget && ensembleBytes(big, K + 1) > budget, `K = ${K}`);
    assert.ok(memberStepBytes(spec(1, 160)) > memberStepBytes(spec(1, 40)), 'more samples, more memory');
    assert.equal(membersWithin(big, memberStepBytes(big) / 2), 1, 'one member even when it alone is over (the run refuses it)');
    assert.equal(membersWithin(spec(1, 4), budget), MAX_ENSEMBLE);
  });
});
