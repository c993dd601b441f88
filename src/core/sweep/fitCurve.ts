// The points of a fitted m*(T) curve that every chart draws (charts never evaluate a formula). The
// models, their names and formulas live in the contract (src/protocol/fitModels.ts).
import { type ModelName, fitValue } from '../../protocol/fitModels';

export { type ModelName, MODELS, MODEL_NAMES, fitFormula, fitValue } from '../../protocol/fitModels';

type Params = { a: number; b?: number; c?: number };

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
