// How often the public reproduction's training-set rule (data.rejectAmbiguous) cannot be met within
// its 100 draws on the full protocol's grid (examples/and-sweep-full.sweep.json), so that the run
// trains on its last draw (whenUnmet "keep-last", as the reproduction does). Pure counting, no timing:
//   node --import tsx bench/reproductionRule.ts [seeds]
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeDataset } from '../src/core/spec/dataset';
import { SweepSchema, cellExperiment } from '../src/core/spec/sweepSpec';
import { meetsRule } from '../src/core/spec/trainingSetRule';

const sweep = SweepSchema.parse(JSON.parse(readFileSync(path.resolve(__dirname, '../examples/and-sweep-full.sweep.json'), 'utf8')));
const seeds = Number(process.argv[2] ?? sweep.seeds);
const sizes = sweep.trainSizes as number[];
console.log(`| T \\ m | ${sizes.join(' | ')} |`);
console.log(`| --- | ${sizes.map(() => '---').join(' | ')} |`);
for (const T of sweep.contextLengths) {
  const row = sizes.map((m) => {
    let unmet = 0;
    for (let k = 0; k < seeds; k++) {
      const d = makeDataset(cellExperiment(sweep, { variant: 0, T, m }, k));
      if (!meetsRule(d.train, T, d.target.relevant)) unmet++;
    }
    return `${unmet}/${seeds}`;
  });
  console.log(`| ${T} | ${row.join(' | ')} |`);
}
