// `npm run bench`: training throughput per backend and implementation, the matMul ceiling, where
// the fast path spends its time, memory over a long run, sweep wall times, and the results panel's
// render cost. Tables go to stdout, progress to stderr, everything to bench-results/*.json.
//   --quick        fewer steps everywhere and a reduced sweep (for developing the bench itself)
//   --skip-sweeps  leave out the sweep wall times (minutes each)
//   --sweep-file   the sweep to time (default examples/and-protocol-grid.sweep.json, the paper's grid)
//   --skip-before  leave out the sweep with the version before issue 11 (a git worktree; slowest)
//   --cli          the CLI the sweeps run (default bin/sparse-attention.js, i.e. dist/cli.js); for a
//                  bundle built elsewhere when the full build is unavailable
//   --webgpu-only   only the WebGPU section (adapter, member-steps/s against K and T, the grid on a
//                   hardware adapter): bench-results/webgpu-*.json; see webgpuSection.ts
//   --skip-webgpu   leave the WebGPU section out
//   --webgpu-budget seconds a (T, K) point may take (default 20 on SwiftShader, 120 on a GPU)
//   --webgpu-grid   time the grid on SwiftShader too (hours); --webgpu-full the full protocol (GPU)
//   --webgpu-grid-wasm  with --webgpu-only: the grid on wasm as well, for m*(T) side by side
//   --scale-only    only the 5000-run sweep's open times (issue 22, scaleOpen.ts): bench-results/scale-*.json
//   --skip-scale    leave that section out (writing its folder takes minutes and 3 GB of disk)
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/core/train/backend';
import { detectBackends, useBackend } from './backends';
import { type MatMulTiming, measureMatMulCeiling, measureTransposedMatMuls } from './ceiling';
import { type MemoryResult, RSS_GROWTH_LIMIT_PCT, measureMemory } from './memory';
import { type PanelRender, measurePanelRender } from './panelRender';
import { type ProfileResult, profileStep } from './profile';
import { type QueueOverhead, measureQueueOverhead } from './queueOverhead';
import { type ScaleResult, measureScale, scaleText } from './scaleOpen';
import { BEFORE_ISSUE_11, beforeIssueCli } from './beforeWorktree';
import { type EnsembleScalingRow, measureEnsemble } from './ensembleScaling';
import { type NormCostRow, measureNormCost } from './normCost';
import { CLI, type SweepTiming, bundleProblem, quickSweepFile, timeSweep } from './sweepWallTime';
import { type Skipped, type TorchGridResult, type TorchStep, measureTorchGrid, torchStepMs } from './torchGrid';
import { f1, f2, sci, table } from './table';
import { type WebGpuOptions, type WebGpuSectionResult, webgpuOnly, webgpuSection, webgpuSectionText } from './webgpuSection';
import { type LossAgreement, type ThroughputResult, lossAgreement, measureThroughput } from './throughput';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-sweeps': { type: 'boolean', default: false },
    'sweep-file': { type: 'string', default: 'examples/and-protocol-grid.sweep.json' },
    'queue-sweep-file': { type: 'string', default: 'examples/and-sweep.sweep.json' },
    'skip-before': { type: 'boolean', default: false },
    cli: { type: 'string', default: CLI },
    'webgpu-only': { type: 'boolean', default: false },
    'skip-webgpu': { type: 'boolean', default: false },
    'webgpu-budget': { type: 'string' },
    'webgpu-grid': { type: 'boolean', default: false },
    'webgpu-full': { type: 'boolean', default: false },
    'webgpu-grid-wasm': { type: 'boolean', default: false },
    'scale-only': { type: 'boolean', default: false },
    'skip-scale': { type: 'boolean', default: false },
  },
});
const quick = args.quick!;
const started = Date.now();
// The cores may be shared: the load when the bench started and ended says how far to trust timings.
const loadAtStart = loadavg();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

/** Targets: issue 6 (fast path vs reference) and issue 11's goals (ensembles, the paper's grid). */
const TARGET = { stepSpeedupT32: 3, lossRelTolerance: 1e-3, gridSeconds: 120, gridVsBefore: 5, gridVsTorch: 10, stepVsTorch: 1 };
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

type SweepSection = { file: string; cli: string; quick: boolean; timings: SweepTiming[]; queue?: QueueOverhead; before?: string; error?: string };

/**
 * The grid as users run it: ensembles (the default), one process per run (--ensemble off), and the
 * version before issue 11 (a git worktree), each on every core; then the queue's overhead (issue 12)
 * on the shorter example sweep.
 */
async function sweepSection(): Promise<SweepSection> {
  const outDir = path.join('bench-results', 'tmp');
  mkdirSync(outDir, { recursive: true });
  const file = quick ? quickSweepFile(args['sweep-file']!, outDir) : args['sweep-file']!;
  const cores = availableParallelism();
  const timings: SweepTiming[] = [];
  const cli = path.relative(process.cwd(), path.resolve(args.cli!));
  const problem = bundleProblem(cli);
  if (problem) {
    log(`sweeps skipped: ${problem}`);
    return { file, cli, quick, timings, error: problem };
  }
  const plan: { label: string; cli: string; args: string[] }[] = [
    { label: `ensembles ×${cores}`, cli, args: [] },
    { label: `one process per run ×${cores}`, cli, args: ['--ensemble', 'off'] },
  ];
  let before: string | undefined;
  if (!args['skip-before']) {
    const b = beforeIssueCli(log);
    if ('cli' in b) plan.push({ label: `before issue 11 (${BEFORE_ISSUE_11}) ×${cores}`, cli: b.cli, args: [] });
    else before = b.skipped;
  }
  try {
    for (const p of plan) {
      log(`sweep ${file} (${p.label}) — minutes`);
      const t = await timeSweep(file, { cli: p.cli, workers: cores, args: p.args, label: p.label, log });
      log(`  ${f1(t.wallSeconds)} s, ${t.runsExecuted} runs, ${t.runsFailed} failed`);
      timings.push(t);
    }
    const queueFile = quick ? file : args['queue-sweep-file']!;
    log(`sweep ${queueFile} over a Redis queue with ${cores} local workers vs the local pool — minutes`);
    const queue = await measureQueueOverhead(queueFile, { cli, workers: cores, log });
    if (queue.skipped) log(`  queue: skipped (${queue.skipped})`);
    return { file, cli, quick, timings, queue, before };
  } catch (err) {
    return { file, cli, quick, timings, before, error: (err as Error).message };
  }
}

/** Steps/s and GFLOP/s of the ensemble trainer for K members at several T (wasm). */
async function ensembleSection(): Promise<(EnsembleScalingRow | { T: number; K: number; skipped: string })[]> {
  await useBackend('wasm');
  const rows = [];
  for (const T of quick ? [10, 40] : [10, 40, 160]) {
    for (const K of quick ? [1, 16] : [1, 4, 16, 64]) {
      const measured = quick ? 3 : Math.max(5, Math.round(400 / K / (T >= 160 ? 4 : 1)));
      log(`ensemble T=${T} K=${K}: 3 warm-up + ${measured} timed steps`);
      const r = await measureEnsemble(T, K, 3, measured);
      log('skipped' in r ? `  skipped: ${r.skipped}` : `  ${f1(r.msPerStep)} ms/step, ${f1(r.memberStepsPerSec)} member-steps/s`);
      rows.push(r);
    }
  }
  return rows;
}

/** The PyTorch yardsticks: the grid as a loop over trials (one process per core), and one step at T = 32. */
async function torchSection(file: string): Promise<{ grid: TorchGridResult | Skipped; step: TorchStep | Skipped }> {
  const cores = availableParallelism();
  log(`PyTorch loop over the grid ${file}, ${cores} processes — minutes`);
  const grid = await measureTorchGrid({ sweepFile: file, processes: cores, ...(quick ? { steps: 20, limit: 8 } : {}), log });
  log('skipped' in grid ? `  skipped: ${grid.skipped}` : `  ${f1(grid.wallSeconds)} s`);
  const step = await torchStepMs(32, 64, 64, quick ? 20 : 200);
  return { grid, step };
}

function report(r: {
  backends: Awaited<ReturnType<typeof detectBackends>>;
  throughput: Awaited<ReturnType<typeof throughputSection>>;
  ceilings: Awaited<ReturnType<typeof ceilingSection>>;
  transposed: MatMulTiming[];
  profiles: ProfileResult[];
  memory: MemoryResult;
  normCost: NormCostRow[];
  ensembles: Awaited<ReturnType<typeof ensembleSection>>;
  sweeps: SweepSection | null;
  torch: Awaited<ReturnType<typeof torchSection>> | null;
  panel: PanelRender;
  webgpu: WebGpuSectionResult | null;
  scale: ScaleResult | null;
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
  h('The paper\'s quantities (wasm): weight norms per evaluation, norm-ball projection per step (model.maxNorm)');
  out.push(
    table(
      ['dModel', 'heads', 'mlpRatio', 'norms ms / evaluation', 'projection ms / step'],
      r.normCost.map((n) => [n.dModel, n.heads, n.mlpRatio, f2(n.normsMsPerEvaluation), f2(n.projectionMsPerStep)]),
    ),
  );
  h('Sweep wall time');
  if (!r.sweeps) out.push('skipped (--skip-sweeps)');
  else {
    out.push(`${r.sweeps.file}${r.sweeps.quick ? ' (reduced for --quick)' : ''}, backend wasm, via ${r.sweeps.cli}`);
    out.push(
      table(
        ['trainer', 'workers', 'wall s', 'CPU s', 'load before/after', 'runs', 'failed', 'm*(T)'],
        r.sweeps.timings.map((t) => [
          t.label, t.workers, f1(t.wallSeconds), t.cpuSeconds === null ? '–' : f1(t.cpuSeconds), `${f2(t.load[0])} / ${f2(t.load[1])}`,
          t.runsExecuted, t.runsFailed, t.mStar.map((p) => `${p.T}:${p.mStar === null ? '–' : f1(p.mStar)}`).join(' '),
        ]),
      ),
    );
    for (const t of r.sweeps.timings) out.push(`verdict (${t.label}): ${t.verdict}`);
    if (r.sweeps.before) out.push(`before issue 11: skipped (${r.sweeps.before})`);
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
  h('Ensembles (wasm, protocol model: 16 heads, d = 64, m = 80 full batch)');
  out.push(
    table(
      ['T', 'K', 'ms/step', 'ensemble steps/s', 'member-steps/s', 'GFLOP/s', 'GFLOP/s per member', 'RSS growth MiB', 'estimate MiB'],
      r.ensembles.map((e) =>
        'skipped' in e
          ? [e.T, e.K, '–', '–', '–', '–', '–', '–', e.skipped]
          : [e.T, e.K, f1(e.msPerStep), f1(e.stepsPerSec), f1(e.memberStepsPerSec), f2(e.gflopsPerSec), f2(e.gflopsPerSecPerMember), f1(e.rssGrowthMiB), f1(e.estimateMiB)],
      ),
    ),
  );
  h('PyTorch yardsticks');
  if (!r.torch) out.push('skipped (--skip-sweeps)');
  const tg = r.torch?.grid ?? { skipped: '--skip-sweeps' };
  out.push('skipped' in tg ? `grid loop: skipped (${tg.skipped})` : `grid loop (${tg.runs.length} runs, ${tg.processes} processes × 1 thread, torch ${tg.torchVersion}): ${f1(tg.wallSeconds)} s; m*(T) ${tg.mStar.map((p) => `${p.T}:${p.mStar ?? '–'}`).join(' ')}`);
  const ts = r.torch?.step ?? { skipped: '--skip-sweeps' };
  out.push('skipped' in ts ? `step: skipped (${ts.skipped})` : `one step T=${ts.T} d=${ts.d} B=${ts.B}, 1 thread: ${f2(ts.msPerStep)} ms`);
  h('Results panel render');
  out.push(r.panel.skipped ? `panel render: skipped (${r.panel.reason})` : table(['T', 'ms/update'], r.panel.results.map((p) => [p.T, f2(p.msPerUpdate)])));
  h('WebGPU (Dawn): member-steps/s against K and T, sweeps on webgpu');
  const wasmGrid = r.sweeps?.timings.find((t) => t.label.startsWith('ensembles'));
  out.push(r.webgpu ? webgpuSectionText(r.webgpu, wasmGrid && { ...wasmGrid, file: r.sweeps!.file }) : 'skipped (--skip-webgpu)');
  h('A sweep of 5000 finished runs: open times (issue 22)');
  out.push(r.scale ? scaleText(r.scale) : 'skipped (--skip-scale)');
  h('Acceptance');
  const a = r.acceptance;
  out.push(
    a.stepT32
      ? `T=32 wasm: fast ${f2(a.stepT32.fastStepsPerSec)} steps/s vs reference ${f2(a.stepT32.referenceStepsPerSec)} = ${f2(a.stepT32.speedup)}x ` +
          `(target ≥ ${TARGET.stepSpeedupT32}x), losses max rel Δ ${sci(a.stepT32.loss.maxRelDiff)} over ${a.stepT32.loss.steps} steps ` +
          `(tolerance ${sci(TARGET.lossRelTolerance)}): ${a.stepT32.pass ? 'PASS' : 'FAIL'}`
      : 'T=32 wasm: not measured (WASM unavailable)',
  );
  const g = a.grid;
  const goal = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  if (!g.ensembles) out.push('grid: not measured');
  else {
    out.push(`grid with ensembles: ${f1(g.ensembles.wallSeconds)} s (goal < ${TARGET.gridSeconds} s): ${goal(g.ensembles.wallSeconds < TARGET.gridSeconds)}${r.sweeps?.quick ? ' (reduced sweep)' : ''}`);
    if (g.off) out.push(`  vs one process per run: ${f1(g.off.wallSeconds)} s = ${f2(g.off.wallSeconds / g.ensembles.wallSeconds)}x`);
    if (g.before) out.push(`  vs before issue 11: ${f1(g.before.wallSeconds)} s = ${f2(g.before.wallSeconds / g.ensembles.wallSeconds)}x (goal ≥ ${TARGET.gridVsBefore}x): ${goal(g.before.wallSeconds / g.ensembles.wallSeconds >= TARGET.gridVsBefore)}`);
    if (g.torch) out.push(`  vs the PyTorch loop: ${f1(g.torch)} s = ${f2(g.torch / g.ensembles.wallSeconds)}x (goal ≥ ${TARGET.gridVsTorch}x): ${goal(g.torch / g.ensembles.wallSeconds >= TARGET.gridVsTorch)}`);
  }
  if (a.stepVsTorch) out.push(`one step T=32 B=64: ours ${f2(a.stepVsTorch.oursMs)} ms, PyTorch (1 thread) ${f2(a.stepVsTorch.torchMs)} ms = ${f2(a.stepVsTorch.ratio)}x PyTorch's speed (goal ≥ ${TARGET.stepVsTorch}x): ${goal(a.stepVsTorch.ratio >= TARGET.stepVsTorch)}`);
  return out.join('\n');
}

function acceptanceOf(pairs: PairRow[], rows: ThroughputRow[], sweeps: SweepSection | null, torch: Awaited<ReturnType<typeof torchSection>> | null) {
  const p = pairs.find((x) => x.backend === 'wasm' && x.T === 32);
  const row = (impl: string) => rows.find((x) => x.backend === 'wasm' && x.T === 32 && x.impl === impl)!;
  const stepT32 = p && {
    fastStepsPerSec: row('fast').stepsPerSec,
    referenceStepsPerSec: row('reference').stepsPerSec,
    speedup: p.speedup,
    loss: p.loss,
    pass: p.speedup >= TARGET.stepSpeedupT32 && p.loss.maxRelDiff <= TARGET.lossRelTolerance,
  };
  const timing = (label: string) => sweeps?.timings.find((t) => t.label.startsWith(label));
  const torchGrid = torch && !('skipped' in torch.grid) ? torch.grid.wallSeconds : undefined;
  const grid = { ensembles: timing('ensembles'), off: timing('one process per run'), before: timing('before issue 11'), torch: torchGrid };
  const torchStep = torch && !('skipped' in torch.step) ? torch.step.msPerStep : undefined;
  const stepVsTorch = torchStep !== undefined && p ? { oursMs: row('fast').msPerStep, torchMs: torchStep, ratio: torchStep / row('fast').msPerStep } : null;
  return { targets: TARGET, stepT32: stepT32 ?? null, grid, stepVsTorch };
}

/** The WebGPU section's options; `grid` is the sweep file the WASM timings used (none: no sweeps). */
const webgpuOptions = (grid: string | undefined): WebGpuOptions => ({
  budget: args['webgpu-budget'] === undefined ? undefined : Number(args['webgpu-budget']),
  grids: grid ? [grid] : [],
  full: args['webgpu-full'] ? 'examples/and-sweep-full.sweep.json' : undefined,
  gridsOnSoftware: args['webgpu-grid'],
  gridWasm: args['webgpu-grid-wasm'],
  quick,
  log,
});

/** --scale-only: the scale section alone, to bench-results/scale-<date>.json. */
async function scaleOnly(): Promise<void> {
  const scale = await measureScale(log);
  process.stdout.write(scaleText(scale) + '\n');
  mkdirSync('bench-results', { recursive: true });
  const file = path.join('bench-results', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), loadavg: { start: loadAtStart, end: loadavg() }, scale }, null, 2) + '\n');
  log(`wrote ${file}`);
}

async function main(): Promise<void> {
  if (args['scale-only']) return scaleOnly();
  if (args['webgpu-only']) {
    const grid = quick ? quickSweepFile(args['sweep-file']!, (mkdirSync('bench-results/tmp', { recursive: true }), 'bench-results/tmp')) : args['sweep-file']!;
    return webgpuOnly(webgpuOptions(grid), started);
  }
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
  log('weight norms and the norm-ball projection (wasm)');
  const normCost = await measureNormCost(quick ? 3 : 20);
  const ensembles = await ensembleSection();
  const sweeps = args['skip-sweeps'] ? null : await sweepSection();
  const torch = args['skip-sweeps'] ? null : await torchSection(sweeps?.file ?? args['sweep-file']!);
  const webgpu = args['skip-webgpu'] ? null : await webgpuSection(webgpuOptions(sweeps ? sweeps.file : undefined));
  log('results panel render');
  const panel = await measurePanelRender([256, 1024]);
  const scale: ScaleResult | null = args['skip-scale'] ? null : await measureScale(log);
  const acceptance = acceptanceOf(throughput.pairs, throughput.rows, sweeps, torch);

  const results = { backends, throughput, ceilings, transposed, profiles, memory, normCost, ensembles, sweeps, torch, panel, webgpu, scale, acceptance };
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
