// Whether the m*(T) chart starts on a log y axis: when one variant needs far more samples than
// another (an MLP at 512 beside a transformer at 16–64), a linear axis flattens the smaller one onto
// the bottom. Shared by the panel and the HTML report so both open the same way.
import type { VariantResult } from './sweepEvents';

/** Ranges differing by more than this factor switch the axis to log. */
export const LOG_Y_RATIO = 5;

/** Every m* (or lower bound) the chart draws for a variant. */
function drawnValues(v: Pick<VariantResult, 'points'>): number[] {
  return v.points.flatMap((p) => (p.status === 'found' && p.mStar !== null ? [p.mStar] : p.status === 'censored' && p.interval[0] !== null ? [p.interval[0]] : []));
}

/** True when the variants' largest m* differ by more than LOG_Y_RATIO (one variant: never). */
export function mstarLogY(variants: Pick<VariantResult, 'points'>[]): boolean {
  const tops = variants.map((v) => Math.max(0, ...drawnValues(v))).filter((m) => m > 0);
  if (tops.length < 2) return false;
  return Math.max(...tops) / Math.min(...tops) > LOG_Y_RATIO;
}
