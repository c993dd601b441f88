// `npm run bench`: training throughput per backend and implementation, the matMul ceiling, where
// the fast path spends its time, memory over a long run, sweep wall times, and the results panel's
// render cost. Tables go to stdout, progress to stderr, everything to bench-results/*.json.
//   --quick        fewer steps everywhere and a reduced sweep (for developing the bench itself)
//   --skip-sweeps  leave out the sweep wall times (minutes each)
//   --sweep-file   the sweep to time (default examples/and-sweep.sweep.json)
//   --cli          the CLI the sweeps run (default bin/sparse-attention.js, i.e. dist/cli.js); for a
//                  bundle built elsewhere when the full build is unavailable
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/core/backend';
import { detectBackends, useBackend } from './backends';
import { type MatMulTiming, measureMatMulCeiling, measureTransposedMatMuls } from './ceiling';
import { type MemoryResult, RSS_GROWTH_LIMIT_PCT, measureMemory } from './memory';
import { type PanelRender, measurePanelRender } from './panelRender';
import { type ProfileResult, profileStep } from './profile';
import { type QueueOverhead, measureQueueOverhead } from './queueOverhead';
import { CLI, type SweepTiming, bundleProblem, quickSweepFile, timeSweep } from './sweepWallTime';
import { f1, f2, sci, table } from './table';
import { type LossAgreement, type ThroughputResult, lossAgreement, measureThroughput } from './throughput';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-sweeps': { type: 'boolean', default: false },
    'sweep-file': { type: 'string', default: 'examples/and-sweep.sweep.json' },
    cli: { type: 'string', default: CLI },
  },
});
const quick = args.quick!;
const started = Date.now();
// The cores may be shared: the load when the bench started and ended says how far to trust timings.
const loadAtStart = loadavg();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

/** Acceptance targets from the optimisation's brief. */
const TARGET = { stepSpeedupT32: 3, sweepSpeedup: 2, lossRelTolerance: 1e-3 };
const LOSS_STEPS = 20;

interface Plan {
  Ts: number[];
  warmup: number;
  measured: (T: number) => number;
  minSteps: number;
}

/** The CPU backend is 20–40× slower than WASM: T = 16 and a handful of steps only. */
function planFor(backend: BackendName): Plan {
  if (backend === 'cpu') return { Ts: [16], warmup: 2, measured: () => (quick ? 3 : 8), minSteps: 0 };
  if (quick) return { Ts: [16, 32, 128], warmup: 2, measured: () => 5, minSteps: 8 };
  return { Ts: [16, 32, 128], warmup: 3, measured: (T) => (T <= 16 ? 100 : T <= 32 ? 60 : 12), minSteps: LOSS_STEPS };
}

interface ThroughputRow extends Omit<ThroughputResult, 'losses'> {
  backend: BackendName;
}
interface PairRow {
  backend: BackendName;
  T: number;
  speedup: number;
  loss: LossAgreement;
}

async function throughputSection(backends: BackendName[]): Promise<{ rows: ThroughputRow[]; pairs: PairRow[] }> {
  const rows: ThroughputRow[] = [];
  const pairs: PairRow[] = [];
  for (const backend of backends) {
    await useBackend(backend);
    const plan = planFor(backend);
    for (const T of plan.Ts) {
      const byImpl: Record<string, ThroughputResult> = {};
      for (const reference of [false, true]) {
        const impl = reference ? 'reference' : 'fast';
        log(`throughput ${backend} T=${T} ${impl}: ${plan.warmup} warm-up + ${plan.measured(T)} timed steps`);
        const r = await measureThroughput({ T, reference, warmupSteps: plan.warmup, measuredSteps: plan.measured(T), minSteps: plan.minSteps });
        log(`  ${f1(r.msPerStep)} ms/step, ${f1(r.samplesPerSec)} samples/s, ${f2(r.gflopsPerSec)} GFLOP/s`);
        byImpl[impl] = r;
        const { losses: _losses, ...rest } = r;
        rows.push({ backend, ...rest });
      }
      pairs.push({
        backend,
        T,
        speedup: byImpl.fast.stepsPerSec / byImpl.reference.stepsPerSec,
        loss: lossAgreement(byImpl.fast.losses, byImpl.reference.losses, LOSS_STEPS),
      });
    }
  }
  return { rows, pairs };
}

async function ceilingSection(backends: BackendName[]): Promise<{ backend: BackendName; ceiling: MatMulTiming }[]> {
  const out: { backend: BackendName; ceiling: MatMulTiming }[] = [];
  for (const backend of backends) {
    await useBackend(backend);
    log(`matMul ceiling on ${backend}`);
    const ceiling = measureMatMulCeiling(2048, 512, 512, backend === 'cpu' ? 2 : quick ? 3 : 10);
    log(`  ${f1(ceiling.ms)} ms, ${f1(ceiling.gflopsPerSec)} GFLOP/s`);
    out.push({ backend, ceiling });
  }
  return out;
}

async function sweepSection(): Promise<{ file: string; cli: string; quick: boolean; timings: SweepTiming[]; queue?: QueueOverhead; error?: string }> {
  const outDir = path.join('bench-results', 'tmp');
  mkdirSync(outDir, { recursive: true });
  const file = quick ? quickSweepFile(args['sweep-file']!, outDir) : args['sweep-file']!;
  const cores = availableParallelism();
  const plan: { workers: number; reference: boolean }[] = [{ workers: cores, reference: false }, { workers: cores, reference: true }];
  if (cores > 1) plan.unshift({ workers: 1, reference: false });
  const timings: SweepTiming[] = [];
  const cli = path.relative(process.cwd(), path.resolve(args.cli!));
  const problem = bundleProblem(cli);
  if (problem) {
    log(`sweeps skipped: ${problem}`);
    return { file, cli, quick, timings, error: problem };
  }
  try {
    for (const p of plan) {
      const label = `${p.reference ? 'reference' : 'fast'} ×${p.workers}`;
      log(`sweep ${file} (${label}) — minutes`);
      const t = await timeSweep(file, { ...p, cli, label, log });
      log(`  ${f1(t.wallSeconds)} s, ${t.runsExecuted} runs, ${t.runsFailed} failed`);
      timings.push(t);
    }
    log(`sweep ${file} over a Redis queue with ${cores} local workers vs the local pool — minutes`);
    const queue = await measureQueueOverhead(file, { cli, workers: cores, log });
    if (queue.skipped) log(`  queue: skipped (${queue.skipped})`);
    return { file, cli, quick, timings, queue };
  } catch (err) {
    return { file, cli, quick, timings, error: (err as Error).message };
  }
}

function report(r: {
  backends: Awaited<ReturnType<typeof detectBackends>>;
  throughput: Awaited<ReturnType<typeof throughputSection>>;
  ceilings: Awaited<ReturnType<typeof ceilingSection>>;
  transposed: MatMulTiming[];
  profiles: ProfileResult[];
  memory: MemoryResult;
  sweeps: Awaited<ReturnType<typeof sweepSection>> | null;
  panel: PanelRender;
  acceptance: ReturnType<typeof acceptanceOf>;
}): string {
  const out: string[] = [];
  const h = (title: string) => out.push('', `## ${title}`);
  out.push(`# Sparse Attention Lab benchmark${quick ? ' (--quick: numbers are indicative only)' : ''}`);
  out.push(
    `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ` +
      `load average ${loadAtStart[0].toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`,
  );
  h('Backends');
  out.push(table(['backend', 'status'], r.backends.map((b) => [b.name, b.available ? 'available' : `skipped: ${b.reason}`])));
  h('Training throughput (d=64, 4 heads, 1 layer, mlpRatio 4, batch 64; warm-up excluded)');
  const ceil = new Map(r.ceilings.map((c) => [c.backend, c.ceiling.gflopsPerSec]));
  out.push(
    table(
      ['backend', 'T', 'impl', 'steps', 'ms/step', 'steps/s', 'samples/s', 'MFLOP/step', 'GFLOP/s', '% ceiling'],
      r.throughput.rows.map((t) => [
        t.backend, t.T, t.impl, t.measuredSteps, f1(t.msPerStep), f2(t.stepsPerSec), f1(t.samplesPerSec),
        f1(t.flopsPerStep / 1e6), f2(t.gflopsPerSec), f1((100 * t.gflopsPerSec) / (ceil.get(t.backend) ?? NaN)),
      ]),
    ),
  );
  h('Fast vs reference (same seed): speed-up and loss agreement');
  out.push(
    table(
      ['backend', 'T', 'speed-up', 'loss steps', 'max |Δloss|', 'max rel Δ'],
      r.throughput.pairs.map((p) => [p.backend, p.T, `${f2(p.speedup)}x`, p.loss.steps, sci(p.loss.maxAbsDiff), sci(p.loss.maxRelDiff)]),
    ),
  );
  h('Ceiling: plain 2-D matMul');
  out.push(table(['backend', 'matMul', 'ms', 'GFLOP/s'], r.ceilings.map((c) => [c.backend, c.ceiling.label, f1(c.ceiling.ms), f1(c.ceiling.gflopsPerSec)])));
  h('Linear-layer backward products on WASM (transpose flags vs explicit transpose)');
  out.push(table(['product', 'ms', 'GFLOP/s'], r.transposed.map((t) => [t.label, f2(t.ms), f1(t.gflopsPerSec)])));
  for (const p of r.profiles) {
    h(`Kernel profile, one training step, wasm T=${p.T} ${p.impl}: ${f1(p.kernelMsPerStep)} ms in kernels of ${f1(p.wallMsPerStep)} ms (profiled), ${p.kernelCallsPerStep} kernel calls`);
    out.push(table(['kernel', 'calls', 'ms', '%'], p.top.map((k) => [k.kernel, k.calls, f2(k.ms), f1(k.pct)])));
  }
  const m = r.memory;
  h(`Memory over ${m.steps} training steps (wasm, T=${m.T}, fast path)`);
  out.push(
    table(
      ['', 'first (step 1)', `after warm-up (step ${m.baselineStep})`, 'last', 'max'],
      [
        ['RSS MiB', f1(m.rss.firstMiB), f1(m.rss.baselineMiB), f1(m.rss.lastMiB), f1(m.rss.maxMiB)],
        ['numTensors', m.numTensors.first, '', m.numTensors.last, m.numTensors.max],
      ],
    ),
  );
  out.push(
    `RSS growth after warm-up ${f2(m.rss.growthPct)}% (limit ${RSS_GROWTH_LIMIT_PCT}%), tensors ${m.numTensors.min === m.numTensors.max ? 'constant' : `vary ${m.numTensors.min}–${m.numTensors.max}`}: ${m.flat ? 'FLAT' : 'NOT FLAT'}`,
  );
  h('Sweep wall time');
  if (!r.sweeps) out.push('skipped (--skip-sweeps)');
  else {
    out.push(`${r.sweeps.file}${r.sweeps.quick ? ' (reduced for --quick)' : ''}, backend wasm, via ${r.sweeps.cli}`);
    out.push(
      table(
        ['impl', 'workers', 'wall s', 'CPU s', 'load before/after', 'runs', 'failed', 'm*(T)'],
        r.sweeps.timings.map((t) => [
          t.impl, t.workers, f1(t.wallSeconds), t.cpuSeconds === null ? '–' : f1(t.cpuSeconds), `${f2(t.load[0])} / ${f2(t.load[1])}`,
          t.runsExecuted, t.runsFailed, t.mStar.map((p) => `${p.T}:${p.mStar === null ? '–' : f1(p.mStar)}`).join(' '),
        ]),
      ),
    );
    for (const t of r.sweeps.timings) out.push(`verdict (${t.impl} ×${t.workers}): ${t.verdict}`);
    const q = r.sweeps.queue;
    if (q?.skipped) out.push(`queue: skipped (${q.skipped})`);
    else if (q?.local && q.queued) {
      out.push(
        `queue: local pool ${f1(q.local.wallSeconds)} s, over Redis with ${q.queued.workers} local workers ${f1(q.queued.wallSeconds)} s: ` +
          `overhead ${f1(q.overheadPct!)}% (goal ≤ 10%), same m*: ${q.sameMStar ? 'yes' : 'NO'}`,
      );
    }
    if (r.sweeps.error) out.push(`error: ${r.sweeps.error}`);
  }
  h('Results panel render');
  out.push(r.panel.skipped ? `panel render: skipped (${r.panel.reason})` : table(['T', 'ms/update'], r.panel.results.map((p) => [p.T, f2(p.msPerUpdate)])));
  h('Acceptance');
  const a = r.acceptance;
  out.push(
    a.stepT32
      ? `T=32 wasm: fast ${f2(a.stepT32.fastStepsPerSec)} steps/s vs reference ${f2(a.stepT32.referenceStepsPerSec)} = ${f2(a.stepT32.speedup)}x ` +
          `(target ≥ ${TARGET.stepSpeedupT32}x), losses max rel Δ ${sci(a.stepT32.loss.maxRelDiff)} over ${a.stepT32.loss.steps} steps ` +
          `(tolerance ${sci(TARGET.lossRelTolerance)}): ${a.stepT32.pass ? 'PASS' : 'FAIL'}`
      : 'T=32 wasm: not measured (WASM unavailable)',
  );
  out.push(
    a.sweep
      ? `sweep at ${a.sweep.workers} workers: fast ${f1(a.sweep.fastSeconds)} s vs reference ${f1(a.sweep.referenceSeconds)} s wall = ${f2(a.sweep.speedup)}x ` +
          `(target ≥ ${TARGET.sweepSpeedup}x): ${a.sweep.pass ? 'PASS' : 'FAIL'}${r.sweeps?.quick ? ' (reduced sweep)' : ''}` +
          (a.sweep.cpuSpeedup === null ? '' : `; CPU time ${f2(a.sweep.cpuSpeedup)}x (insensitive to other load on the cores)`)
      : 'sweep: not measured',
  );
  return out.join('\n');
}

function acceptanceOf(pairs: PairRow[], rows: ThroughputRow[], sweeps: Awaited<ReturnType<typeof sweepSection>> | null) {
  const p = pairs.find((x) => x.backend === 'wasm' && x.T === 32);
  const row = (impl: string) => rows.find((x) => x.backend === 'wasm' && x.T === 32 && x.impl === impl)!;
  const stepT32 = p && {
    fastStepsPerSec: row('fast').stepsPerSec,
    referenceStepsPerSec: row('reference').stepsPerSec,
    speedup: p.speedup,
    loss: p.loss,
    pass: p.speedup >= TARGET.stepSpeedupT32 && p.loss.maxRelDiff <= TARGET.lossRelTolerance,
  };
  const cores = availableParallelism();
  const fast = sweeps?.timings.find((t) => t.impl === 'fast' && t.workers === cores);
  const ref = sweeps?.timings.find((t) => t.impl === 'reference' && t.workers === cores);
  const sweep = fast && ref && {
    workers: cores,
    fastSeconds: fast.wallSeconds,
    referenceSeconds: ref.wallSeconds,
    speedup: ref.wallSeconds / fast.wallSeconds,
    cpuSpeedup: fast.cpuSeconds && ref.cpuSeconds ? ref.cpuSeconds / fast.cpuSeconds : null,
    pass: ref.wallSeconds / fast.wallSeconds >= TARGET.sweepSpeedup,
  };
  return { targets: TARGET, stepT32: stepT32 ?? null, sweep: sweep ?? null };
}

async function main(): Promise<void> {
  log(`starting${quick ? ' (--quick)' : ''}${args['skip-sweeps'] ? ' (--skip-sweeps)' : ''}`);
  const backends = await detectBackends();
  for (const b of backends) log(`backend ${b.name}: ${b.available ? 'available' : `skipped (${b.reason})`}`);
  const usable = backends.filter((b) => b.available).map((b) => b.name);
  if (!usable.includes('wasm')) throw new Error('the WASM backend is required for the profile and memory sections');

  const throughput = await throughputSection(usable);
  const ceilings = await ceilingSection(usable);
  await useBackend('wasm');
  log('transposed matMul products (wasm)');
  const transposed = measureTransposedMatMuls();
  const profiles: ProfileResult[] = [];
  for (const reference of [false, true]) {
    log(`kernel profile wasm T=32 ${reference ? 'reference' : 'fast'}`);
    profiles.push(await profileStep(32, reference, quick ? 1 : 3, 8));
  }
  const memSteps = quick ? 200 : 2000;
  log(`memory over ${memSteps} steps (wasm T=16 fast)`);
  const memory = await measureMemory(memSteps, quick ? 20 : 100, (s) => {
    if (s % (memSteps / 4) === 0) log(`  memory: step ${s}/${memSteps}`);
  });
  const sweeps = args['skip-sweeps'] ? null : await sweepSection();
  log('results panel render');
  const panel = await measurePanelRender([256, 1024]);
  const acceptance = acceptanceOf(throughput.pairs, throughput.rows, sweeps);

  const results = { backends, throughput, ceilings, transposed, profiles, memory, sweeps, panel, acceptance };
  const text = report(results);
  process.stdout.write(text + '\n');

  const date = new Date();
  const json = {
    date: date.toISOString(),
    options: { quick, skipSweeps: args['skip-sweeps'], sweepFile: args['sweep-file'], cli: args.cli },
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, availableParallelism: availableParallelism(), memGiB: totalmem() / 2 ** 30, node: process.version, platform: process.platform },
    totalSeconds: (Date.now() - started) / 1000,
    loadavg: { start: loadAtStart, end: loadavg() },
    ...results,
  };
  mkdirSync('bench-results', { recursive: true });
  const file = path.join('bench-results', `bench-${date.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(path.join('bench-results', 'latest.json'), JSON.stringify(json, null, 2) + '\n');
  log(`wrote ${file} and bench-results/latest.json (${f1((Date.now() - started) / 1000)} s in all)`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
