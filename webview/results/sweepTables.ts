// The text half of the sweep view: per variant, the protocol behind the figure, the verdict with its
// bootstrap support, the three fits of m*(T) (best one marked) and the success table with every
// cell's share and Wilson interval. The tables' content is the one table model
// (src/protocol/sweepTableModel.ts, which the HTML report renders too); this file only builds DOM.
import type { VariantResult } from '../../src/protocol/sweepEvents';
import { FITS_NEED, type GridCell, type VariantTables, variantTables } from '../../src/protocol/sweepTableModel';
import { el } from './dom';
import type { SweepModel } from './state';
import { nextStepNode } from './sweepVerdict';

function fitsTable(t: VariantTables, provisional: boolean): HTMLElement {
  if (!t.fits) return el('p', { className: 'muted' }, provisional ? FITS_WAIT : FITS_NEED);
  const rows = t.fits.map((f) => {
    const name = el('th', { scope: 'row' }, f.name);
    if (f.best) name.append(' ', el('span', { className: 'badge' }, 'best'));
    return el('tr', { className: f.best ? 'best' : '' }, name, el('td', {}, f.formula), el('td', {}, f.r2), el('td', {}, f.aicc), el('td', {}, f.wins));
  });
  const col = (text: string) => el('th', { scope: 'col' }, text);
  return el(
    'table',
    { className: 'fits' },
    el('caption', {}, `Fits of m*(T) for ${t.label} (least squares on m*; censored points as lower bounds)`),
    el('thead', {}, el('tr', {}, col('model'), col('fitted'), col('R²'), col('AICc'), col('wins in bootstrap'))),
    el('tbody', {}, ...rows),
  );
}

/** While a sweep runs and a T's search is still open, the fits wait (the verdict names those T). */
const FITS_WAIT = 'No fits while the sweep runs until every context length has a bracketed m*.';

/** Drill-down: opens a cell's runs (variant, context length, training-set size). */
export type OpenCell = (variant: string, T: number, m: number) => void;

/** A finished cell opens its runs on click, and from the keyboard (it is focusable; Enter or Space). */
function makeOpenable(td: HTMLElement, variant: string, T: number, m: number, open: OpenCell): void {
  td.tabIndex = 0;
  td.dataset.variant = variant;
  td.dataset.t = String(T);
  td.dataset.m = String(m);
  td.setAttribute('aria-label', `${td.title}. Press Enter to open its runs.`);
  td.addEventListener('click', () => open(variant, T, m));
  td.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    open(variant, T, m);
  });
}

function cellTd(c: GridCell): HTMLElement {
  const td = el('td', { className: c.className }, c.share, el('span', { className: 'wilson' }, ` ${c.wilson[0]}–${c.wilson[1]} %`));
  if (c.failed) td.append(el('span', { className: 'crashed' }, ` (${c.failed})`));
  td.title = c.title;
  return td;
}

function successTable(sweep: SweepModel, t: VariantTables, open?: OpenCell): HTMLElement {
  if (t.sizes.length === 0) return el('p', { className: 'muted' }, 'No cells finished yet.');
  const running = new Set(sweep.active.filter((c) => c.variant === t.label).map((c) => `${c.T}|${c.m}`));
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'T \\ m'),
    ...t.sizes.map((m) => el('th', { scope: 'col' }, String(m))),
    el('th', { scope: 'col' }, 'm*'),
    el('th', { scope: 'col' }, 'interval'),
  );
  const rows = t.rows.map((r) => {
    const cells = r.cells.map((c, i) => {
      const m = t.sizes[i];
      if (!c) return el('td', { className: running.has(`${r.T}|${m}`) ? 'running' : 'empty' }, running.has(`${r.T}|${m}`) ? '…' : '');
      const td = cellTd(c);
      if (open) makeOpenable(td, t.label, r.T, m, open);
      return td;
    });
    const mstar = el('td', { className: `mstar ${r.mStar.status}` }, r.mStar.text);
    mstar.title = r.mStar.title;
    return el('tr', {}, el('th', { scope: 'row' }, String(r.T)), ...cells, mstar, el('td', {}, r.interval));
  });
  return el(
    'table',
    { className: 'cells' },
    el('caption', {}, `Seeds that succeeded, per context length T and training-set size m, with 95 % Wilson intervals (${t.label})${open ? '. Click a cell (or focus it and press Enter) to open its runs.' : ''}`),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

/** Replaces the container's content with one block per variant. */
export function renderSweepTables(container: HTMLElement, sweep: SweepModel, colours: string[], open?: OpenCell): void {
  const blocks = sweep.variants.map((v: VariantResult, i) => {
    const t = variantTables(v);
    const swatch = el('span', { className: `swatch series-${i % colours.length}` });
    swatch.setAttribute('aria-hidden', 'true');
    const verdict = el('p', { className: 'verdict' }, t.verdict);
    const protocol = el('p', { className: 'protocol muted' }, t.protocol ? `Protocol: ${t.protocol}` : '');
    return el(
      'section',
      { className: 'variant' },
      el('h3', {}, swatch, t.label),
      protocol,
      verdict,
      ...nextStepNode(v),
      el('div', { className: 'table-scroll' }, fitsTable(t, v.provisional === true)),
      el('div', { className: 'table-scroll' }, successTable(sweep, t, open)),
    );
  });
  // A live update rebuilds the tables: keep keyboard focus on the cell it was on.
  const focused = document.activeElement instanceof HTMLElement && container.contains(document.activeElement) ? document.activeElement.dataset : undefined;
  container.replaceChildren(...blocks);
  if (focused?.variant) {
    const again = Array.from(container.querySelectorAll<HTMLElement>('td[data-variant]')).find((td) => td.dataset.variant === focused.variant && td.dataset.t === focused.t && td.dataset.m === focused.m);
    again?.focus();
  }
}
