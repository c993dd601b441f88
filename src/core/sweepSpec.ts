// Sweep files (`*.sweep.json`): one base experiment, a list of context lengths T, a range or list of
// training-set sizes m, and how to search m for each T. Every cell (T, m, seed) is a normal experiment.
import { z } from 'zod';
import {
  DataSchema,
  type Experiment,
  type ExperimentInput,
  ExperimentSchema,
  MAX_T,
  ModelSchema,
  TaskSchema,
  SUCCESS_RULES,
  TrainingSchema,
  checkConsistency,
} from './experimentSpec';

const int = (min: number, max: number) =>
  z.number().int({ error: 'must be an integer' }).min(min, { error: `must be ≥ ${min}` }).max(max, { error: `must be ≤ ${max}` });

/** Fields a sweep sets per cell; present in `base` they would be silently overridden, so refuse them. */
const SetBySweep = z
  .unknown()
  .refine(() => false, { error: 'is set by the sweep (contextLengths / trainSizes); remove it from base' })
  .optional()
  .describe('Set by the sweep for each cell (contextLengths / trainSizes): leave it out.');

/** `successWhen` is one rule for the whole sweep (every cell and variant must be judged alike). */
const SetByTopLevel = z
  .unknown()
  .refine(() => false, { error: 'is set for the whole sweep: use the top-level "successWhen"' })
  .optional()
  .describe('Set for the whole sweep by the top-level "successWhen": leave it out.');

const BaseSchema = z.strictObject({
  task: TaskSchema.extend({ T: SetBySweep }),
  data: DataSchema.extend({ trainSize: SetBySweep }).prefault({}),
  model: ModelSchema.prefault({}),
  training: TrainingSchema.extend({ successWhen: SetByTopLevel }).prefault({}),
  seed: int(0, 2 ** 31 - 1).default(0),
});

const Override = z.strictObject({
  label: z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'may only contain letters, digits, ".", "_" and "-"' }).optional(),
  model: ModelSchema.partial().optional(),
  training: TrainingSchema.partial().extend({ successWhen: SetByTopLevel }).optional(),
});

const TrainSizeRange = z
  .strictObject({
    min: int(1, 10_000_000),
    max: int(1, 10_000_000),
    /** Log-spaced candidates between min and max (rounded, duplicates dropped). */
    points: int(2, 200).default(16),
  })
  .refine((r) => r.min < r.max, { error: 'min must be < max', path: ['max'] });

export const SweepSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, { error: 'must be 1 (the only version this tool reads)' }),
    kind: z.literal('sweep', { error: 'must be "sweep"' }),
    name: z.string().min(1).max(80).regex(/^[A-Za-z0-9._-]+$/, { error: 'may only contain letters, digits, ".", "_" and "-"' }),
    base: BaseSchema,
    contextLengths: z.array(int(1, MAX_T)).min(1, { error: 'must list at least one T' }),
    trainSizes: z.union([TrainSizeRange, z.array(int(1, 10_000_000)).min(1, { error: 'must list at least one size' })], {
      error: 'must be {"min", "max"} or a list of sizes',
    }),
    search: z.enum(['bisect', 'grid'], { error: 'must be "bisect" or "grid"' }).default('bisect'),
    seeds: int(1, 1000).default(3),
    successRate: z.number().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1' }).default(0.67),
    successWhen: z
      .enum(SUCCESS_RULES, { error: 'must be "reached" or "final"' })
      .default('reached')
      .describe('"reached": a run succeeds at the first evaluation on target (early stop); "final": every run trains all maxSteps and is judged at the end.'),
    bootstrap: int(0, 100_000)
      .default(1000)
      .describe('Resamples of the runs inside each cell for the verdict\'s support and intervals (0: point estimates only).'),
    compareWith: z.array(Override).default([]),
  })
  .superRefine((sweep, ctx) => {
    if (new Set(sweep.contextLengths).size !== sweep.contextLengths.length) {
      ctx.addIssue({ code: 'custom', path: ['contextLengths'], message: 'must not repeat a T' });
    }
    const s = sweep.base.task.s;
    sweep.contextLengths.forEach((T, i) => {
      if (s > T) ctx.addIssue({ code: 'custom', path: ['contextLengths', i], message: `must be ≥ base.task.s (got ${T} < ${s})` });
    });
    const T = Math.max(...sweep.contextLengths);
    const variants = [sweep.base.model, ...sweep.compareWith.map((o) => ({ ...sweep.base.model, ...o.model }))];
    variants.forEach((model, i) => {
      checkConsistency({ task: { ...sweep.base.task, T, relevant: undefined }, model }, {
        addIssue: (issue) => ctx.addIssue({ ...issue, path: i === 0 ? ['base', ...issue.path] : ['compareWith', i - 1, ...issue.path] }),
      });
    });
    // The largest cell of each variant must itself be a valid experiment (e.g. fit in memory).
    const mMax = Math.max(...candidateSizes(sweep));
    for (let v = 0; v < variants.length; v++) {
      const check = ExperimentSchema.safeParse(cellExperimentInput(sweep, { variant: v, T, m: mMax }, 0));
      if (check.success) continue;
      for (const issue of check.error.issues) {
        ctx.addIssue({
          code: 'custom',
          path: ['contextLengths', sweep.contextLengths.indexOf(T)],
          message: `the cell T = ${T}, m = ${mMax}${v ? ` (${variantLabels(sweep)[v]})` : ''} is invalid: ${issue.path.join('.')}: ${issue.message}`,
        });
      }
    }
    if (sweep.base.task.relevant) {
      ctx.addIssue({ code: 'custom', path: ['base', 'task', 'relevant'], message: 'cannot be fixed in a sweep: each seed draws its own hidden set' });
    }
    const labels = variantLabels(sweep);
    if (new Set(labels).size !== labels.length) {
      ctx.addIssue({ code: 'custom', path: ['compareWith'], message: `variant labels must be distinct (got ${labels.join(', ')}); set "label"` });
    }
  });

export type SweepInput = z.input<typeof SweepSchema>;
export type Sweep = z.output<typeof SweepSchema>;

/** The candidate training-set sizes, ascending. */
export function candidateSizes(sweep: { trainSizes: Sweep['trainSizes'] }): number[] {
  const t = sweep.trainSizes;
  if (Array.isArray(t)) return [...new Set(t)].sort((a, b) => a - b);
  const out = new Set<number>();
  const ratio = Math.log(t.max / t.min) / (t.points - 1);
  for (let i = 0; i < t.points; i++) out.add(Math.round(t.min * Math.exp(ratio * i)));
  return [...out].sort((a, b) => a - b);
}

/** Variant 0 is the base model; the rest are `compareWith` entries, labelled by `label` or their arch. */
export function variantLabels(sweep: Pick<Sweep, 'base' | 'compareWith'>): string[] {
  return [
    sweep.base.model.arch,
    ...sweep.compareWith.map((o, i) => o.label ?? `${o.model?.arch ?? sweep.base.model.arch}${sweep.compareWith.length > 1 ? `-${i + 1}` : ''}`),
  ];
}

export interface CellKey {
  variant: number;
  T: number;
  m: number;
}

/** The experiment of one (variant, T, m, seed index) run; seed k draws its own hidden set, data and weights. */
export function cellExperiment(sweep: Sweep, key: CellKey, k: number): Experiment {
  return ExperimentSchema.parse(cellExperimentInput(sweep, key, k));
}

function cellExperimentInput(sweep: Pick<Sweep, 'name' | 'base' | 'compareWith' | 'successWhen'>, key: CellKey, k: number): ExperimentInput {
  const o = key.variant === 0 ? {} : sweep.compareWith[key.variant - 1];
  const label = variantLabels(sweep)[key.variant];
  return {
    version: 1,
    name: `${sweep.name}-${label}-T${key.T}-m${key.m}`,
    task: { ...sweep.base.task, T: key.T },
    data: { ...sweep.base.data, trainSize: key.m },
    model: { ...sweep.base.model, ...o.model },
    training: { ...sweep.base.training, ...o.training, successWhen: sweep.successWhen },
    seed: sweep.base.seed + k,
  };
}

export function cellRunId(sweep: Sweep, key: CellKey, k: number): string {
  return `${variantLabels(sweep)[key.variant]}-T${key.T}-m${key.m}-seed${sweep.base.seed + k}`;
}

/** JSON Schema for `*.sweep.json`, for the editor's jsonValidation. */
export function sweepJsonSchema(): object {
  return z.toJSONSchema(SweepSchema, { io: 'input', unrepresentable: 'any' });
}
