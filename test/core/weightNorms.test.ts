// The paper's quantities (issue 14): the norms recorded at every evaluation equal a direct
// computation on the weights, and `model.maxNorm` keeps every attention matrix inside its ball.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { makeDataset } from '../../src/core/spec/dataset';
import { train, trainEnsemble } from '../../src/core/train/ensembleTraining';
import { type ExperimentInput, ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { initParams, isTransformer, leavesOf, stackParams } from '../../src/core/model/params';
import { rngFor } from '../../src/core/spec/seededRandom';
import { modelConfig } from '../../src/core/train/training';
import { weightNorms } from '../../src/core/model/weightNorms';
import type { LayerNorms, MetricsEvent } from '../../src/protocol/runEvents';

const spec = (seed: number, model: ExperimentInput['model'] = {}) =>
  ExperimentSchema.parse({
    version: 1,
    name: `n${seed}`,
    task: { kind: 'and', T: 8, s: 2 },
    data: { trainSize: 32, testSize: 64 },
    model: { layers: 2, heads: 2, dModel: 8, mlpRatio: 2, ...model },
    training: { learningRate: 0.05, batchSize: 'full', maxSteps: 20, evalEvery: 1, targetAccuracy: 1, successWhen: 'final' },
    seed,
  });

/** Row-major (rows × cols) matrix as arrays; the direct computation uses nothing but loops. */
type M = number[][];
const mat = (data: Float32Array, cols: number, r0: number, r1: number, c0: number, c1: number): M =>
  Array.from({ length: r1 - r0 }, (_, r) => Array.from({ length: c1 - c0 }, (_, c) => data[(r0 + r) * cols + c0 + c]));
const mul = (a: M, b: M): M => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const t = (a: M): M => a[0].map((_, j) => a.map((row) => row[j]));
const frobenius = (a: M) => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
/** Largest singular value by power iteration on AᵀA (converges: the test matrices are small and generic). */
function spectral(a: M): number {
  const ata = mul(t(a), a);
  let v = ata.map((_, i) => 1 + i / 7);
  let lambda = 0;
  for (let it = 0; it < 2000; it++) {
    const w = ata.map((row) => row.reduce((s, x, k) => s + x * v[k], 0));
    lambda = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    v = w.map((x) => x / lambda);
  }
  return Math.sqrt(lambda);
}

const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, want), `${what}: ${got} vs direct ${want}`);

/** Every attention norm (spectral and Frobenius of QK, V, O) of every layer and head. */
const attentionNorms = (norms: LayerNorms[]) => norms.flatMap((l) => l.heads.flatMap((h) => [h.qk, h.v, h.o].flatMap((n) => [n.spectral, n.frobenius])));

describe('weight norms (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  it('equal a direct computation on the weights, per layer and head', async () => {
    const s = spec(3);
    const cfg = modelConfig(s);
    const params = stackParams([initParams(cfg, rngFor(7, 'init'))]);
    const norms = await weightNorms(params, cfg);
    assert.ok(isTransformer(params));
    const d = 8;
    const dh = 4;
    assert.equal(norms.length, 2);
    for (let l = 0; l < 2; l++) {
      const { attn, mlp } = params.layers[l];
      const [wq, wk, wv, wo] = [attn.wq, attn.wk, attn.wv, attn.wo].map((w) => w.dataSync() as Float32Array);
      assert.equal(norms[l].heads.length, 2);
      for (let h = 0; h < 2; h++) {
        const qk = mul(mat(wq, d, 0, d, h * dh, (h + 1) * dh), t(mat(wk, d, 0, d, h * dh, (h + 1) * dh)));
        const v = mat(wv, d, 0, d, h * dh, (h + 1) * dh);
        const o = mat(wo, d, h * dh, (h + 1) * dh, 0, d);
        const got = norms[l].heads[h];
        close(got.qk.frobenius, frobenius(qk), `layer ${l} head ${h} ‖W_Q W_Kᵀ‖_F`);
        close(got.qk.spectral, spectral(qk), `layer ${l} head ${h} ‖W_Q W_Kᵀ‖_2`);
        close(got.v.frobenius, frobenius(v), `‖W_V‖_F`);
        close(got.v.spectral, spectral(v), `‖W_V‖_2`);
        close(got.o.frobenius, frobenius(o), `‖W_O‖_F`);
        close(got.o.spectral, spectral(o), `‖W_O‖_2`);
      }
      const w1 = mat(mlp.w1.dataSync() as Float32Array, 16, 0, d, 0, 16);
      const w2 = mat(mlp.w2.dataSync() as Float32Array, d, 0, 16, 0, d);
      close(norms[l].mlp.in.spectral, spectral(w1), 'MLP W_1 spectral');
      close(norms[l].mlp.out.frobenius, frobenius(w2), 'MLP W_2 Frobenius');
    }
    tf.dispose(leavesOf(params));
  });

  it('are recorded at every evaluation and move with training', async () => {
    const metrics: MetricsEvent[] = [];
    await train(spec(1), makeDataset(spec(1)), { onMetrics: (e) => metrics.push(e) });
    assert.equal(metrics.length, 21);
    for (const m of metrics) assert.equal(m.norms?.length, 2, `step ${m.step} has no norms`);
    // Training moves them: the last evaluation's QK norm differs from the first's.
    assert.notEqual(metrics[0].norms![0].heads[0].qk.frobenius, metrics[20].norms![0].heads[0].qk.frobenius);
  });

  it('stay inside maxNorm after every step (single run and ensemble), and exceed it without the bound', async () => {
    const maxNorm = 0.6;
    const free: MetricsEvent[] = [];
    await train(spec(2), makeDataset(spec(2)), { onMetrics: (e) => free.push(e) });
    assert.ok(Math.max(...free.flatMap((m) => attentionNorms(m.norms!))) > 2 * maxNorm, 'the unbounded run never left the ball: the test would prove nothing');

    const bounded = spec(2, { maxNorm });
    const single: MetricsEvent[] = [];
    const singleLosses: number[] = [];
    await train(bounded, makeDataset(bounded), { onMetrics: (e) => single.push(e), onStep: (_, l) => singleLosses.push(l) });
    const members = [2, 5].map((seed) => ({ spec: spec(seed, { maxNorm }), metrics: [] as MetricsEvent[], losses: [] as number[] }));
    await trainEnsemble(
      members.map((m) => ({ spec: m.spec, data: makeDataset(m.spec), hooks: { onMetrics: (e: MetricsEvent) => m.metrics.push(e), onStep: (_: number, l: number) => m.losses.push(l) } })),
    );
    // The ensemble projects each member on its own: member 0 trains as its single run does.
    assert.equal(members[0].losses.length, singleLosses.length);
    members[0].losses.forEach((l, i) => assert.ok(Math.abs(l - singleLosses[i]) <= 1e-4 * Math.abs(singleLosses[i]), `step ${i + 1}: ensemble ${l} vs single ${singleLosses[i]}`));
    for (const [who, events] of [['single run', single], ['ensemble member 0', members[0].metrics], ['ensemble member 1', members[1].metrics]] as const) {
      assert.equal(events.length, 21);
      for (const m of events) {
        const worst = Math.max(...attentionNorms(m.norms!));
        assert.ok(worst <= maxNorm, `${who}, step ${m.step}: an attention norm is ${worst} > maxNorm ${maxNorm}`);
      }
      // The bound binds: some head sits on the ball's surface.
      assert.ok(Math.max(...attentionNorms(events[20].norms!)) > 0.99 * maxNorm, `${who}: the bound never bound`);
    }
  });

  it('maxNorm is refused for the MLP baseline, with the field named', () => {
    const r = ExperimentSchema.safeParse({ ...spec(1), model: { arch: 'mlp', maxNorm: 1 } });
    assert.equal(r.success, false);
    assert.ok(r.error!.issues.some((i) => i.path.join('.') === 'model.maxNorm' && /mlp/.test(i.message)));
  });
});
