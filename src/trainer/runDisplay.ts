// What `sparse-attention run` shows on stderr while it trains: a redrawn progress bar on a terminal,
// one line per evaluation otherwise (a log file, CI), and the summary at the end.
import cliProgress from 'cli-progress';
import { backendLabel } from '../protocol/backendLabel';
import type { RunEvent, RunSummary } from '../protocol/runEvents';

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));

export interface RunProgress {
  onEvent: (e: RunEvent) => void;
  onStep: (s: number, l: number) => void;
  stop: () => void;
}

export function progressReporter(maxSteps: number): RunProgress {
  if (!process.stderr.isTTY) {
    // Not a terminal (a log file, CI): one line per evaluation instead of a redrawn bar.
    return {
      onEvent: (e) => {
        if (e.type === 'metrics')
          process.stderr.write(`step ${e.step}/${maxSteps}  loss ${fmt(e.loss)}  train ${fmt(e.trainAccuracy)}  test ${fmt(e.testAccuracy)}  attn ${fmt(e.attentionOnRelevant, 2)}\n`);
      },
      onStep: () => {},
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'step {value}/{total} [{bar}] loss {loss} | test acc {acc} | attn on S {attn} | {eta_formatted} left', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(maxSteps, 0, { loss: '–', acc: '–', attn: '–' });
  return {
    onEvent: (e) => {
      if (e.type === 'metrics') bar.update(e.step, { acc: fmt(e.testAccuracy), attn: fmt(e.attentionOnRelevant, 2) });
    },
    onStep: (step, loss) => bar.update(step, { loss: fmt(loss) }),
    stop: () => bar.stop(),
  };
}

export function printSummary(s: RunSummary): void {
  process.stderr.write(
    `${s.status}: ${s.steps} steps, test accuracy ${fmt(s.testAccuracy)}, train accuracy ${fmt(s.trainAccuracy)}, ` +
      `attention on relevant ${fmt(s.attentionOnRelevant, 2)}, backend ${backendLabel(s.backend, s.adapter)}, ${s.wallSeconds}s\n  ${s.runDir}\n`,
  );
}
