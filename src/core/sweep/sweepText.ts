// How a point of m*(T) is written, the same in the CLI, the panel and the HTML report.
import type { MStarStatus } from './sampleComplexity';

type Point = { status: MStarStatus; mStar: number | null; interval: [number | null, number | null] };

/** "23", "> 512" (censored: a lower bound), "open" (crashed runs), "–" (nothing finished yet). */
export function mStarText(p: Point): string {
  if (p.status === 'found') return String(p.mStar);
  if (p.status === 'censored') return `> ${p.interval[0]}`;
  if (p.status === 'incomplete') return 'open';
  return '–';
}
