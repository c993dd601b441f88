// The sweep runner with a fake trainer: a success oracle with a known m*(T) that writes real run
// files, so resuming, retrying and the end-to-end estimate are tested without training.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { type SweepInput, SweepSchema } from '../../src/core/spec/sweepSpec';
import { parseWithSchema } from '../../src/core/spec/specProblems';
import type { RunSummary } from '../../src/protocol/runEvents';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { RunFiles } from '../../src/store/runFolder';
import { type RunLauncher, type RunRequest, type RunResult, runSweep } from '../../src/trainer/sweepRunner';

const trueMStar = (T: number) => 20 + 15 * Math.log(T);

/** Succeeds with probability σ(steep·(ln m − ln m*(T))), deterministic per (T, m, seed). */
function oracleLauncher(opts: { steep?: number; onLaunch?: (runId: string) => void; crash?: (runId: string, attempt: number) => boolean } = {}): RunLauncher & { launched: string[] } {
  const launched: string[] = [];
  const attempts = new Map<string, number>();
  const launch = (async (req: RunRequest): Promise<RunResult> => {
    launched.push(req.runId);
    opts.onLaunch?.(req.runId);
    const attempt = (attempts.get(req.runId) ?? 0) + 1;
    attempts.set(req.runId, attempt);
    await new Promise((r) => setImmediate(r));
    if (opts.crash?.(req.runId, attempt)) return { ok: false, reason: 'simulated crash' };
    const { T } = req.spec.task;
    const m = req.spec.data.trainSize;
    const p = 1 / (1 + Math.exp(-(opts.steep ?? 12) * (Math.log(m) - Math.log(trueMStar(T)))));
    const ok = seedrandom(`${T}:${m}:${req.spec.seed}:${req.spec.model.arch}`)() < p;
    const files = new RunFiles(req.out, req.runId);
    files.create(req.spec);
    const summary: RunSummary = {
      type: 'summary', runId: req.runId, status: ok ? 'succeeded' : 'not-reached', steps: 10, parameterCount: 1,
      testAccuracy: ok ? 1 : 0.6, trainAccuracy: 1, attentionOnRelevant: 0.5, backend: 'fake', wallSeconds: 0, runDir: files.dir,
    };
    files.writeSummary(summary);
    return { ok: true, summary };
  }) as unknown as RunLauncher & { launched: string[] };
  launch.launched = launched;
  return launch;
}

const sweepSpec = (over: Partial<SweepInput> = {}) =>
  SweepSchema.parse({
    version: 1,
    kind: 'sweep',
    name: 'oracle',
    base: { task: { kind: 'and', s: 3 }, training: { batchSize: 64 } },
    contextLengths: [4, 8, 16, 32, 64, 128, 256, 512, 1024],
    trainSizes: { min: 10, max: 400, points: 40 },
    seeds: 3,
    successRate: 0.67,
    ...over,
  });

const tmp = () => mkdtempSync(path.join(tmpdir(), 'sa-sweep-'));
const strip = (s: { points: unknown; fits: unknown; best: unknown; compare: unknown }) => JSON.stringify({ points: s.points, fits: s.fits, best: s.best, compare: s.compare });

describe('sweep runner (fake trainer)', () => {
  it('recovers m*(T) = 20 + 15·ln T within its intervals and names log T the best fit', async () => {
    const events: SweepEvent[] = [];
    const summary = await runSweep(sweepSpec(), { sweepDir: tmp(), parallel: 2, launch: oracleLauncher(), onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'completed');
    // The bracket is only as fine as the candidate ladder (ratio ≈ 1.1 per step), and outcomes near
    // m* are coin flips, so the truth must lie inside the bracket widened by one ladder step.
    const step = Math.exp(Math.log(400 / 10) / 39);
    for (const p of summary.points) {
      const [lo, hi] = p.interval;
      const truth = trueMStar(p.T);
      assert.ok(lo !== null && hi !== null && lo < hi, `T=${p.T} interval ${p.interval}`);
      assert.ok(hi! / lo! <= step ** 2 + 1e-9, `T=${p.T}: bracket [${lo}, ${hi}] wider than two ladder steps`);
      assert.ok(truth >= lo! / step && truth <= hi! * step, `T=${p.T}: true m* ${truth.toFixed(1)} outside [${lo}, ${hi}]`);
    }
    assert.equal(summary.best, 'log');
    assert.ok(Math.abs(summary.fits!.log.b! - 15) < 4, `slope ${summary.fits!.log.b}`);
    assert.ok(events.some((e) => e.type === 'mstar-updated'));
    assert.ok(events.some((e) => e.type === 'fit-updated'));
    assert.equal(events[events.length - 1].type, 'sweep-summary');
  });

  it('bisection uses far fewer runs than the grid for the same answer', async () => {
    const b = oracleLauncher({ steep: 1000 });
    const g = oracleLauncher({ steep: 1000 });
    const bs = await runSweep(sweepSpec({ search: 'bisect' }), { sweepDir: tmp(), parallel: 2, launch: b });
    const gs = await runSweep(sweepSpec({ search: 'grid' }), { sweepDir: tmp(), parallel: 2, launch: g });
    assert.deepEqual(bs.points.map((p) => p.mStar), gs.points.map((p) => p.mStar));
    assert.equal(g.launched.length, 9 * 40 * 3);
    assert.ok(b.launched.length <= 9 * 6 * 3, `bisect ran ${b.launched.length} runs`);
  });

  it('a killed sweep resumes: finished runs are reused and the summary matches an uninterrupted sweep', async () => {
    const spec = sweepSpec({ compareWith: [{ model: { arch: 'mlp' } }] });
    const reference = await runSweep(spec, { sweepDir: tmp(), parallel: 2, launch: oracleLauncher() });

    const dir = tmp();
    const controller = new AbortController();
    const first = oracleLauncher({ onLaunch: () => first.launched.length === 25 && controller.abort() });
    const interrupted = await runSweep(spec, { sweepDir: dir, parallel: 2, launch: first, signal: controller.signal });
    assert.equal(interrupted.status, 'cancelled');

    const second = oracleLauncher();
    const resumed = await runSweep(spec, { sweepDir: dir, parallel: 2, launch: second });
    assert.equal(resumed.status, 'completed');
    assert.ok(resumed.runsReused >= 20, `reused ${resumed.runsReused}`);
    assert.equal(resumed.runsReused + second.launched.length, reference.runsExecuted);
    for (const id of second.launched) assert.ok(!first.launched.slice(0, 20).includes(id), `re-ran finished run ${id}`);
    assert.equal(strip(resumed), strip(reference));
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    assert.equal(onDisk.status, 'completed');
  });

  it('a crashed run is retried once; a retry that succeeds completes the cell', async () => {
    const events: SweepEvent[] = [];
    const crashOnce = oracleLauncher({ crash: (id, attempt) => id.endsWith('seed1') && id.includes('T4-') && attempt === 1 });
    const s1 = await runSweep(sweepSpec({ contextLengths: [4, 16, 64] }), { sweepDir: tmp(), parallel: 1, launch: crashOnce, onEvent: (e) => events.push(e) });
    assert.ok(events.some((e) => e.type === 'run-failed' && e.attempt === 1));
    assert.equal(s1.runsFailed, 0);
    assert.equal(s1.status, 'completed');
    assert.ok(s1.points.every((p) => p.status === 'found'));
    assert.ok(s1.points[0].cells.every((c) => c.status !== 'incomplete' && c.trials === 3));
  });

  it('one success plus two crashes is incomplete, not a pass; the search stops there and the sweep says so', async () => {
    // At T = 4 every run but seed 0 crashes, and seed 0 succeeds everywhere: 1/1 would have "passed".
    const launch = oracleLauncher({ steep: 1000, crash: (id) => id.includes('T4-') && !id.endsWith('seed0') });
    const dir = tmp();
    const s = await runSweep(sweepSpec({ contextLengths: [4, 16, 64] }), { sweepDir: dir, parallel: 2, launch });
    const p = s.points[0];
    assert.equal(p.cells.length, 1, 'the bisection did not step past the incomplete cell');
    assert.equal(p.cells[0].status, 'incomplete');
    assert.equal(p.status, 'incomplete');
    assert.equal(p.mStar, null);
    assert.deepEqual(p.incompleteAt, [p.cells[0].m]);
    assert.equal(s.status, 'incomplete');
    assert.match(s.reason!, /^m\* is open at 1 context length because runs crashed after a retry \(transformer T=4 m=\d+\)/);
    assert.deepEqual(s.incompleteCells, [{ variant: 'transformer', T: 4, m: p.cells[0].m }]);
    assert.deepEqual(s.incomplete, [4], 'left out of the fits');
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')).status, 'incomplete');
  });

  it('a cell whose runs all crash is incomplete, not a failure: m* is not moved past it', async () => {
    // The reported case: runs crash for every m ≤ 80. A failure there would send the bisection up.
    const launch = oracleLauncher({ steep: 1000, crash: (_id, _attempt) => false });
    const crashSmall: RunLauncher = (req, signal) =>
      req.spec.data.trainSize <= 80 ? Promise.resolve({ ok: false, reason: 'simulated crash' }) : launch(req, signal);
    const s = await runSweep(sweepSpec({ contextLengths: [4, 16, 64] }), { sweepDir: tmp(), parallel: 2, launch: crashSmall });
    for (const p of s.points) {
      const first = p.cells[0];
      if (first.m > 80) continue; // the first bisection size was above 80
      assert.equal(first.status, 'incomplete');
      assert.equal(first.trials, 0);
      assert.equal(p.cells.length, 1, `T=${p.T}: search went on past ${first.m}`);
      assert.equal(p.status, 'incomplete');
      assert.equal(p.mStar, null);
    }
    assert.equal(s.status, 'incomplete');
    // A second try whose launcher no longer crashes completes it, reusing every finished run.
    const again = await runSweep(sweepSpec({ contextLengths: [4, 16, 64] }), { sweepDir: s.sweepDir, parallel: 2, launch: oracleLauncher({ steep: 1000 }) });
    assert.equal(again.status, 'completed');
    assert.ok(again.points.every((p) => p.status === 'found'));
  });

  it('the summary carries the bootstrap: shares summing to 1, intervals, censored T, the protocol', async () => {
    const s = await runSweep(sweepSpec({ bootstrap: 300 }), { sweepDir: tmp(), parallel: 2, launch: oracleLauncher() });
    const sup = s.verdictSupport!;
    assert.ok(Math.abs(sup.log + sup.linear + sup.power - 1) < 1e-9);
    assert.ok(s.exponent!.interval[0] <= s.exponent!.c && s.exponent!.c <= s.exponent!.interval[1]);
    assert.ok(s.slope!.interval[0] < 15 + 4 && s.slope!.interval[1] > 15 - 4, JSON.stringify(s.slope));
    assert.deepEqual(s.censored, []);
    assert.match(s.protocol, /and of s = 3 bits; Transformer, 1 layer, 4 heads, d = 64, init fan-in; AdamW lr 0\.001, batch 64; success = test accuracy ≥ 0\.99 at an evaluation/);
    assert.ok(s.curve.length > 10 && s.curve[0].T === 4);
    const again = await runSweep(sweepSpec({ bootstrap: 300 }), { sweepDir: tmp(), parallel: 2, launch: oracleLauncher() });
    assert.deepEqual(again.verdictSupport, s.verdictSupport, 'seeded: the same sweep gives the same shares');
  });

  it('successWhen is one rule for the whole sweep, written into every cell', async () => {
    const launch = oracleLauncher();
    const s = sweepSpec({ successWhen: 'final', contextLengths: [4, 8, 16] });
    const seen: string[] = [];
    const spy: RunLauncher = (req, signal) => {
      seen.push(req.spec.training.successWhen);
      return launch(req, signal);
    };
    await runSweep(s, { sweepDir: tmp(), parallel: 2, launch: spy });
    assert.ok(seen.length > 0 && seen.every((w) => w === 'final'));
  });

  it('vary: one m*(T) search per value, one result per value in the summary, each run trained with its value', async () => {
    const launch = oracleLauncher();
    const heads = new Map<string, number>();
    const spy: RunLauncher = (req, signal) => {
      heads.set(req.runId, req.spec.model.heads);
      return launch(req, signal);
    };
    const events: SweepEvent[] = [];
    const s = sweepSpec({ contextLengths: [4, 16, 64], vary: { 'model.heads': [1, 2] } });
    const summary = await runSweep(s, { sweepDir: tmp(), parallel: 2, launch: spy, onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'completed');
    const variants = [summary, ...summary.compare];
    assert.deepEqual(variants.map((v) => v.label), ['heads-1', 'heads-2']);
    for (const v of variants) {
      assert.deepEqual(v.points.map((p) => p.T), [4, 16, 64]);
      assert.ok(v.points.every((p) => p.status === 'found'), `${v.label}: ${v.points.map((p) => p.status)}`);
      assert.ok(v.fits !== null, `${v.label} has no fits`);
    }
    const started = events.find((e) => e.type === 'sweep-started');
    assert.deepEqual(started?.type === 'sweep-started' && started.variants, ['heads-1', 'heads-2']);
    for (const [runId, h] of heads) assert.equal(h, runId.startsWith('heads-1-') ? 1 : 2, runId);
    assert.ok([...heads.keys()].some((id) => id.startsWith('heads-1-')) && [...heads.keys()].some((id) => id.startsWith('heads-2-')));
  });
});

describe('sweep validation', () => {
  const base = (): Record<string, unknown> => ({
    version: 1, kind: 'sweep', name: 'v', base: { task: { kind: 'and', s: 3 } }, contextLengths: [8, 16], trainSizes: { min: 4, max: 64 },
  });
  const problems = (edit: (s: Record<string, any>) => void) => {
    const s = base();
    edit(s);
    const r = parseWithSchema(SweepSchema, s);
    return r.ok ? [] : r.problems;
  };
  it('accepts a good file and fills defaults', () => {
    const r = parseWithSchema(SweepSchema, base());
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([r.value.search, r.value.seeds, r.value.successRate], ['bisect', 3, 0.67]);
  });
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['T in base', (s) => (s.base.task.T = 8), /^base\.task\.T: is set by the sweep/],
    ['trainSize in base', (s) => (s.base.data = { trainSize: 8 }), /^base\.data\.trainSize: is set by the sweep/],
    ['min ≥ max', (s) => (s.trainSizes = { min: 64, max: 8 }), /^trainSizes\.max: min must be < max/],
    ['T below s', (s) => (s.contextLengths = [2, 8]), /^contextLengths\.0: must be ≥ base\.task\.s \(got 2 < 3\)/],
    ['repeated T', (s) => (s.contextLengths = [8, 8]), /^contextLengths: must not repeat a T/],
    ['bad search', (s) => (s.search = 'random'), /^search: must be "bisect" or "grid" \(got "random"\)/],
    ['zero seeds', (s) => (s.seeds = 0), /^seeds: must be ≥ 1 \(got 0\)/],
    ['unknown field', (s) => (s.foo = 1), /^foo: unknown field/],
    ['bad compareWith model', (s) => (s.compareWith = [{ model: { heads: 3 } }]), /^compareWith\.0\.model\.dModel: must be divisible/],
    ['wrong kind', (s) => (s.kind = 'experiment'), /^kind: must be "sweep"/],
    ['bad successWhen', (s) => (s.successWhen = 'best'), /^successWhen: must be "reached" or "final"/],
    ['successWhen in base', (s) => (s.base.training = { successWhen: 'final' }), /^base\.training\.successWhen: is set for the whole sweep/],
    ['negative bootstrap', (s) => (s.bootstrap = -1), /^bootstrap: must be ≥ 0/],
  ];
  for (const [name, edit, expected] of cases) {
    it(name, () => {
      const ps = problems(edit);
      assert.ok(ps.some((p) => expected.test(p)), `expected ${expected} in:\n${ps.join('\n')}`);
    });
  }
});
