// The text half of the sweep view: per variant, the verdict, the three fits of m*(T) (best one
// marked) and the success table, successes/trials for every (T, m) the search trained.
import type { VariantResult } from '../../src/protocol/sweepEvents';
import { el } from './dom';
import { fitFormula } from './sampleComplexityChart';
import { type SweepModel, cellPassed } from './state';

const FIT_NAMES = { log: 'a + b·ln T', linear: 'a + b·T', power: 'a·T^c' } as const;

function fitsTable(v: VariantResult): HTMLElement {
  if (!v.fits) return el('p', { className: 'muted' }, 'Fits need m* at three or more context lengths.');
  const fits = v.fits;
  const rows = (['log', 'linear', 'power'] as const).map((kind) => {
    const f = fits[kind];
    const best = v.best === kind;
    const name = el('th', { scope: 'row' }, FIT_NAMES[kind]);
    if (best) name.append(' ', el('span', { className: 'badge' }, 'best'));
    return el('tr', { className: best ? 'best' : '' }, name, el('td', {}, fitFormula(kind, f)), el('td', {}, f.r2.toFixed(3)), el('td', {}, f.aic.toFixed(1)));
  });
  return el(
    'table',
    { className: 'fits' },
    el('caption', {}, `Fits of m*(T) for ${v.label}`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'model'), el('th', { scope: 'col' }, 'fitted'), el('th', { scope: 'col' }, 'R²'), el('th', { scope: 'col' }, 'AIC'))),
    el('tbody', {}, ...rows),
  );
}

function successTable(sweep: SweepModel, v: VariantResult): HTMLElement {
  const sizes = [...new Set(v.points.flatMap((p) => p.cells.map((c) => c.m)))].sort((a, b) => a - b);
  if (sizes.length === 0) return el('p', { className: 'muted' }, 'No cells finished yet.');
  const running = new Set(sweep.active.filter((c) => c.variant === v.label).map((c) => `${c.T}|${c.m}`));
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'T \\ m'),
    ...sizes.map((m) => el('th', { scope: 'col' }, String(m))),
    el('th', { scope: 'col' }, 'm*'),
    el('th', { scope: 'col' }, 'interval'),
  );
  const rows = v.points.map((p) => {
    const cells = sizes.map((m) => {
      const c = p.cells.find((x) => x.m === m);
      if (!c) return el('td', { className: running.has(`${p.T}|${m}`) ? 'running' : 'empty' }, running.has(`${p.T}|${m}`) ? '…' : '');
      const passed = cellPassed(sweep, v.label, p, c);
      const text = `${c.successes}/${c.trials}${c.failedRuns ? ` (${c.failedRuns} failed)` : ''}`;
      const td = el('td', { className: passed === null ? '' : passed ? 'ok' : 'bad' }, text);
      td.title = `T = ${p.T}, m = ${m}: ${c.successes} of ${c.trials} seeds reached the target${passed === null ? '' : passed ? ' (enough)' : ' (not enough)'}`;
      return td;
    });
    const interval = `[${p.interval[0] ?? '–'}, ${p.interval[1] ?? '–'}]`;
    return el('tr', {}, el('th', { scope: 'row' }, String(p.T)), ...cells, el('td', { className: 'mstar' }, p.mStar === null ? '–' : String(p.mStar)), el('td', {}, interval));
  });
  return el(
    'table',
    { className: 'cells' },
    el('caption', {}, `Seeds that reached the target, per context length T and training-set size m (${v.label})`),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

/** Replaces the container's content with one block per variant. */
export function renderSweepTables(container: HTMLElement, sweep: SweepModel, colours: string[]): void {
  const blocks = sweep.variants.map((v, i) => {
    const swatch = el('span', { className: `swatch series-${i % colours.length}` });
    swatch.setAttribute('aria-hidden', 'true');
    const verdict = el('p', { className: 'verdict' }, v.verdict ?? (v.points.length ? 'No verdict yet: it comes with the fits.' : 'Waiting for the first m*.'));
    return el(
      'section',
      { className: 'variant' },
      el('h3', {}, swatch, v.label),
      verdict,
      el('div', { className: 'table-scroll' }, fitsTable(v)),
      el('div', { className: 'table-scroll' }, successTable(sweep, v)),
    );
  });
  container.replaceChildren(...blocks);
}
