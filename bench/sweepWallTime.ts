// Wall time of a whole sweep through the real CLI (forked trainers, one per run), the number a user
// waits for. Each measurement gets a fresh output folder, so no finished run is reused.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface SweepTiming {
  label: string;
  /** Extra CLI arguments of this timing (e.g. --ensemble off). */
  args: string[];
  workers: number;
  wallSeconds: number;
  /**
   * CPU seconds of the sweep and all its trainers (Linux; null elsewhere). Unlike wall time it
   * barely moves when other processes share the cores, so it is the fairer before/after number.
   */
  cpuSeconds: number | null;
  /** 1-minute load average before and after: how contended the cores were. */
  load: [number, number];
  status: string;
  runsExecuted: number;
  runsFailed: number;
  /** The sweep's own verdict on the shape of m*(T) (best fit by AIC), as the summary words it. */
  verdict: string;
  /** m*(T) of the main variant, to check that both implementations reach the same science. */
  mStar: { T: number; mStar: number | null }[];
}

/** The launcher users run; it loads the bundle dist/cli.js. */
export const CLI = path.join(__dirname, '..', 'bin', 'sparse-attention.js');
const bundleOf = (cli: string) => (path.resolve(cli) === CLI ? path.join(__dirname, '..', 'dist', 'cli.js') : path.resolve(cli));

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Why the bundled CLI cannot be trusted for these timings, if it cannot. The sweeps run dist/cli.js,
 * not the sources: a bundle older than src/ measures old code.
 */
export function bundleProblem(cli: string): string | undefined {
  const bundle = bundleOf(cli);
  const name = path.relative(process.cwd(), bundle);
  if (!existsSync(bundle)) return `${name} is missing: run \`npm run build\``;
  const src = path.join(__dirname, '..', 'src');
  const stale = ['core', 'trainer', 'protocol'].some((d) => newestSource(path.join(src, d)) > statSync(bundle).mtimeMs);
  if (stale) return `${name} is older than src/core, src/trainer or src/protocol: run \`npm run build\``;
  return undefined;
}

/**
 * A much smaller sweep for --quick: two context lengths, one seed, no comparison variant.
 * Written next to the real one's output so the numbers are never mistaken for the full sweep.
 */
let ticksPerSecond: number | undefined;

/** CPU seconds of this process's reaped descendants (cutime + cstime of /proc/self/stat). */
function childCpuSeconds(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    // Fields after "(comm)": state is field 3, cutime 16, cstime 17.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / ticksPerSecond;
  } catch {
    return null;
  }
}

export function quickSweepFile(file: string, dir: string): string {
  const sweep = JSON.parse(readFileSync(file, 'utf8'));
  sweep.contextLengths = sweep.contextLengths.slice(0, 2);
  sweep.seeds = 1;
  sweep.successRate = 1;
  delete sweep.compareWith;
  const out = path.join(dir, 'quick.sweep.json');
  writeFileSync(out, JSON.stringify(sweep, null, 2));
  return out;
}

export function timeSweep(
  file: string,
  opts: { cli: string; workers: number; args?: string[]; label: string; log: (line: string) => void; queue?: string },
): Promise<SweepTiming> {
  const out = mkdtempSync(path.join(tmpdir(), 'sa-bench-sweep-'));
  const env = { ...process.env };
  const extra = opts.args ?? [];
  const args = [opts.cli, 'sweep', file, '--out', out, '--workers', String(opts.workers), '--backend', 'wasm', '--json', ...extra, ...(opts.queue ? ['--queue', opts.queue] : [])];
  const t0 = performance.now();
  const cpu0 = childCpuSeconds();
  const load0 = loadavg()[0];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    let summary: Record<string, unknown> | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        let e: Record<string, unknown>;
        try {
          e = JSON.parse(line);
        } catch {
          continue; // not an event line
        }
        if (e.type === 'cell-finished') {
          const secs = ((performance.now() - t0) / 1000).toFixed(0);
          opts.log(`  [${opts.label}] ${e.runsDone}/${e.plannedRuns} runs, ${e.variant} T=${e.T} m=${e.m}: ${e.successes}/${e.trials} (${secs}s)`);
        }
        if (e.type === 'run-failed') opts.log(`  [${opts.label}] run ${e.runId} failed: ${e.reason}`);
        if (e.type === 'sweep-summary') summary = e;
      }
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallSeconds = (performance.now() - t0) / 1000;
      const cpu1 = childCpuSeconds();
      rmSync(out, { recursive: true, force: true });
      if (code !== 0 || !summary) {
        reject(new Error(`sweep exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
        return;
      }
      const points = (summary.points as { T: number; mStar: number | null }[]) ?? [];
      resolve({
        label: opts.label,
        args: extra,
        workers: opts.workers,
        wallSeconds,
        cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
        load: [load0, loadavg()[0]],
        status: String(summary.status),
        runsExecuted: Number(summary.runsExecuted),
        runsFailed: Number(summary.runsFailed),
        verdict: typeof summary.verdict === 'string' ? summary.verdict : 'no fit (fewer than 3 context lengths with an m*)',
        mStar: points.map((p) => ({ T: p.T, mStar: p.mStar })),
      });
    });
  });
}
