// Run ids are folder names that the tree, the results panel and `--run-id` rely on: one maker
// (newRunId) and one parser (parseRunId), which must agree, and a sweep cell's ids (cellRunId) and
// their parser, which must agree too and never claim each other's folders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepSchema } from '../../src/core/spec/sweepSpec';
import { cellRunId, parseCellRunId } from '../../src/store/cellRunId';
import { newRunId, parseRunId } from '../../src/store/runId';

describe('run ids', () => {
  it('parses back what newRunId makes: name, seed, UTC stamp and salt', () => {
    const when = new Date(Date.UTC(2026, 10, 28, 12, 3, 4, 567));
    for (const [name, seed] of [['parity', 0], ['and-T40', 17], ['foo-s2', 3], ['x.y_z', 123456], ['m-s1-20260101T000000Z-abcd', 9]] as const) {
      for (let i = 0; i < 20; i++) {
        const id = newRunId(name, seed, when);
        const p = parseRunId(id);
        assert.ok(p, id);
        assert.deepEqual({ name: p.name, seed: p.seed, stamp: p.stamp }, { name, seed, stamp: '20261128T120304Z' }, id);
        assert.equal(`${p.name}-s${p.seed}-${p.stamp}-${p.salt}`, id);
      }
    }
  });

  it('stamps the current time by default', () => {
    const before = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    assert.ok(parseRunId(newRunId('parity', 1))?.stamp.startsWith(before));
  });

  it('rejects every other shape', () => {
    for (const id of [
      'transformer-T10-m16-seed0', // a sweep cell's run
      'parity-s1-20261128T120000Z', // no salt
      'parity-s1-20261128T120000Z-ABCD', // salt not from newRunId
      'parity-s1-20261128T120000Z-abcde',
      'parity-s1-2026112T120000Z-abcd', // short date
      'parity-s1-20261128T120000-abcd', // not UTC
      'parity-sx-20261128T120000Z-abcd', // seed not a number
      '-s1-20261128T120000Z-abcd', // no name
      'parity-s1-20261128T120000Z-abcd/x',
      'my-own-run',
      '',
    ]) {
      assert.equal(parseRunId(id), undefined, id);
    }
  });
});

describe('sweep cell run ids', () => {
  const sweep = SweepSchema.parse({
    version: 1,
    kind: 'sweep',
    name: 'grid',
    base: { task: { kind: 'and', s: 2 }, model: { arch: 'transformer', layers: 1, heads: 2, dModel: 16 }, seed: 5 },
    contextLengths: [8, 16],
    trainSizes: [40, 80],
    seeds: 3,
    compareWith: [{ label: 'one-head-T2-m8-seed1', model: { heads: 1 } }],
  });

  it('parses back what cellRunId makes, for every variant, T, m and seed, even a label that looks like an id', () => {
    for (const variant of [0, 1]) {
      for (const T of [8, 16]) {
        for (const m of [40, 80]) {
          for (let k = 0; k < 3; k++) {
            const id = cellRunId(sweep, { variant, T, m }, k);
            assert.deepEqual(parseCellRunId(id), { runId: id, variant: variant === 0 ? 'transformer' : 'one-head-T2-m8-seed1', T, m, seed: 5 + k });
          }
        }
      }
    }
  });

  it('neither parser claims the other kind of id', () => {
    const cell = cellRunId(sweep, { variant: 0, T: 8, m: 40 }, 0);
    assert.equal(parseRunId(cell), undefined);
    assert.equal(parseCellRunId(newRunId('grid', 5)), undefined);
    for (const id of ['transformer-T8-m40', 'transformer-T8-m40-seed', 'transformer-Tx-m40-seed1', 'T8-m40-seed1']) assert.equal(parseCellRunId(id), undefined, id);
  });
});
