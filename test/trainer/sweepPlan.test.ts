// `sparse-attention sweep FILE --plan` end to end: the plan's run count against the run folders a real
// tiny sweep writes (exact for a grid, an upper bound for bisection), the calibration cache, the
// sweep-plan event in a real sweep's stream, and bad flags. Runs the CLI from dist/ (npm run build).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SweepPlan } from '../../src/protocol/sweepPlan';
import { tinySweep } from './tinySweep';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');

function setUp(over: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-plan-'));
  const file = path.join(dir, 'tiny.sweep.json');
  writeFileSync(file, JSON.stringify(tinySweep(over)));
  const env = { ...process.env, SPARSE_ATTENTION_CALIBRATION: path.join(dir, 'cache', 'calibration.json') };
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env });
  return { dir, file, env, cli };
}

const planOf = (stdout: string) => SweepPlan.parse(JSON.parse(stdout.trim()));
const runFolders = (dir: string) => readdirSync(path.join(dir, 'out', 'tiny', 'runs')).length;

describe('sweep --plan', () => {
  it('counts a grid exactly (the run folders a real sweep writes), caches its calibration, and sends the plan as an event', () => {
    const { dir, file, cli } = setUp({ search: 'grid', seeds: 1 });
    const first = cli(['sweep', file, '--plan', '--json', '--workers', '2', '--backend', 'wasm']);
    assert.equal(first.status, 0, first.stderr);
    const plan = planOf(first.stdout);
    assert.equal(plan.plannedRuns, 9);
    assert.equal(plan.runsExact, true);
    assert.equal(plan.calibration?.cached, false, 'nothing cached yet: timed now');
    assert.ok(plan.estimatedSeconds !== null && plan.estimatedSeconds > 0);
    assert.equal(plan.ensembles.reduce((s, e) => s + e.members, 0), 9);
    assert.throws(() => readdirSync(path.join(dir, 'out')), 'a plan writes no sweep folder');

    const second = planOf(cli(['sweep', file, '--plan', '--json', '--workers', '2', '--backend', 'wasm']).stdout);
    assert.equal(second.calibration?.cached, true, 'the second plan times nothing');
    assert.equal(second.calibration?.seconds, 0);
    assert.equal(second.estimatedSeconds, plan.estimatedSeconds, 'same costs, same estimate');

    const run = cli(['sweep', file, '--out', 'out', '--workers', '2', '--backend', 'wasm']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(runFolders(dir), plan.plannedRuns, 'one run folder per planned run');
    assert.match(run.stderr, /\[\d+\/9 runs · ETA \d+:\d\d\]/, 'the progress lines show runs done / planned and an ETA');
    const events = readFileSync(path.join(dir, 'out', 'tiny', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const planEvent = events.find((e) => e.type === 'sweep-plan');
    assert.equal(planEvent.plannedRuns, 9);
    assert.equal(planEvent.estimatedSeconds, plan.estimatedSeconds, 'the sweep reads the cached calibration');
    assert.equal(events[1].type, 'sweep-plan', 'right after sweep-started');
  });

  it('bounds a bisection from above', () => {
    const { dir, file, cli } = setUp({ search: 'bisect' });
    const plan = planOf(cli(['sweep', file, '--plan', '--json', '--workers', '2', '--backend', 'wasm']).stdout);
    assert.equal(plan.runsExact, false);
    const run = cli(['sweep', file, '--out', 'out', '--workers', '2', '--backend', 'wasm']);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(runFolders(dir) <= plan.plannedRuns, `${runFolders(dir)} run folders, plan ${plan.plannedRuns}`);
    const text = cli(['sweep', file, '--plan', '--workers', '2', '--backend', 'wasm']);
    assert.match(text.stderr, /plan of tiny \(bisect\): 12 runs \(at most\)/);
    assert.match(text.stderr, /estimated wall time: \d+:\d\d \(an upper bound\)/);
  });

  it('refuses bad flags with one clear line', () => {
    const { file, cli } = setUp({});
    for (const [args, said] of [
      [['--workers', '0'], /--workers.*must be an integer from 1 to 256 \(got 0\)/],
      [['--backend', 'tpu'], /--backend.*tpu/],
      [['--recalibrate'], /--recalibrate .* use it with --plan/],
    ] as const) {
      const r = cli(['sweep', file, ...(args[0] === '--recalibrate' ? [] : ['--plan']), ...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, said);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
