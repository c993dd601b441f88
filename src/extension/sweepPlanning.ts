// Before a sweep from the editor: the CLI's own plan (`sweep FILE --plan --json`, the same replay and
// calibration the CLI prints), read from its stdout and validated, so the host can ask before a sweep
// it estimates at more than the user's threshold (issue 22). No vscode import: tested against the CLI.
import { execFile } from 'node:child_process';
import { clockText, SweepPlan } from '../protocol/sweepPlan';
import { type LaunchSettings, launchPlan } from './launchPlan';

/** A plan that takes minutes means the calibration is timing steps on a loaded machine; give up then. */
const PLAN_TIMEOUT_MS = 180_000;

/** The plan, or why there is none (the sweep then starts without asking). */
export function planSweep(settings: LaunchSettings, file: string, outDir: string, processes?: number): Promise<SweepPlan | { why: string }> {
  const plan = launchPlan(settings);
  const args = [settings.cliPath, 'sweep', file, '--plan', '--json', '--out', outDir, '--backend', plan.backend, ...(processes ? ['--workers', String(processes)] : [])];
  return new Promise((resolve) => {
    execFile(plan.execPath, args, { cwd: settings.cwd, env: plan.env, timeout: PLAN_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) return resolve({ why: (stderr.trim().split('\n').at(-1) || err.message).slice(0, 300) });
      try {
        const parsed = SweepPlan.safeParse(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
        resolve(parsed.success ? parsed.data : { why: `the plan did not validate: ${parsed.error.issues[0]?.message}` });
      } catch {
        resolve({ why: 'the plan printed no JSON' });
      }
    });
  });
}

/** The confirmation's question and detail, or undefined when the sweep is short enough not to ask. */
export function longSweepQuestion(plan: SweepPlan, thresholdMinutes: number): { message: string; detail: string } | undefined {
  if (thresholdMinutes <= 0 || plan.estimatedSeconds === null || plan.estimatedSeconds <= thresholdMinutes * 60) return undefined;
  const bound = plan.runsExact ? '' : 'at most ';
  const stepsBound = plan.stepsExact ? '' : 'at most ';
  const largest = plan.peakMemoryBytes ? `; largest ensemble ${(plan.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB` : '';
  return {
    message: `This sweep will take about ${clockText(plan.estimatedSeconds)} on this machine. Start it?`,
    detail:
      `${bound}${plan.plannedRuns.toLocaleString('en')} runs, ${stepsBound}${plan.memberSteps.toLocaleString('en')} member-steps in ${plan.ensembles.length} ensembles` +
      ` on ${plan.parallel} process${plan.parallel === 1 ? '' : 'es'}${largest}. ` +
      `The estimate is from a calibration of this machine (sparse-attention sweep FILE --plan prints the whole plan). ` +
      `Ask only above: sparseAttention.confirmSweepsLongerThanMinutes (now ${thresholdMinutes}).`,
  };
}
