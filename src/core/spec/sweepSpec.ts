// Sweep files (`*.sweep.json`): one base experiment, a list of context lengths T, a range or list of
// training-set sizes m, and how to search m for each T. Every cell (T, m, seed) is a normal experiment.
import { z } from 'zod';
import { noDefaults } from './noDefaults';
import { messageWithValue } from './specProblems';
import { UntilSchema } from './untilSpec';
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

// A `compareWith` model may unset the base's optional model fields with null: an MLP baseline beside
// a transformer with dropout says `"dropout": null` (the MLP would refuse a transformer-only field).
const M = ModelSchema.shape;

const ModelOverride = z.strictObject(noDefaults(M)).extend({
  maxNorm: M.maxNorm.unwrap().nullable().optional(),
  dropout: M.dropout.unwrap().nullable().optional(),
  clsPosition: M.clsPosition.unwrap().nullable().optional(),
  layerNormEps: M.layerNormEps.unwrap().nullable().optional(),
});

/** The base model with a `compareWith` entry's fields over it; null unsets a field. */
function overriddenModel(base: Experiment['model'], over: z.infer<typeof ModelOverride> | undefined): Experiment['model'] {
  const merged: Record<string, unknown> = { ...base, ...over };
  for (const [field, value] of Object.entries(merged)) if (value === null) delete merged[field];
  return merged as Experiment['model'];
}

const Override = z.strictObject({
  label: z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'may only contain letters, digits, ".", "_" and "-"' }).optional(),
  model: ModelOverride.optional(),
  training: z.strictObject(noDefaults(TrainingSchema.shape)).extend({ successWhen: SetByTopLevel }).optional(),
});

/** A value a `vary` path takes; null unsets an optional field (e.g. "model.maxNorm": [null, 2]). */
const VaryValue = z.union([z.number(), z.string(), z.boolean(), z.null()], { error: 'must be a number, a string, true/false or null' });
export type VaryValue = z.infer<typeof VaryValue>;

/** The fields `vary` may set, by section: everything a cell's experiment has except what the sweep itself sets. */
export const VARIABLE_FIELDS: Record<string, string[]> = {
  task: Object.keys(TaskSchema.shape).filter((f) => f !== 'T' && f !== 'relevant'),
  data: Object.keys(DataSchema.shape).filter((f) => f !== 'trainSize'),
  model: Object.keys(ModelSchema.shape),
  training: Object.keys(TrainingSchema.shape).filter((f) => f !== 'successWhen'),
};
const variablePaths = () => Object.entries(VARIABLE_FIELDS).flatMap(([section, fields]) => fields.map((f) => `${section}.${f}`));

/** Why a `vary` path cannot be varied, or undefined when it can. */
function pathProblem(path: string): string | undefined {
  if (variablePaths().includes(path)) return undefined;
  if (path === 'task.T' || path === 'data.trainSize') return 'is the sweep\'s own axis (contextLengths / trainSizes)';
  if (path === 'training.successWhen') return 'is set for the whole sweep: use the top-level "successWhen"';
  if (path === 'task.relevant') return 'cannot be fixed in a sweep: each seed draws its own hidden set';
  if (path === 'seed' || path === 'base.seed') return 'seeds are the sweep\'s repetitions: use "seeds"';
  return `is not a field of the experiment; fields that can vary: ${variablePaths().join(', ')}`;
}

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
    until: UntilSchema.optional(),
    vary: z
      .record(z.string(), z.array(VaryValue).min(1, { error: 'must list at least one value' }))
      .default({})
      .describe(
        'Other fields to sweep, by dotted path (e.g. {"model.heads": [1, 4, 16], "task.noise": [0, 0.1]}): the m*(T) search runs for each value (each combination when several are given), and the curves are overlaid.',
      ),
  })
  .superRefine((sweep, ctx) => {
    // A bad `vary` is reported alone: the other checks build every variant, which needs valid paths and values.
    if (varyProblems(sweep, ctx)) return;
    sweepProblems(sweep, ctx);
  });

export type SweepInput = z.input<typeof SweepSchema>;
export type Sweep = z.output<typeof SweepSchema>;
export type { Until } from './untilSpec';

/** Where a check reports a problem (zod's refinement context, narrowed to what the checks use). */
type IssueSink = { addIssue: (issue: { code: 'custom'; path: (string | number)[]; message: string }) => void };

/** The `vary` block's problems: bad paths, repeated values, and values that break a cell. True if any. */
function varyProblems(sweep: Sweep, ctx: IssueSink): boolean {
  let varyBad = false;
  const varyIssue = (path: (string | number)[], message: string) => {
    varyBad = true;
    ctx.addIssue({ code: 'custom', path, message });
  };
  for (const [path, values] of Object.entries(sweep.vary)) {
    const problem = pathProblem(path);
    if (problem) {
      varyIssue(['vary', path], `"${path}" ${problem}`);
      continue;
    }
    if (new Set(values).size !== values.length) varyIssue(['vary', path], 'must not repeat a value');
    // Each value on its own, in a cell at the largest T: what the value breaks (its own range, or a
    // rule with another field, e.g. dModel % heads) is named with the value's path and index.
    const problems = (vary: Sweep['vary']) => {
      const check = ExperimentSchema.safeParse(cellExperimentInput({ ...sweep, vary }, { variant: 0, T: Math.max(...sweep.contextLengths), m: 1 }, 0));
      return check.success ? [] : check.error.issues.map((is) => (is.path.join('.') === path ? is.message : `${is.path.join('.')}: ${is.message}`));
    };
    const without = new Set(problems({}));
    values.forEach((value, i) => {
      for (const message of problems({ [path]: [value] }).filter((m) => !without.has(m))) {
        varyIssue(['vary', path, i], `${path} = ${JSON.stringify(value)}: ${message}`);
      }
    });
  }
  return varyBad;
}

/** The rest of the sweep's checks, made on its cells (so they need a valid `vary`). */
function sweepProblems(sweep: Sweep, ctx: IssueSink): void {
  if (new Set(sweep.contextLengths).size !== sweep.contextLengths.length) {
    ctx.addIssue({ code: 'custom', path: ['contextLengths'], message: 'must not repeat a T' });
  }
  const s = sweep.base.task.s;
  sweep.contextLengths.forEach((T, i) => {
    if (s > T) ctx.addIssue({ code: 'custom', path: ['contextLengths', i], message: `must be ≥ base.task.s (got ${T} < ${s})` });
  });
  const T = Math.max(...sweep.contextLengths);
  const models = [sweep.base.model, ...sweep.compareWith.map((o) => overriddenModel(sweep.base.model, o.model))];
  models.forEach((model, i) => {
    checkConsistency({ task: { ...sweep.base.task, T, relevant: undefined }, model }, {
      addIssue: (issue) => ctx.addIssue({ ...issue, path: i === 0 ? ['base', ...issue.path] : ['compareWith', i - 1, ...issue.path] }),
    });
  });
  // The largest cell of each variant must itself be a valid experiment (e.g. fit in memory).
  const mMax = Math.max(...candidateSizes(sweep));
  const variants = sweepVariants(sweep);
  for (let v = 0; v < variants.length; v++) {
    const cell = cellExperimentInput(sweep, { variant: v, T, m: mMax }, 0);
    const check = ExperimentSchema.safeParse(cell);
    if (check.success) continue;
    for (const issue of check.error.issues) {
      // The cell's own value (a bad targetAccuracy once read "(got 16)": the context length's).
      const message = `the cell T = ${T}, m = ${mMax}${v ? ` (${variantLabels(sweep)[v]})` : ''} is invalid: ${issue.path.join('.')}: ${messageWithValue(issue.message, cell, issue.path, 'nothing')}`;
      ctx.addIssue({ code: 'custom', path: ['contextLengths', sweep.contextLengths.indexOf(T)], message });
    }
  }
  if (sweep.base.task.relevant) {
    ctx.addIssue({ code: 'custom', path: ['base', 'task', 'relevant'], message: 'cannot be fixed in a sweep: each seed draws its own hidden set' });
  }
  if (sweep.until && sweep.bootstrap === 0) {
    ctx.addIssue({ code: 'custom', path: ['bootstrap'], message: 'must be > 0 when "until" is set (the goal is a bootstrap support)' });
  }
  const labels = variantLabels(sweep);
  if (new Set(labels).size !== labels.length) {
    ctx.addIssue({ code: 'custom', path: ['compareWith'], message: `variant labels must be distinct (got ${labels.join(', ')}); set "label"` });
  }
}

/** The candidate training-set sizes, ascending. */
export function candidateSizes(sweep: { trainSizes: Sweep['trainSizes'] }): number[] {
  const t = sweep.trainSizes;
  if (Array.isArray(t)) return [...new Set(t)].sort((a, b) => a - b);
  const out = new Set<number>();
  const ratio = Math.log(t.max / t.min) / (t.points - 1);
  for (let i = 0; i < t.points; i++) out.add(Math.round(t.min * Math.exp(ratio * i)));
  return [...out].sort((a, b) => a - b);
}

/** One curve of a sweep: a model (the base, or a `compareWith` entry) with one combination of `vary` values. */
export interface SweepVariant {
  label: string;
  /** 0: the base model; i: `compareWith[i - 1]`. */
  model: number;
  /** The `vary` paths and the values this variant gives them. */
  sets: [string, VaryValue][];
}

type VariantSource = Pick<Sweep, 'base' | 'compareWith'> & { vary?: Sweep['vary'] };

/** A value as it reads in a label (labels name run folders: letters, digits, ".", "_", "-"). */
const labelValue = (v: VaryValue) => (v === null ? 'none' : String(v).replace(/[^A-Za-z0-9._-]/g, '_'));

/**
 * The variants, in order: for each model (base first, then `compareWith`), every combination of the
 * `vary` values (first path slowest). Without `vary` a model's label is its `label` or its arch; with
 * it, the values name the curve ("heads-4", "heads-4_noise-0.1"), after the model's label when
 * `compareWith` is used too.
 */
export function sweepVariants(sweep: VariantSource): SweepVariant[] {
  const models = [
    sweep.base.model.arch,
    ...sweep.compareWith.map((o, i) => o.label ?? `${o.model?.arch ?? sweep.base.model.arch}${sweep.compareWith.length > 1 ? `-${i + 1}` : ''}`),
  ];
  const axes = Object.entries(sweep.vary ?? {});
  if (axes.length === 0) return models.map((label, model) => ({ label, model, sets: [] }));
  const names = axes.map(([path]) => path.split('.').pop()!);
  // Two paths ending in the same field name ("task.s", "model.s") are named in full.
  const nameOf = (i: number) => (names.filter((n) => n === names[i]).length > 1 ? axes[i][0] : names[i]);
  let combos: [string, VaryValue][][] = [[]];
  for (const [path, values] of axes) combos = combos.flatMap((c) => values.map((v) => [...c, [path, v] as [string, VaryValue]]));
  return models.flatMap((modelLabel, model) =>
    combos.map((sets) => {
      const values = sets.map(([, v], i) => `${nameOf(i)}-${labelValue(v)}`).join('_');
      return { label: sweep.compareWith.length > 0 ? `${modelLabel}_${values}` : values, model, sets };
    }),
  );
}

export function variantLabels(sweep: VariantSource): string[] {
  return sweepVariants(sweep).map((v) => v.label);
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

export function cellExperimentInput(sweep: Pick<Sweep, 'name' | 'base' | 'compareWith' | 'successWhen'> & { vary?: Sweep['vary'] }, key: CellKey, k: number): ExperimentInput {
  const variant = sweepVariants(sweep)[key.variant];
  const o: Partial<Sweep['compareWith'][number]> = variant.model === 0 ? {} : sweep.compareWith[variant.model - 1];
  const spec: Record<string, Record<string, unknown>> = {
    task: { ...sweep.base.task, T: key.T },
    data: { ...sweep.base.data, trainSize: key.m },
    model: overriddenModel(sweep.base.model, o.model),
    training: { ...sweep.base.training, ...o.training, successWhen: sweep.successWhen },
  };
  for (const [path, value] of variant.sets) {
    const [section, field] = path.split('.');
    if (value === null) delete spec[section][field];
    else spec[section][field] = value;
  }
  return { version: 1, name: `${sweep.name}-${variant.label}-T${key.T}-m${key.m}`, ...spec, seed: sweep.base.seed + k } as ExperimentInput;
}

/** JSON Schema for `*.sweep.json`, for the editor's jsonValidation. */
export function sweepJsonSchema(): object {
  return z.toJSONSchema(SweepSchema, { io: 'input', unrepresentable: 'any' });
}
