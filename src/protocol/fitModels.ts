// The fit models of m*(T): the one list of them, their names and their formulas. It lives on the
// contract's ground floor because the panel and the HTML report write fits as text and must not
// reach into src/core for it; the optimiser (src/core/sweep/scalingFits.ts) evaluates through here too.
import { z } from 'zod';

export const MODELS = ['log', 'linear', 'power'] as const;
export type ModelName = (typeof MODELS)[number];
/** The models as a zod enum, for the messages that name a best fit. */
export const FitModel = z.enum(MODELS);

/** How a table names each model: its formula with free parameters. */
export const MODEL_NAMES: Record<ModelName, string> = { log: 'a + b·ln T', linear: 'a + b·T', power: 'a·T^c' };
/** How a sentence names each model (the verdict's words). */
export const MODEL_WORDS: Record<ModelName, string> = { log: 'log T', linear: 'linear', power: 'power law' };

/** One value per model, built from the list so a new model is added in one place. */
export function perModel<T>(make: (model: ModelName) => T): Record<ModelName, T> {
  return Object.fromEntries(MODELS.map((m) => [m, make(m)])) as Record<ModelName, T>;
}

/** A zod object with one field per model, each validated by `schema`. */
export const perModelSchema = <S extends z.ZodType>(schema: S) => z.object(perModel(() => schema));

type Params = { a: number; b?: number; c?: number };

/** The fitted m*(T): the one evaluation of a fit, used by the runner, the CLI, the panel and the report. */
export function fitValue(model: ModelName, f: Params, T: number): number {
  if (model === 'log') return f.a + (f.b ?? 0) * Math.log(T);
  if (model === 'linear') return f.a + (f.b ?? 0) * T;
  return f.a * Math.pow(T, f.c ?? 1);
}

/** The fit as a formula, e.g. "20.1 + 15.0·ln T". */
export function fitFormula(model: ModelName, f: Params): string {
  const n = (v: number | undefined, d: number) => (v ?? 0).toFixed(d);
  if (model === 'log') return `${n(f.a, 1)} + ${n(f.b, 2)}·ln T`;
  if (model === 'linear') return `${n(f.a, 1)} + ${n(f.b, 3)}·T`;
  return `${n(f.a, 2)}·T^${n(f.c, 2)}`;
}
