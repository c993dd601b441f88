// The experiment file format (`*.experiment.json`, version 1). The zod schema that validates and fills
// in defaults is part of the message contract (src/protocol/experimentSchema.ts: a run's `started`
// event carries the experiment); this file re-exports it for src/core and emits the JSON Schema the
// editor uses for IntelliSense.
import { z } from 'zod';
import { ExperimentSchema } from '../../protocol/experimentSchema';

export {
  DataSchema,
  type Experiment,
  type ExperimentInput,
  ExperimentSchema,
  MAX_T,
  MEMORY_LIMIT_BYTES,
  ModelSchema,
  SUCCESS_RULES,
  type SuccessRule,
  TARGET_KINDS,
  type TargetKind,
  type Task,
  TaskSchema,
  TrainingSchema,
  checkConsistency,
  effectiveBatchSize,
  estimateTrainingMemoryBytes,
  formatBytes,
} from '../../protocol/experimentSchema';

/** JSON Schema for `*.experiment.json`, for the editor's jsonValidation. */
export function experimentJsonSchema(): object {
  return z.toJSONSchema(ExperimentSchema, { io: 'input', unrepresentable: 'any' });
}
