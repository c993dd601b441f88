// The member-steps/s table over (T, K), time-boxed: each point's wall time is estimated from the
// points already measured (estimateSeconds) and a point over the budget is skipped with its estimate
// (the first point of a table always runs: it is what the estimates start from), so that SwiftShader (a CPU pretending to be a
// GPU) never spends minutes on K = 1024, T = 500. Points that cannot fit the device's buffers or the
// memory budget are skipped before anything is allocated.
import { type MemberStepsPoint, type SkippedPoint, largestTensorBytes, measureMemberSteps, pointBytes } from './webgpuSteps';

export interface TablePlan {
  Ts: number[];
  Ks: number[];
  /** Timed steps per point (after the first, untimed step). */
  steps: number;
  /** Wall seconds a point may take. */
  budgetSeconds: number;
  /** Bytes the ensemble's memory estimate (ensembleBytes) may reach. */
  memoryBytes: number;
  /** Bytes one tensor may have (WebGPU: the adapter's buffer and binding limits). */
  maxTensorBytes?: number;
  /** Larger K is not measured (WASM: the sweep never forms them). */
  maxK?: number;
  /** Wall seconds the whole table may take: later points are skipped (a GPU host's time is lent). */
  totalSeconds?: number;
}

export type TableRow = MemberStepsPoint | SkippedPoint;

const gib = (b: number) => (b / 2 ** 30).toFixed(1);

/**
 * Seconds a point would take, from the points measured before it; undefined before any. At the same
 * T: the line through the last two (a fixed cost per step plus one per member: a GPU is far from full
 * at K = 1), or proportional to K from one. At a new T: the same K at a smaller T, else the last
 * point, proportional to K and to the sequence length T + 1.
 */
export function estimateSeconds(done: MemberStepsPoint[], T: number, K: number, steps: number): number | undefined {
  const sec = (p: MemberStepsPoint) => p.msPerStep / 1000;
  const sameT = done.filter((p) => p.T === T);
  const smaller = done.filter((p) => p.T < T);
  const ref = sameT[sameT.length - 1] ?? smaller.filter((p) => p.K === K).pop() ?? smaller[smaller.length - 1];
  if (!ref) return undefined;
  let step = (sec(ref) * K * (T + 1)) / ref.K / (ref.T + 1);
  if (sameT.length >= 2) {
    const [a, b] = sameT.slice(-2);
    const perMember = Math.max(0, (sec(b) - sec(a)) / (b.K - a.K));
    step = Math.max(sec(b), sec(b) + perMember * (K - b.K));
  }
  // The first step costs a step plus shader compilation, which does not grow with K.
  const compile = Math.max(0, ref.firstStepSeconds - sec(ref));
  return step * (steps + 1) + compile;
}

/** Why the point cannot run at all, if it cannot. */
function sizeProblem(plan: TablePlan, T: number, K: number): string | undefined {
  if (plan.maxK !== undefined && K > plan.maxK) return `K > ${plan.maxK}`;
  const largest = largestTensorBytes(T, K);
  if (plan.maxTensorBytes !== undefined && largest > plan.maxTensorBytes) {
    return `largest tensor ${gib(largest)} GiB > the adapter's buffer limit ${gib(plan.maxTensorBytes)} GiB`;
  }
  const bytes = pointBytes(T, K);
  if (bytes > plan.memoryBytes) return `memory estimate ${gib(bytes)} GiB > budget ${gib(plan.memoryBytes)} GiB`;
  return undefined;
}

export async function measureTable(backend: string, plan: TablePlan, log: (line: string) => void): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  const done: MemberStepsPoint[] = [];
  const t0 = Date.now();
  for (const T of plan.Ts) {
    for (const K of plan.Ks) {
      const skip = (skipped: string) => {
        log(`  ${backend} T=${T} K=${K}: skipped: ${skipped}`);
        rows.push({ backend, T, K, skipped });
      };
      const spent = (Date.now() - t0) / 1000;
      const problem = plan.totalSeconds !== undefined && spent > plan.totalSeconds ? `the table's ${plan.totalSeconds} s are spent` : sizeProblem(plan, T, K);
      if (problem) {
        skip(problem);
        continue;
      }
      const estimate = estimateSeconds(done, T, K, plan.steps);
      if (estimate !== undefined && estimate > plan.budgetSeconds) {
        skip(`estimated ${estimate.toFixed(0)} s > budget ${plan.budgetSeconds} s`);
        continue;
      }
      log(`  ${backend} T=${T} K=${K}: 1 untimed + up to ${plan.steps} timed steps${estimate === undefined ? '' : ` (estimated ${estimate.toFixed(1)} s)`}`);
      try {
        const p = await measureMemberSteps(backend, T, K, { steps: plan.steps, budgetSeconds: plan.budgetSeconds });
        log(`    ${p.msPerStep.toFixed(1)} ms/step, ${p.memberStepsPerSec.toFixed(1)} member-steps/s (first step ${p.firstStepSeconds.toFixed(1)} s, ${p.timedSteps} timed)`);
        rows.push(p);
        done.push(p);
      } catch (err) {
        skip(`failed: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  return rows;
}
