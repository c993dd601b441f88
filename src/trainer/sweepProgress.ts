// The sweep's progress on stderr: a bar on a terminal, one line per finished cell otherwise (or the
// events as JSON lines on stdout with --json). Both show runs done / planned and an ETA: from the
// measured rate once runs have trained, before that from the plan's estimate (the sweep-plan event).
import cliProgress from 'cli-progress';
import type { SweepEvent } from '../protocol/sweepEvents';
import { clockText, etaSeconds } from '../protocol/sweepPlan';

export interface SweepProgress {
  onEvent: (e: SweepEvent) => void;
  stop: () => void;
}

/** What the ETA needs, folded from the events. */
class EtaClock {
  private started = Date.now();
  private estimated: number | null = null;
  private reused = 0;
  private upperBound = false;

  onEvent(e: SweepEvent): void {
    if (e.type === 'sweep-plan') {
      this.started = Date.parse(e.startedAt);
      this.estimated = e.estimatedSeconds;
      this.upperBound = !e.runsExact;
    }
    if (e.type === 'cell-finished') this.reused += e.reused;
  }

  /** "ETA 3:12" ("ETA ≤ 3:12" when the planned runs are an upper bound), or "" while unknown. */
  text(runsDone: number, plannedRuns: number): string {
    const elapsedSeconds = (Date.now() - this.started) / 1000;
    const eta = etaSeconds({ elapsedSeconds, runsDone, runsReused: this.reused, plannedRuns, estimatedSeconds: this.estimated });
    return eta === null ? '' : `ETA ${this.upperBound ? '≤ ' : ''}${clockText(eta)}`;
  }
}

function lines(clock: EtaClock): SweepProgress {
  return {
    onEvent: (e) => {
      clock.onEvent(e);
      if (e.type === 'cell-finished') {
        const eta = clock.text(e.runsDone, e.plannedRuns);
        process.stderr.write(`[${e.runsDone}/${e.plannedRuns} runs${eta ? ` · ${eta}` : ''}] ${e.variant} T=${e.T} m=${e.m}: ${e.successes}/${e.trials} succeeded${e.failedRuns ? `, ${e.failedRuns} ${e.refused ? `refused: ${e.refused}` : 'crashed'}` : ''} (${e.status})${e.reused ? ` (${e.reused} reused)` : ''}\n`);
      }
      if (e.type === 'run-failed') process.stderr.write(`run ${e.runId} ${e.refused ? 'refused' : `failed (attempt ${e.attempt})`}: ${e.reason}\n`);
      if (e.type === 'sweep-extended') process.stderr.write(`until, round ${e.round}: ${e.reason}\n`);
    },
    stop: () => {},
  };
}

export function sweepProgress(json: boolean): SweepProgress {
  if (json) return { onEvent: (e) => process.stdout.write(JSON.stringify(e) + '\n'), stop: () => {} };
  const clock = new EtaClock();
  if (!process.stderr.isTTY) return lines(clock);
  const bar = new cliProgress.SingleBar(
    { format: 'runs {value}/{total} [{bar}] {eta_text} {last}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let planned = 0;
  return {
    onEvent: (e) => {
      clock.onEvent(e);
      if (e.type === 'sweep-started') {
        planned = e.plannedRuns;
        bar.start(e.plannedRuns, 0, { last: '', eta_text: '' });
        started = true;
      }
      if (e.type === 'sweep-plan' && started) bar.update({ eta_text: clock.text(0, planned) });
      if (e.type === 'cell-finished') {
        bar.setTotal(Math.max(e.plannedRuns, e.runsDone));
        bar.update(e.runsDone, { last: `${e.variant} T=${e.T} m=${e.m}: ${e.successes}/${e.trials}`, eta_text: clock.text(e.runsDone, e.plannedRuns) });
      }
    },
    stop: () => started && bar.stop(),
  };
}
