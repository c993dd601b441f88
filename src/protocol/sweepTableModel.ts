// The sweep's tables as data: per variant the three fits of m*(T) and the success grid (every cell's
// share, Wilson interval and status, m* per T). Built once here, pure, and rendered twice: as DOM by
// the results panel (webview/results/sweepTables.ts) and as HTML by the report (src/report/). Every
// quantity is what the sweep computed (src/core/sweep); this file only words it.
import { MODELS, MODEL_NAMES, type ModelName, fitFormula } from './fitModels';
import type { SweepPoint, VariantResult } from './sweepEvents';

/** Said in place of the fits table while a variant has too few m* to fit. */
export const FITS_NEED = 'Fits need m* (or a lower bound) at three or more context lengths, two of them found.';

/** "23", "> 512" (censored: a lower bound), "open" (crashed runs), "–" (nothing finished yet). */
export function mStarText(p: Pick<SweepPoint, 'status' | 'mStar' | 'interval'>): string {
  if (p.status === 'found') return String(p.mStar);
  if (p.status === 'censored') return `> ${p.interval[0]}`;
  if (p.status === 'incomplete') return 'open';
  return '–';
}

export const pct = (v: number) => `${Math.round(v * 100)} %`;

export interface FitRow {
  model: ModelName;
  /** The model with free parameters, e.g. "a + b·ln T". */
  name: string;
  /** The fitted formula, e.g. "20.1 + 15.00·ln T". */
  formula: string;
  r2: string;
  aicc: string;
  /** Share of bootstrap resamples the model won, or "–" without a bootstrap. */
  wins: string;
  best: boolean;
}

/** A finished cell of the grid; the class names are the colours both renderers use. */
export interface GridCell {
  m: number;
  className: 'ok' | 'bad' | 'incomplete';
  /** "s/n". */
  share: string;
  /** Wilson 95 % interval in whole percent. */
  wilson: [number, number];
  failedRuns: number;
  /** "2 crashed", "3 refused" (the trainer refused them: not a crash to retry), or '' when none failed. */
  failed: string;
  /** The cell in one sentence, for a tooltip. */
  title: string;
}

export interface GridRow {
  T: number;
  /** One entry per size of `sizes`: a finished cell, or null where none finished yet. */
  cells: (GridCell | null)[];
  mStar: { text: string; status: SweepPoint['status']; note: string; title: string };
  interval: string;
}

export interface VariantTables {
  label: string;
  protocol: string;
  /** The verdict, or while there is none, what it waits for. */
  verdict: string;
  /** Null while there are no fits (then FITS_NEED is shown). */
  fits: FitRow[] | null;
  sizes: number[];
  rows: GridRow[];
}

function fitRows(v: VariantResult): FitRow[] | null {
  const fits = v.fits;
  if (!fits) return null;
  const support = v.verdictSupport;
  return MODELS.map((model) => ({
    model,
    name: MODEL_NAMES[model],
    formula: fitFormula(model, fits[model]),
    r2: fits[model].r2.toFixed(3),
    aicc: fits[model].aicc.toFixed(1),
    wins: support ? pct(support[model]) : '–',
    best: v.best === model,
  }));
}

/** A cell's failed runs in words: a refusal carries the trainer's reason and no advice to rerun. */
const failedText = (c: SweepPoint['cells'][number]) => (c.refused ? `${c.failedRuns} refused (${c.refused})` : `${c.failedRuns} crashed`);

function gridCell(T: number, c: SweepPoint['cells'][number]): GridCell {
  const wilson: [number, number] = [Math.round(c.wilson[0] * 100), Math.round(c.wilson[1] * 100)];
  const range = `${wilson[0]}–${wilson[1]} %`;
  const title =
    `T = ${T}, m = ${c.m}: ${c.successes} of ${c.trials} seeds succeeded (95 % Wilson interval ${range})` +
    (c.status === 'incomplete' ? `; ${failedText(c)}, so the cell counts neither way` : c.status === 'passed' ? ' — enough' : ' — not enough') +
    (c.hosts?.length ? `; trained on ${c.hosts.join(', ')}` : '');
  const className = c.status === 'passed' ? 'ok' : c.status === 'failed' ? 'bad' : 'incomplete';
  const failed = c.failedRuns ? `${c.failedRuns} ${c.refused ? 'refused' : 'crashed'}` : '';
  return { m: c.m, className, share: `${c.successes}/${c.trials}`, wilson, failedRuns: c.failedRuns, failed, title };
}

function mStarOf(p: SweepPoint): GridRow['mStar'] {
  const text = mStarText(p);
  if (p.status === 'censored') return { text, status: p.status, note: '(censored)', title: `No size up to ${p.interval[0]} passed: m* is above it (a lower bound in the fits).` };
  if (p.status === 'incomplete') {
    const at = p.incompleteAt.join(', ');
    const refused = p.cells.find((c) => c.refused && p.incompleteAt.includes(c.m))?.refused;
    if (refused) return { text, status: p.status, note: `(refused at m = ${at})`, title: `The trainer refused the runs at m = ${at}: ${refused}` };
    return { text, status: p.status, note: `(crashed at m = ${at})`, title: `Runs crashed at m = ${at}: m* is open until they are rerun.` };
  }
  return { text, status: p.status, note: '', title: '' };
}

/** The tables of one variant, from what the sweep computed. */
export function variantTables(v: VariantResult): VariantTables {
  const sizes = [...new Set(v.points.flatMap((p) => p.cells.map((c) => c.m)))].sort((a, b) => a - b);
  const rows = v.points.map((p) => ({
    T: p.T,
    cells: sizes.map((m) => {
      const c = p.cells.find((x) => x.m === m);
      return c ? gridCell(p.T, c) : null;
    }),
    mStar: mStarOf(p),
    interval: `[${p.interval[0] ?? '–'}, ${p.interval[1] ?? '–'}]`,
  }));
  const verdict = v.verdict ?? (v.points.length ? 'No verdict yet: it comes with the fits.' : 'Waiting for the first m*.');
  return { label: v.label, protocol: v.protocol, verdict, fits: fitRows(v), sizes, rows };
}
