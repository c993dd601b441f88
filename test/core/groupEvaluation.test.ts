// Batched evaluation (GPU backends) must measure what member-by-member evaluation measures: the same
// accuracies, norms and attention maps for every member, also when members hold different numbers
// of training and test rows (padding must never be counted). Run here on WASM, where both paths run.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { makeDataset } from '../../src/core/spec/dataset';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { initParams, leavesOf, mapParams, stackParams } from '../../src/core/model/params';
import { forward } from '../../src/core/model/model';
import { rngFor } from '../../src/core/spec/seededRandom';
import { modelConfig } from '../../src/core/train/training';
import { measureMember } from '../../src/core/train/evaluation';
import { MAX_BATCH, groupSize, measureGroup } from '../../src/core/train/groupEvaluation';

const spec = (seed: number, trainSize: number, testSize: number, layers: number, arch: 'transformer' | 'mlp' = 'transformer') =>
  ExperimentSchema.parse({
    version: 1,
    name: `g${seed}`,
    task: { kind: 'and', T: 10, s: 3 },
    data: { trainSize, testSize },
    model: { arch, layers, heads: 2, dModel: 16, mlpRatio: 2 },
    training: { maxSteps: 10, evalEvery: 5 },
    seed,
  });

/** Three members with unequal m and test sizes, their stacked weights, and each one's own slice. */
function members(layers: number, arch: 'transformer' | 'mlp' = 'transformer') {
  const specs = [spec(0, 37, 90, layers, arch), spec(1, 120, 64, layers, arch), spec(2, 5, 101, layers, arch)];
  const cfg = modelConfig(specs[0]);
  const stacked = stackParams(specs.map((s) => initParams(cfg, rngFor(s.seed, 'init'))));
  return { specs, cfg, stacked, data: specs.map((s) => makeDataset(s)) };
}

describe('batched evaluation of a group of members (WASM backend)', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  for (const [label, layers, arch] of [
    ['one tabulated layer', 1, 'transformer'],
    ['two layers', 2, 'transformer'],
    ['the MLP baseline', 1, 'mlp'],
  ] as const) {
    it(`measures each member as it would alone: ${label}, unequal m and test sizes`, async () => {
      const { cfg, stacked, data } = members(layers, arch);
      const grouped = await measureGroup(data, stacked, cfg, forward);
      assert.equal(grouped.length, 3);
      for (let k = 0; k < 3; k++) {
        const own = mapParams(stacked, (v) => tf.gather(v, [k]));
        const alone = await measureMember(data[k], own, cfg);
        tf.dispose(leavesOf(own));
        assert.equal(grouped[k].testAccuracy, alone.testAccuracy, `member ${k} test accuracy`);
        assert.equal(grouped[k].trainAccuracy, alone.trainAccuracy, `member ${k} train accuracy`);
        assert.deepEqual(grouped[k].norms, alone.norms, `member ${k} norms`);
        assert.equal(grouped[k].maps.length, alone.maps.length);
        grouped[k].maps.forEach((m, l) => {
          assert.equal(m.length, alone.maps[l].length);
          const worst = m.reduce((w, v, i) => Math.max(w, Math.abs(v - alone.maps[l][i])), 0);
          assert.ok(worst < 1e-6, `member ${k} layer ${l} attention differs by ${worst}`);
        });
      }
      tf.dispose(leavesOf(stacked));
    });
  }

  it('counts only a member\'s own rows: a member with fewer rows is not scored on padding', async () => {
    const { cfg, stacked, data } = members(1);
    const grouped = await measureGroup(data, stacked, cfg, forward);
    // Member 2 has 5 training rows: its accuracy is a multiple of 1/5.
    assert.equal(Math.round(grouped[2].trainAccuracy * 5), grouped[2].trainAccuracy * 5);
    tf.dispose(leavesOf(stacked));
  });

  it('cuts groups so the attention maps stay within one storage-buffer binding', () => {
    const cfg = modelConfig(spec(0, 100, 1000, 2));
    assert.equal(groupSize({ ...cfg, T: 40 }, 256, 500), Math.floor(2 ** 25 / (256 * 2 * 41 * 41 * 2)));
    assert.equal(groupSize({ ...cfg, T: 500 }, 16, 500), 2); // 16 samples · 2 heads · 501² · 2 layers = 16.1 M floats each
    assert.equal(groupSize({ ...cfg, arch: 'mlp' }, 256, 500), 500);
    assert.equal(groupSize({ ...cfg, T: 5000 }, 256, 4), 1);
  });

  it('keeps one batched attention product within a WebGPU dispatch (member · sample · head ≤ 65535)', () => {
    // The protocol's T = 10 cells on an H200: 256 samples × 16 heads per member; before this bound
    // 67 members went in one product and every run failed ("Dispatch size exceeds WebGPU limits").
    const cfg = { ...modelConfig(spec(0, 100, 1000, 2)), heads: 16 };
    const G = groupSize(cfg, 256, 500);
    assert.equal(G, 15);
    assert.ok(G * 256 * 16 <= MAX_BATCH && (G + 1) * 256 * 16 > MAX_BATCH);
    assert.equal(groupSize(cfg, 256, 1), 1);
  });
});
