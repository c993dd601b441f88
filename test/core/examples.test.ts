// Every file in examples/ is what the README promises: a valid experiment or sweep, as the CLI reads it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { readSpecFile } from '../../src/core/spec/specProblems';
import { SweepSchema } from '../../src/core/spec/sweepSpec';

const EXAMPLES = path.resolve(__dirname, '../../examples');

describe('examples', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));

  it('has the experiments and sweeps the README names', () => {
    for (const f of ['parity-T16.experiment.json', 'and-T40.experiment.json', 'majority-T64.experiment.json', 'majority-T64-mlp.experiment.json', 'and-sweep.sweep.json', 'and-sweep-wide.sweep.json', 'and-sweep-full.sweep.json', 'and-protocol-grid.sweep.json']) {
      assert.ok(files.includes(f), `examples/${f} is missing`);
    }
  });

  it('every file is named for its kind, so the editor\'s schema, the tree and the Run commands find it', () => {
    for (const f of files) {
      const kind = JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')).kind === 'sweep' ? 'sweep' : 'experiment';
      assert.ok(f.endsWith(`.${kind}.json`), `examples/${f} is a ${kind}: name it *.${kind}.json`);
    }
  });

  for (const f of files) {
    it(`${f} is valid`, () => {
      const isSweep = JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')).kind === 'sweep';
      const parsed = readSpecFile(isSweep ? SweepSchema : ExperimentSchema, path.join(EXAMPLES, f));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
    });
  }
});
