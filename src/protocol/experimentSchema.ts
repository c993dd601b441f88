// The experiment file format (`*.experiment.json`, version 1): one zod schema that validates and
// fills in defaults. It lives in the contract because a run's `started` event carries the experiment
// (src/protocol/runEvents.ts); src/core/spec/experimentSpec.ts re-exports it with the JSON Schema.
import { z } from 'zod';
import { estimateTrainingMemoryBytes } from './trainingMemory';

// The memory estimate lives in its own file of the contract (the schema's check below uses it).
export { effectiveBatchSize, estimateTrainingMemoryBytes } from './trainingMemory';

export const TARGET_KINDS = ['parity', 'and', 'or', 'majority', 'junta'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const MAX_T = 100_000;
/** Above this the attention matrices of one training step are refused outright (any backend). */
export const MEMORY_LIMIT_BYTES = 16 * 2 ** 30;

const int = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be ≥ ${min}` })
    .max(max, { error: `must be ≤ ${max}` });

const BIAS_RANGE = 'must be "balanced" or a number in (0, 1)';

export const TaskSchema = z.strictObject({
  kind: z.enum(TARGET_KINDS, { error: `must be one of ${TARGET_KINDS.join(', ')}` }),
  T: int('T', 1, MAX_T).describe('Context length: the number of input bits.'),
  s: int('s', 1, 64).describe('Sparsity: the number of relevant bits the label depends on.'),
  relevant: z
    .array(int('index', 0, MAX_T - 1))
    .optional()
    .describe('Explicit relevant positions (0-based). Default: s positions drawn from the seed.'),
  noise: z
    .number()
    .min(0, { error: 'must be ≥ 0' })
    .lt(0.5, { error: 'must be < 0.5 (at 0.5 the labels carry no signal)' })
    .default(0)
    .describe('Probability of flipping each training label. Test labels stay clean.'),
  inputBias: z
    .union([z.literal('balanced'), z.number().gt(0, { error: BIAS_RANGE }).lt(1, { error: BIAS_RANGE })], {
      error: BIAS_RANGE,
    })
    .default('balanced')
    .describe('P(x_i = 1). "balanced" picks the bias that makes the labels balanced.'),
});

/** What rejectAmbiguous does when no draw meets its rule: refuse the run, or keep the last draw. */
export const WHEN_UNMET = ['error', 'keep-last'] as const;

export const DataSchema = z.strictObject({
  trainSize: int('trainSize', 1, 10_000_000).describe('Training samples m, drawn once and reused.'),
  testSize: int('testSize', 1, 10_000_000).default(2000).describe('Fresh test samples.'),
  // Optional, absent = off: an experiment without them is stored and trained exactly as before.
  rejectAmbiguous: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe(
      'Redraw the training set until 40–60 % of its labels are positive and no other position equals a relevant one on every sample (the public reproduction\'s rule). Absent: drawn once.',
    ),
  maxDraws: int('maxDraws', 1, 100_000)
    .optional()
    .describe('With rejectAmbiguous: how many training sets are drawn at most (absent: 100, as in the public reproduction).'),
  whenUnmet: z
    .enum(WHEN_UNMET, { error: 'must be "error" or "keep-last"' })
    .optional()
    .describe(
      'With rejectAmbiguous, when no draw within maxDraws meets the rule: "error" (absent) refuses the run naming data.rejectAmbiguous; "keep-last" trains on the last draw, as the public reproduction does.',
    ),
});

export const ModelSchema = z.strictObject({
  arch: z.enum(['transformer', 'mlp'], { error: 'must be "transformer" or "mlp"' }).default('transformer'),
  layers: int('layers', 1, 24).default(1),
  heads: int('heads', 1, 64).default(4),
  dModel: int('dModel', 1, 2048).default(64),
  mlpRatio: z.number().gt(0, { error: 'must be > 0' }).max(16, { error: 'must be ≤ 16' }).default(4),
  init: z
    .enum(['fan-in', 'normal-0.02'], { error: 'must be "fan-in" or "normal-0.02"' })
    .default('fan-in')
    .describe('Initial weights: "fan-in" = N(0, 1/fan_in), embeddings N(0, 1); "normal-0.02" = all N(0, 0.02²) (GPT-2 style).'),
  maxNorm: z
    .number({ error: 'must be a number' })
    .gt(0, { error: 'must be > 0' })
    .max(1e6, { error: 'must be ≤ 1000000' })
    .optional()
    .describe(
      'Bounded-norm training: after every step, project each head\'s W_Q·W_Kᵀ, W_V and W_O back onto the Frobenius ball of this radius (the theorem\'s bounded-norm class). Absent: unconstrained.',
    ),
  // Optional, absent = off / as before, so stored experiments and their results stay bit-identical.
  dropout: z
    .number({ error: 'must be a number' })
    .min(0, { error: 'must be ≥ 0' })
    .max(0.9, { error: 'must be ≤ 0.9' })
    .optional()
    .describe(
      'Dropout rate on the attention probabilities, after the attention output projection and after the MLP, in training steps only (never in evaluation); seeded by the run\'s seed and step. Absent or 0: none.',
    ),
  clsPosition: z
    .enum(['first', 'last'], { error: 'must be "first" or "last"' })
    .optional()
    .describe('Which row of the learned positional table the [CLS] token takes: "first" (absent) = row 0, bits rows 1…T; "last" = row T, bits rows 0…T−1 (appended last, as in the public reproduction).'),
  layerNormEps: z
    .number({ error: 'must be a number' })
    .gt(0, { error: 'must be > 0' })
    .max(0.1, { error: 'must be ≤ 0.1' })
    .optional()
    .describe('ε added to the variance in every LayerNorm (absent: 1e-5; the public reproduction uses 1e-6).'),
});

/** `reached`: early stop at the first evaluation on target; `final`: all maxSteps, judged at the end. */
export const SUCCESS_RULES = ['reached', 'final'] as const;
export type SuccessRule = (typeof SUCCESS_RULES)[number];

export const TrainingSchema = z.strictObject({
  learningRate: z.number().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1' }).default(0.001),
  weightDecay: z.number().min(0, { error: 'must be ≥ 0' }).max(1, { error: 'must be ≤ 1' }).default(0),
  batchSize: z
    .union([z.literal('full'), int('batchSize', 1, 1_000_000)], {
      error: 'must be "full" or an integer ≥ 1',
    })
    .default(64),
  maxSteps: int('maxSteps', 1, 10_000_000).default(5000),
  evalEvery: int('evalEvery', 1, 10_000_000).default(100),
  targetAccuracy: z.number().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1' }).default(0.99),
  successWhen: z
    .enum(SUCCESS_RULES, { error: 'must be "reached" or "final"' })
    .default('reached')
    .describe(
      'When a run counts as a success. "reached": stop at the first evaluation with test accuracy ≥ targetAccuracy. ' +
        '"final": train all maxSteps and judge the test accuracy at the end (the paper\'s protocol).',
    ),
});

/** Checks that need more than one field. Shared with sweeps, which vary T and trainSize. */
export function checkConsistency(
  spec: { task: z.infer<typeof TaskSchema>; model: z.infer<typeof ModelSchema> },
  ctx: { addIssue: (issue: { code: 'custom'; path: (string | number)[]; message: string }) => void },
): void {
  const { task, model } = spec;
  if (task.s > task.T) {
    ctx.addIssue({ code: 'custom', path: ['task', 's'], message: `must be ≤ task.T (got ${task.s} > ${task.T})` });
  }
  if (task.kind === 'majority' && task.s % 2 === 0) {
    ctx.addIssue({ code: 'custom', path: ['task', 's'], message: `majority needs an odd s so there are no ties (got ${task.s})` });
  }
  if (task.relevant) {
    if (task.relevant.length !== task.s) {
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'relevant'],
        message: `must list exactly task.s = ${task.s} positions (got ${task.relevant.length})`,
      });
    }
    if (new Set(task.relevant).size !== task.relevant.length) {
      ctx.addIssue({ code: 'custom', path: ['task', 'relevant'], message: 'positions must be distinct' });
    }
    task.relevant.forEach((p, i) => {
      if (p >= task.T) {
        ctx.addIssue({ code: 'custom', path: ['task', 'relevant', i], message: `must be < task.T (got ${p} ≥ ${task.T})` });
      }
    });
  }
  if (model.arch === 'mlp' && model.maxNorm !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['model', 'maxNorm'], message: 'bounds attention matrices: arch "mlp" has none (remove it or use "transformer")' });
  }
  for (const field of ['dropout', 'clsPosition', 'layerNormEps'] as const) {
    if (model.arch === 'mlp' && model[field] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['model', field], message: 'applies to the transformer only: arch "mlp" has no attention or LayerNorm (remove it or use "transformer")' });
    }
  }
  if (model.arch === 'transformer' && model.dModel % model.heads !== 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'dModel'],
      message: `must be divisible by model.heads (got ${model.dModel} / ${model.heads})`,
    });
  }
}

export const ExperimentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, { error: 'must be 1 (the only version this tool reads)' }),
    name: z
      .string()
      .min(1, { error: 'must not be empty' })
      .max(80, { error: 'must be at most 80 characters' })
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'may only contain letters, digits, ".", "_" and "-"' }),
    task: TaskSchema,
    data: DataSchema,
    model: ModelSchema.prefault({}),
    training: TrainingSchema.prefault({}),
    seed: int('seed', 0, 2 ** 31 - 1).default(0),
  })
  .superRefine((spec, ctx) => {
    checkConsistency(spec, ctx);
    // The redraw settings do nothing without the rule: say so rather than ignore them.
    for (const field of ['maxDraws', 'whenUnmet'] as const) {
      if (spec.data[field] !== undefined && !spec.data.rejectAmbiguous) {
        ctx.addIssue({ code: 'custom', path: ['data', field], message: 'applies only with data.rejectAmbiguous: true (add it or remove this field)' });
      }
    }
    const bytes = estimateTrainingMemoryBytes(spec);
    if (bytes > MEMORY_LIMIT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'T'],
        message:
          `too large: one training step would need about ${formatBytes(bytes)} for attention and activations ` +
          `(limit ${formatBytes(MEMORY_LIMIT_BYTES)}); reduce task.T, model.layers, model.heads or training.batchSize`,
      });
    }
  });

export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type Task = Experiment['task'];

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
