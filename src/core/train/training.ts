// What a run is, for the loop (ensembleTraining.ts) and for whoever launches it: the callbacks it
// reports through, the result it ends with, and the experiment's success rule. Pure science: it
// knows nothing of files, processes or editors.
import type { ModelConfig } from '../model/params';
import type { Experiment } from '../spec/experimentSpec';
import type { AttentionEvent, MetricsEvent, RunStatus } from '../../protocol/runEvents';

export interface TrainHooks {
  /** Called once the model exists, before the first evaluation. */
  onReady?: (info: { parameterCount: number }) => void;
  onMetrics?: (e: MetricsEvent) => void;
  onAttention?: (e: AttentionEvent) => void;
  /** Called after every step; cheap, for progress bars. */
  onStep?: (step: number, loss: number) => void;
  /** Polled between steps; true ends the run as `cancelled`. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  status: Exclude<RunStatus, 'failed'>;
  steps: number;
  testAccuracy: number | null;
  trainAccuracy: number | null;
  attentionOnRelevant: number | null;
  parameterCount: number;
}

export function modelConfig(spec: Experiment): ModelConfig {
  return { ...spec.model, T: spec.task.T };
}

/** `reached` stops at the first evaluation on target; `final` judges only the last one. */
export function judge(rule: Experiment['training'], step: number, testAccuracy: number): 'succeeded' | undefined {
  if (testAccuracy < rule.targetAccuracy) return undefined;
  if (rule.successWhen === 'reached' || step === rule.maxSteps) return 'succeeded';
  return undefined;
}
