// Evaluating a fitted m*(T): the one place a fit's formula is computed, and the points of its curve
// that every chart draws. No dependencies, so the webview bundle can format a fit without the optimiser.

export type ModelName = 'log' | 'linear' | 'power';
export const MODELS: readonly ModelName[] = ['log', 'linear', 'power'];

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

export const MODEL_NAMES: Record<ModelName, string> = { log: 'a + b·ln T', linear: 'a + b·T', power: 'a·T^c' };

/** Points of a fitted curve, evenly spaced in log T over [min T, max T], for charts that only draw. */
export function fitCurve(model: ModelName, f: Params, Ts: number[], samples = 48): { T: number; m: number }[] {
  if (Ts.length === 0) return [];
  const lo = Math.min(...Ts);
  const hi = Math.max(...Ts);
  if (lo <= 0) return [];
  return Array.from({ length: samples + 1 }, (_, k) => {
    const T = lo * Math.pow(hi / lo, k / samples);
    return { T: Math.round(T * 1000) / 1000, m: Math.round(fitValue(model, f, T) * 1000) / 1000 };
  });
}
