// Weight decay by kind (issue 19): AdamW decays the linear layers' weight matrices and nothing else
// — never a bias, a LayerNorm gain or an embedding. One step from the same initial weights with no
// decay and with a large one: every non-matrix leaf comes out identical, every matrix leaf different.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Kind, initParams, kindsOf, leavesOf, stackParams } from '../../src/core/model/params';
import { rngFor } from '../../src/core/spec/seededRandom';
import { adamStep, zeroMoments } from '../../src/core/train/adamw';
import { selectBackend } from '../../src/core/train/backend';
import { modelConfig } from '../../src/core/train/training';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';

/** Every leaf after one AdamW step with the given decay, from seed 1's weights and fixed gradients. */
function oneStep(arch: 'transformer' | 'mlp', weightDecay: number): { kinds: Kind[]; values: Float32Array[] } {
  const spec = ExperimentSchema.parse({ version: 1, name: 'wd', task: { kind: 'and', T: 6, s: 2 }, data: { trainSize: 8 }, model: { arch, layers: 2, heads: 2, dModel: 8 } });
  const drawn = initParams(modelConfig(spec), rngFor(1, 'init'));
  const leaves = leavesOf(stackParams([drawn]));
  const kinds = kindsOf(drawn);
  // The same non-zero gradient for every leaf, so every leaf moves by the adaptive step alike.
  const grads = Object.fromEntries(leaves.map((v) => [v.name, tf.onesLike(v)]));
  const moments = zeroMoments(leaves);
  adamStep(leaves, kinds, grads, moments, 1, 0.01, weightDecay);
  const values = leaves.map((v) => v.dataSync() as Float32Array);
  tf.dispose([...leaves, ...Object.values(grads), ...moments.first, ...moments.second]);
  return { kinds, values };
}

describe('weight decay by kind (WASM backend)', () => {
  before(async () => {
    assert.equal((await selectBackend('wasm')).name, 'wasm');
  });

  for (const arch of ['transformer', 'mlp'] as const) {
    it(`decays the weight matrices only (${arch})`, () => {
      const plain = oneStep(arch, 0);
      const decayed = oneStep(arch, 10);
      const expected: Kind[] = arch === 'transformer' ? ['matrix', 'bias', 'gain', 'embedding'] : ['matrix', 'bias'];
      assert.deepEqual([...new Set(plain.kinds)].sort(), [...expected].sort(), 'every kind is present');
      plain.kinds.forEach((kind, i) => {
        if (kind === 'matrix') assert.notDeepEqual(decayed.values[i], plain.values[i], `matrix leaf ${i} was not decayed`);
        else assert.deepEqual(decayed.values[i], plain.values[i], `${kind} leaf ${i} was decayed`);
      });
    });
  }

  it('tags the leaves where they are built: 6 matrices per layer, 4 embeddings, 3 gains pairs', () => {
    const spec = ExperimentSchema.parse({ version: 1, name: 'wd', task: { kind: 'and', T: 6, s: 2 }, data: { trainSize: 8 }, model: { layers: 2, heads: 2, dModel: 8 } });
    const kinds = kindsOf(initParams(modelConfig(spec), rngFor(1, 'init')));
    const count = (k: Kind) => kinds.filter((x) => x === k).length;
    assert.deepEqual([count('matrix'), count('embedding'), count('gain')], [2 * 6 + 1, 4, 2 * 2 + 1]);
  });
});
