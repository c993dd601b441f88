// The coordinator's view of each worker's speed over ensemble jobs: member-steps per second, from
// the progress each worker writes (steps of the members it finished, over its own training time on
// the job, so no clocks are compared across machines). One line per worker, printed when it changes.
import type { EnsembleProgress } from '../../protocol/queueMessages';

interface JobRate {
  memberSteps: number;
  seconds: number;
  members: number;
}

export class WorkerRates {
  /** worker (host:pid) → job id → its latest progress on that job. */
  private readonly byWorker = new Map<string, Map<string, JobRate>>();
  private printed = '';

  record(jobId: string, p: EnsembleProgress, newMembers: number): void {
    const jobs = this.byWorker.get(p.worker) ?? new Map<string, JobRate>();
    this.byWorker.set(p.worker, jobs);
    const before = jobs.get(jobId)?.members ?? 0;
    jobs.set(jobId, { memberSteps: p.memberSteps, seconds: p.seconds, members: before + newMembers });
  }

  /** One line per worker: member-steps per second of training time, and the members it finished. */
  lines(): string[] {
    return [...this.byWorker.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([worker, jobs]) => {
      const all = [...jobs.values()];
      const steps = all.reduce((s, j) => s + j.memberSteps, 0);
      const seconds = all.reduce((s, j) => s + j.seconds, 0);
      const members = all.reduce((s, j) => s + j.members, 0);
      const rate = seconds > 0 ? Math.round(steps / seconds) : 0;
      return `queue: worker ${worker}: ${rate} member-steps/s (${members} member${members === 1 ? '' : 's'} finished)`;
    });
  }

  /** The lines, when they differ from the last ones printed. */
  changed(): string[] {
    const lines = this.lines();
    const text = lines.join('\n');
    if (text === this.printed) return [];
    this.printed = text;
    return lines;
  }
}
