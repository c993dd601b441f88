// Several runs of the recorded parity fixture, as the host would hold them after a small study:
// seeds and learning rates vary, and each run ends with its own test accuracy. Replayed through the
// host's RunStore so the views are exactly what a snapshot carries.
import { RunStore } from '../../src/extension/runStore';
import type { RunView } from '../../src/protocol/panelMessages';
import type { RunEvent } from '../../src/protocol/runEvents';
import { runEvents } from './fixtures';

export interface RunVariant {
  runId: string;
  name?: string;
  seed: number;
  learningRate: number;
  /** Scales every test accuracy of the recording, so runs end at different accuracies. */
  accuracyScale: number;
  /** Drop the finished event: the run is still running. */
  running?: boolean;
}

/** One recorded run rewritten as another run of a (possibly different) experiment. */
export function variantEvents(v: RunVariant, events = runEvents()): RunEvent[] {
  return events.flatMap((e): RunEvent[] => {
    if (e.type === 'started') {
      const spec = structuredClone(e.spec) as { name: string; seed: number; training: Record<string, unknown> };
      spec.seed = v.seed;
      spec.name = v.name ?? spec.name;
      spec.training.learningRate = v.learningRate;
      return [{ ...e, runId: v.runId, spec: spec as typeof e.spec }];
    }
    if (e.type === 'metrics') return [{ ...e, testAccuracy: e.testAccuracy * v.accuracyScale }];
    if (e.type === 'finished') return v.running ? [] : [{ ...e, summary: { ...e.summary, runId: v.runId, testAccuracy: (e.summary.testAccuracy ?? 0) * v.accuracyScale } }];
    return [e];
  });
}

export const STUDY: RunVariant[] = [
  { runId: 'run-a', seed: 0, learningRate: 0.001, accuracyScale: 0.8 },
  { runId: 'run-b', seed: 1, learningRate: 0.001, accuracyScale: 1 },
  { runId: 'run-c', seed: 2, learningRate: 0.003, accuracyScale: 0.6 },
];

export function studyRuns(variants = STUDY): RunView[] {
  const store = new RunStore();
  for (const v of variants) for (const e of variantEvents(v)) store.applyRunEvent(v.runId, `${v.name ?? 'parity-T16'} (seed ${v.seed})`, e);
  return store.allRuns();
}
