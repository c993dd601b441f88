// Fits of m*(T) that decide between log T, linear and power-law growth. All three are fitted by least
// squares on m itself (the space they are scored in), so none is handicapped: a·T^c used to be
// fitted in log–log space and then scored in linear space against two models optimised there.
// A context length where no size passed is censored (m* > the largest size tried) and enters as a
// lower bound: it adds to the residuals only when a curve passes below it.
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { linearRegression } from 'simple-statistics';

import { type ModelName, MODELS, fitValue, perModel } from '../../protocol/fitModels';

export { type ModelName, MODELS, MODEL_NAMES, fitCurve, fitFormula, fitValue } from './fitCurve';

export interface ScalingPoint {
  T: number;
  /** m*, or for a censored point the size it is known to exceed. */
  m: number;
  censored: boolean;
}

export interface Fit {
  a: number;
  /** Slope: per ln T (log) or per unit of T (linear). */
  b?: number;
  /** Exponent of the power law. */
  c?: number;
  /** Residual sum of squares (censored points count only when the curve passes below them). */
  rss: number;
  r2: number;
  /** Akaike's criterion with the small-sample correction, from the same residuals. */
  aicc: number;
}
export type FitSet = Record<ModelName, Fit>;

/** Parameters per model (all three have two; kept explicit so AICc stays right if one changes). */
const K = 2;

const asFit = (model: ModelName, p: number[]) => (model === 'power' ? { a: p[0], c: p[1] } : { a: p[0], b: p[1] });

/** Residuals of a curve: observed minus fitted; a censored point only when the curve is below it. */
export function residuals(model: ModelName, p: number[], points: ScalingPoint[]): number[] {
  const f = asFit(model, p);
  return points.map((pt) => {
    const r = pt.m - fitValue(model, f, pt.T);
    return pt.censored ? Math.max(0, r) : r;
  });
}

const sumSq = (xs: number[]) => xs.reduce((s, x) => s + x * x, 0);

/** Closed-form starting values, treating censored bounds as values. */
function start(model: ModelName, points: ScalingPoint[]): number[] {
  if (model === 'log') {
    const r = linearRegression(points.map((p) => [Math.log(p.T), p.m]));
    return [r.b, r.m];
  }
  if (model === 'linear') {
    const r = linearRegression(points.map((p) => [p.T, p.m]));
    return [r.b, r.m];
  }
  const r = linearRegression(points.map((p) => [Math.log(p.T), Math.log(Math.max(p.m, 1e-9))]));
  return [Math.exp(r.b), r.m];
}

/** d fitted / d parameters, for the optimiser's Jacobian. */
function gradient(model: ModelName, p: number[], T: number): number[] {
  if (model === 'log') return [1, Math.log(T)];
  if (model === 'linear') return [1, T];
  const v = Math.pow(T, p[1]);
  return [v, p[0] * v * Math.log(T)];
}

/**
 * Least squares by Levenberg–Marquardt (ml-levenberg-marquardt). The data are the point indices; a
 * censored point's model value is min(curve, bound), so its residual bound − min(curve, bound) is the
 * hinge above: zero once the curve clears the bound. Log and
 * linear are linear models, but the hinge makes their censored problem nonlinear too, so all three
 * go through the same optimiser, started from the closed-form fit; the better of start and result
 * is kept, so the optimiser can only improve on the closed form.
 */
function leastSquares(model: ModelName, points: ScalingPoint[]): number[] {
  const init = start(model, points);
  // Without a censored point the closed form already is the least-squares solution of a linear model.
  if (model !== 'power' && !points.some((p) => p.censored)) return init;
  const idx = points.map((_, i) => i);
  const value = (p: number[]) => (i: number) => {
    const v = fitValue(model, asFit(model, p), points[i].T);
    return points[i].censored ? Math.min(v, points[i].m) : v;
  };
  const jacobian = (p: number[]) => (i: number) => {
    const pt = points[i];
    if (pt.censored && fitValue(model, asFit(model, p), pt.T) >= pt.m) return [0, 0];
    return gradient(model, p, pt.T);
  };
  let best = init;
  let bestRss = sumSq(residuals(model, init, points));
  try {
    const out = levenbergMarquardt({ x: idx, y: points.map((p) => p.m) }, value, {
      initialValues: init,
      jacobianFunction: jacobian,
      maxIterations: 100,
      errorTolerance: 1e-12,
      damping: 1e-3,
      ...(model === 'power' ? { minValues: [1e-9, -10], maxValues: [1e12, 10] } : {}),
    });
    const rss = sumSq(residuals(model, out.parameterValues, points));
    if (Number.isFinite(rss) && rss <= bestRss) {
      best = out.parameterValues;
      bestRss = rss;
    }
  } catch {
    // A singular step: keep the closed-form start.
  }
  return best;
}

/** AICc = n·ln(RSS/n) + 2k + 2k(k+1)/(n−k−1); with n ≤ k+1 the correction is undefined and left out. */
export function aicc(rss: number, n: number, scale: number): number {
  const floor = 1e-12 * Math.max(scale, 1); // an exact fit would give −∞
  const correction = n > K + 1 ? (2 * K * (K + 1)) / (n - K - 1) : 0;
  return n * Math.log(Math.max(rss, floor) / n) + 2 * K + correction;
}

/** Needs 3 distinct T, at least 2 of them with an m* found; null otherwise. */
export function fitScaling(points: ScalingPoint[]): FitSet | null {
  if (new Set(points.map((p) => p.T)).size < 3 || points.filter((p) => !p.censored).length < 2) return null;
  const mean = points.reduce((s, p) => s + p.m, 0) / points.length;
  const tss = points.reduce((s, p) => s + (p.m - mean) ** 2, 0);
  const scale = points.reduce((s, p) => s + p.m * p.m, 0);
  const fit = (model: ModelName): Fit => {
    const p = leastSquares(model, points);
    const rss = sumSq(residuals(model, p, points));
    return { ...asFit(model, p), rss, r2: tss > 0 ? 1 - rss / tss : rss === 0 ? 1 : 0, aicc: aicc(rss, points.length, scale) };
  };
  return perModel(fit);
}

/** The model with the lowest AICc, and the runner-up's margin. */
export function bestModel(fits: FitSet): { best: ModelName; runnerUp: ModelName; deltaAicc: number } {
  const ranked = [...MODELS].sort((x, y) => fits[x].aicc - fits[y].aicc);
  return { best: ranked[0], runnerUp: ranked[1], deltaAicc: fits[ranked[1]].aicc - fits[ranked[0]].aicc };
}
