// Which runs the "Mean ± 95 %" curves pool (name and settings minus seed), the groups' labels, and
// the bands' export rows.
// Run: node --import tsx --test test/protocol/seedGroups.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunView } from '../../src/protocol/panelMessages';
import type { StartedEvent } from '../../src/protocol/runEvents';
import { groupBySettings, settingsBands, settingsOf } from '../../src/protocol/seedGroups';
import { newRunView } from '../../src/protocol/viewFold';
import { bandCsv, bandJson } from '../../webview/results/exportData';
import { studyRuns } from '../webview/runsFixtures';

/** A run of a small spec with hand-picked test accuracies at steps 0, 10, 20, …. */
function run(runId: string, spec: { name: string; seed: number; lr: number; heads?: number }, accuracies: number[]): RunView {
  return {
    ...newRunView(runId, `${spec.name} (seed ${spec.seed})`),
    status: 'succeeded',
    started: {
      type: 'started',
      runId,
      time: '2026-11-28T00:00:00Z',
      backend: 'wasm',
      backendSkipped: [],
      // A partial experiment on purpose: the panel's readers must cope with whatever a recording holds.
      spec: { version: 1, name: spec.name, task: { kind: 'and', T: 8 }, model: { heads: spec.heads ?? 2 }, training: { learningRate: spec.lr }, seed: spec.seed } as StartedEvent['spec'],
      relevant: [0, 1],
      inputBias: 0.5,
      parameterCount: 100,
    },
    metrics: accuracies.map((a, i) => ({
      type: 'metrics',
      step: i * 10,
      loss: 1 - a,
      trainAccuracy: a,
      testAccuracy: a,
      attentionOnRelevant: null,
      attentionPerHead: [],
      elapsedSeconds: i,
      liveTensors: 0,
    })),
  };
}

const ids = (groups: { runs: RunView[] }[]) => groups.map((g) => g.runs.map((r) => r.runId));

describe('groupBySettings', () => {
  it('puts two experiment settings × three seeds into two groups, labelled by what differs', () => {
    // One experiment file run at two learning rates, three seeds each, interleaved as they finish.
    const runs = [0, 1, 2].flatMap((seed) => [run(`slow-${seed}`, { name: 'tiny-and', seed, lr: 0.001 }, [0.5]), run(`fast-${seed}`, { name: 'tiny-and', seed, lr: 0.01 }, [0.6])]);
    const groups = groupBySettings(runs);
    assert.deepEqual(ids(groups), [
      ['slow-0', 'slow-1', 'slow-2'],
      ['fast-0', 'fast-1', 'fast-2'],
    ]);
    assert.deepEqual(
      groups.map((g) => g.label),
      ['tiny-and · training.learningRate = 0.001', 'tiny-and · training.learningRate = 0.01'],
    );
  });

  it('keeps runs with the same settings but different names apart, and a seed alone never splits a group', () => {
    const runs = [
      run('a0', { name: 'control', seed: 0, lr: 0.01 }, [0.5]),
      run('b0', { name: 'copy', seed: 0, lr: 0.01 }, [0.5]),
      run('a1', { name: 'control', seed: 7, lr: 0.01 }, [0.5]),
    ];
    const groups = groupBySettings(runs);
    assert.deepEqual(ids(groups), [['a0', 'a1'], ['b0']]);
    // No setting differs between the groups: the name alone labels them.
    assert.deepEqual(
      groups.map((g) => g.label),
      ['control', 'copy'],
    );
    assert.equal(groupBySettings([runs[0], runs[2]]).length, 1, 'two seeds of one experiment are one group');
  });

  it('names every differing setting, a missing one as "none", and leaves the seed out of the settings', () => {
    const a = run('a', { name: 'x', seed: 0, lr: 0.01, heads: 1 }, [0.5]);
    const b = run('b', { name: 'x', seed: 1, lr: 0.02, heads: 4 }, [0.5]);
    (b.started!.spec.model as Record<string, unknown>).maxNorm = 2;
    assert.deepEqual(
      groupBySettings([a, b]).map((g) => g.label),
      // In the order the specs list the paths, as the runs table's columns.
      ['x · model.heads = 1 · training.learningRate = 0.01 · model.maxNorm = none', 'x · model.heads = 4 · training.learningRate = 0.02 · model.maxNorm = 2'],
    );
    assert.equal(settingsOf(a)!.seed, undefined);
    assert.equal(settingsOf(a)!.name, undefined);
    assert.equal(settingsOf(a)!['training.learningRate'], 0.01);
  });

  it('groups a run still waiting for its settings by name alone, apart from the known ones', () => {
    const pending = newRunView('p', 'tiny-and (seed 3)');
    pending.experimentFile = '/w/tiny-and.experiment.json';
    const groups = groupBySettings([run('k', { name: 'tiny-and', seed: 0, lr: 0.01 }, [0.5]), pending]);
    assert.deepEqual(ids(groups), [['k'], ['p']]);
    assert.deepEqual(
      groups.map((g) => g.label),
      ['tiny-and', '/w/tiny-and.experiment.json · settings not known yet'],
    );
  });

  it('splits the recorded study by learning rate (the runs table shows the same difference)', () => {
    // STUDY: seeds 0 and 1 at lr 0.001, seed 2 at lr 0.003.
    const groups = groupBySettings(studyRuns());
    assert.deepEqual(ids(groups), [['run-a', 'run-b'], ['run-c']]);
    assert.deepEqual(
      groups.map((g) => g.label),
      ['parity-T16 · training.learningRate = 0.001', 'parity-T16 · training.learningRate = 0.003'],
    );
  });
});

describe('band export', () => {
  const runs = [
    run('s0', { name: 'tiny-and', seed: 0, lr: 0.01 }, [0.5, 0.6]),
    run('s1', { name: 'tiny-and', seed: 1, lr: 0.01 }, [0.7, 0.8]),
    run('s2', { name: 'tiny-and', seed: 2, lr: 0.01 }, [0.9]),
    run('o0', { name: 'tiny-and', seed: 0, lr: 0.1 }, [0.25]),
  ];

  it('has one row per group and step: the mean, the 95 % t-interval and how many runs it averages', () => {
    const rows = bandCsv(runs, 'testAccuracy').trim().split('\n');
    assert.equal(rows[0], 'group,metric,step,mean,lower,upper,n');
    assert.equal(rows.length, 1 + 2 + 1);
    const cells = rows.slice(1).map((r) => r.split(','));
    assert.deepEqual(
      cells.map((c) => [c[0], c[1], c[2], c[6]]),
      [
        ['tiny-and · training.learningRate = 0.01', 'testAccuracy', '0', '3'],
        ['tiny-and · training.learningRate = 0.01', 'testAccuracy', '10', '2'],
        ['tiny-and · training.learningRate = 0.1', 'testAccuracy', '0', '1'],
      ],
    );
    const num = (s: string) => Number(s);
    // Step 0 of the first group: 0.5, 0.7, 0.9 → mean 0.7, sd 0.2, t(0.975; 2) = 4.3027.
    const half0 = (4.3027 * 0.2) / Math.sqrt(3);
    assert.ok(Math.abs(num(cells[0][3]) - 0.7) < 1e-9);
    assert.ok(Math.abs(num(cells[0][4]) - (0.7 - half0)) < 1e-9);
    assert.ok(Math.abs(num(cells[0][5]) - (0.7 + half0)) < 1e-9);
    // Step 10: 0.6, 0.8 → mean 0.7, se 0.1, t(0.975; 1) = 12.7062.
    assert.ok(Math.abs(num(cells[1][3]) - 0.7) < 1e-9);
    assert.ok(Math.abs(num(cells[1][5]) - (0.7 + 1.27062)) < 1e-9);
    // A single run: its value is the mean, and there is no band (empty bounds).
    assert.deepEqual(cells[2].slice(3), ['0.25', '', '', '1']);
  });

  it('writes the same numbers as JSON, with the runs each group pools', () => {
    const json = JSON.parse(bandJson(runs, 'loss')) as { group: string; metric: string; runIds: string[]; points: { step: number; mean: number; lower: number | null; upper: number | null; n: number }[] }[];
    assert.deepEqual(
      json.map((g) => [g.group, g.metric, g.runIds]),
      [
        ['tiny-and · training.learningRate = 0.01', 'loss', ['s0', 's1', 's2']],
        ['tiny-and · training.learningRate = 0.1', 'loss', ['o0']],
      ],
    );
    const bands = settingsBands(runs, 'loss');
    assert.deepEqual(
      json[0].points,
      bands[0].band.map((p) => ({ step: p.step, mean: p.mean, lower: p.low, upper: p.high, n: p.n })),
    );
    assert.ok(Math.abs(json[0].points[0].mean - 0.3) < 1e-9, 'loss 0.5, 0.3, 0.1 → mean 0.3');
    assert.deepEqual(json[1].points, [{ step: 0, mean: 0.75, lower: null, upper: null, n: 1 }]);
  });
});
