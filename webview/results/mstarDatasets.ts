// The datasets of the m*(T) chart, from what the sweep computed: per variant its m* points (with
// their brackets), its censored lower bounds and its three fits as points (best solid, the other two
// dashed and shown on request). Tagged so the chart can isolate a variant and toggle fits.
import type { ChartDataset } from 'chart.js';
import { MODEL_WORDS, MODELS, type ModelName, fitFormula } from '../../src/protocol/fitModels';
import type { SweepPoint, VariantResult } from '../../src/protocol/sweepEvents';

export type Point = { x: number; y: number };
export type Interval = { x: number; lo: number; hi: number };
export type MStarDataset = ChartDataset<'scatter', Point[]>;

/** What a dataset stands for: its variant, and for a fit, its model and whether it is the best. */
export interface DatasetTag {
  variant: string;
  kind: 'mstar' | 'censored' | 'fit';
  model?: ModelName;
  best?: boolean;
  /** For m* datasets: the points behind it (drill-down) and their brackets. */
  points?: SweepPoint[];
  intervals?: Interval[];
}

/** Tags of the datasets built here (a WeakMap, so datasets keep Chart.js's own type). */
export const tagOf = new WeakMap<object, DatasetTag>();

function tagged(ds: MStarDataset, tag: DatasetTag): MStarDataset {
  tagOf.set(ds, tag);
  return ds;
}

function fitDatasets(v: VariantResult, colour: string, allFits: boolean): MStarDataset[] {
  if (!v.fits || !v.best || !v.curve.length) return [];
  const curves = v.curves ?? { [v.best]: v.curve };
  const models = MODELS.filter((m) => curves[m]?.length);
  const tentative = v.provisional ? ' (provisional)' : '';
  return models.map((m) => {
    const best = m === v.best;
    return tagged(
      {
        label: `${v.label} fit, ${MODEL_WORDS[m]}${best ? ' (best)' : ''}: m* ≈ ${fitFormula(m, v.fits![m])}${tentative}`,
        data: curves[m]!.map((p) => ({ x: p.T, y: p.m })),
        borderColor: colour,
        backgroundColor: colour,
        borderDash: best ? [] : [6, 4],
        borderWidth: best ? 2 : 1.5,
        pointRadius: 0,
        pointStyle: 'line',
        showLine: true,
        hidden: !best && !allFits,
      },
      { variant: v.label, kind: 'fit', model: m, best },
    );
  });
}

/** One variant's datasets: m* with brackets, censored bounds, fits. */
export function variantDatasets(v: VariantResult, colour: string, allFits: boolean): MStarDataset[] {
  const found = v.points.filter((p) => p.status === 'found');
  const out: MStarDataset[] = [
    tagged(
      { label: `${v.label}: m*`, data: found.map((p) => ({ x: p.T, y: p.mStar! })), borderColor: colour, backgroundColor: colour, pointRadius: 5, pointHoverRadius: 7 },
      {
        variant: v.label,
        kind: 'mstar',
        points: found,
        intervals: found.filter((p) => p.interval[0] !== null).map((p) => ({ x: p.T, lo: p.interval[0]!, hi: p.interval[1] ?? p.mStar! })),
      },
    ),
  ];
  const censored = v.points.filter((p) => p.status === 'censored' && p.interval[0] !== null);
  if (censored.length) {
    out.push(
      tagged(
        {
          label: `${v.label}: censored (m* above)`,
          data: censored.map((p) => ({ x: p.T, y: p.interval[0]! })),
          borderColor: colour,
          backgroundColor: 'transparent',
          pointStyle: 'triangle',
          pointRadius: 7,
          borderWidth: 2,
        },
        { variant: v.label, kind: 'censored' },
      ),
    );
  }
  return [...out, ...fitDatasets(v, colour, allFits)];
}

/** Hides every dataset of other variants while one is isolated (null: all shown as built). */
export function applyIsolation(datasets: MStarDataset[], isolated: string | null): void {
  if (isolated === null) return;
  for (const ds of datasets) if (tagOf.get(ds)?.variant !== isolated) ds.hidden = true;
}
