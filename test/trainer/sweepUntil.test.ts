// Sweeps with `until` on a stand-in trainer (untilSimulation.ts): the rounds' events, the summary's
// outcome, the runner's clock, and the simulation the issue asks for: 20 sweeps of each truth at
// support 0.9 name the true model in at least 18 and the wrong one in at most 1, within budget.
// The bootstrap uses 200 resamples here (the sweep's `bootstrap`), so the 40 sweeps take minutes, not tens.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SweepEvent } from '../../src/protocol/sweepEvents';
import { readSweepEvents } from '../../src/store/sweepFolder';
import { runSweep } from '../../src/trainer/sweepRunner';
import { type Truth, simulate, simulatedLauncher, untilSweep } from './untilSimulation';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('sweep until (stand-in trainer)', () => {
  it('extends the sweep round by round, each addition an event with its reason, and reports the outcome in the summary', async () => {
    const { summary, events, launched } = await simulate('log', 100);
    const parsed = events.map((e) => SweepEvent.parse(e));
    const extended = parsed.filter((e) => e.type === 'sweep-extended');
    const progress = parsed.filter((e) => e.type === 'until-progress');
    assert.ok(extended.length > 0, 'no addition');
    for (const e of extended) assert.ok(e.reason.length > 20 && (e.kind === 'context' ? e.T! > 32 : e.cells!.length > 0), JSON.stringify(e));
    // One progress event per round, runs spent rising, the last one saying why it stopped.
    assert.deepEqual(progress.map((p) => p.round), progress.map((_, i) => i + 1));
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].runsSpent > progress[i - 1].runsSpent);
    assert.ok(progress.at(-1)!.stopped);
    assert.ok(summary.until, 'summary without until');
    assert.equal(summary.until!.runsSpent, progress.at(-1)!.runsSpent);
    assert.equal(summary.until!.runsSpent, launched);
    // The support that stopped the sweep is the one its verdict reports (same stream and resamples).
    if (summary.until!.model) assert.equal(summary.verdictSupport![summary.until!.model], summary.until!.support);
    // A new T is searched for: the summary has its m*.
    for (const e of extended.filter((x) => x.kind === 'context')) assert.ok(summary.points.some((p) => p.T === e.T && p.status !== 'pending'));
  });

  it('stops for maxMinutes by the runner clock after the initial design', async () => {
    let t = 0;
    const sweepDir = mkdtempSync(path.join(tmpdir(), 'sa-until-'));
    const launch = simulatedLauncher('linear', 7);
    const clock = () => (t += 60_000); // every reading is a minute later
    const s = await runSweep(untilSweep({ until: { support: 0.999, maxRuns: 2000, maxMinutes: 1 } }), { sweepDir, parallel: 4, launch, now: clock });
    assert.equal(s.until!.reached, false);
    assert.match(s.until!.why, /maxMinutes 1/);
    assert.equal(s.until!.runsSpent, launch.launched);
    const onDisk = readSweepEvents(sweepDir);
    assert.equal(onDisk.filter((e) => e.type === 'sweep-extended').length, 0);
    assert.equal(onDisk.filter((e) => e.type === 'until-progress').length, 1);
  });

  it('a sweep without until has no until in its summary and no rounds', async () => {
    const events: SweepEvent[] = [];
    const s = await runSweep(untilSweep({ until: undefined }), { sweepDir: mkdtempSync(path.join(tmpdir(), 'sa-until-')), parallel: 4, launch: simulatedLauncher('log', 3), onEvent: (e) => events.push(e) });
    assert.equal(s.until, undefined);
    assert.ok(!events.some((e) => e.type === 'until-progress' || e.type === 'sweep-extended'));
  });

  for (const truth of ['log', 'linear'] as Truth[]) {
    it(`20 simulated sweeps with m*(T) ${truth} at support 0.9: true model in ≥ 18, wrong in ≤ 1, within budget`, async () => {
      const outcomes: { model: string | null; reached: boolean; runs: number }[] = [];
      for (let seed = 100; seed < 120; seed++) {
        const { summary } = await simulate(truth, seed);
        const u = summary.until!;
        assert.ok(u.runsSpent <= 2000 + 21, `seed ${seed}: ${u.runsSpent} runs`);
        outcomes.push({ model: u.model, reached: u.reached, runs: u.runsSpent });
      }
      const right = outcomes.filter((o) => o.reached && o.model === truth).length;
      const wrong = outcomes.filter((o) => o.reached && o.model !== truth).length;
      const figures = `${truth}: right ${right}, wrong ${wrong}, undecided ${20 - right - wrong}, median runs ${median(outcomes.map((o) => o.runs))}`;
      process.stdout.write(`# ${figures}\n`);
      assert.ok(right >= 18, figures);
      assert.ok(wrong <= 1, figures);
    });
  }
});
