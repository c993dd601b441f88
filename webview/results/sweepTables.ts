// The text half of the sweep view: per variant, the protocol behind the figure, the verdict with its
// bootstrap support, the three fits of m*(T) (best one marked) and the success table with every
// cell's share and Wilson interval. Everything here is rendered as computed in src/core; nothing is
// recomputed (a cell's colour is the status the sweep recorded).
import { MODEL_NAMES, fitFormula } from '../../src/core/sweep/fitCurve';
import { mStarText } from '../../src/core/sweep/sweepText';
import type { SweepPoint, VariantResult } from '../../src/protocol/sweepEvents';
import { el } from './dom';
import type { SweepModel } from './state';

const pct = (v: number) => `${Math.round(v * 100)} %`;

function fitsTable(v: VariantResult): HTMLElement {
  if (!v.fits) return el('p', { className: 'muted' }, 'Fits need m* (or a lower bound) at three or more context lengths, two of them found.');
  const fits = v.fits;
  const support = v.verdictSupport;
  const rows = (['log', 'linear', 'power'] as const).map((kind) => {
    const f = fits[kind];
    const best = v.best === kind;
    const name = el('th', { scope: 'row' }, MODEL_NAMES[kind]);
    if (best) name.append(' ', el('span', { className: 'badge' }, 'best'));
    return el(
      'tr',
      { className: best ? 'best' : '' },
      name,
      el('td', {}, fitFormula(kind, f)),
      el('td', {}, f.r2.toFixed(3)),
      el('td', {}, f.aicc.toFixed(1)),
      el('td', {}, support ? pct(support[kind]) : '–'),
    );
  });
  const col = (text: string) => el('th', { scope: 'col' }, text);
  return el(
    'table',
    { className: 'fits' },
    el('caption', {}, `Fits of m*(T) for ${v.label} (least squares on m*; censored points as lower bounds)`),
    el('thead', {}, el('tr', {}, col('model'), col('fitted'), col('R²'), col('AICc'), col('wins in bootstrap'))),
    el('tbody', {}, ...rows),
  );
}

function mStarTitle(p: SweepPoint): string {
  if (p.status === 'censored') return `No size up to ${p.interval[0]} passed: m* is above it (a lower bound in the fits).`;
  if (p.status === 'incomplete') return `Runs crashed at m = ${p.incompleteAt.join(', ')}: m* is open until they are rerun.`;
  return '';
}

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

function successTable(sweep: SweepModel, v: VariantResult, open?: OpenCell): HTMLElement {
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
      const cls = c.status === 'passed' ? 'ok' : c.status === 'failed' ? 'bad' : 'incomplete';
      const range = `${Math.round(c.wilson[0] * 100)}–${Math.round(c.wilson[1] * 100)} %`;
      const td = el('td', { className: cls }, `${c.successes}/${c.trials}`, el('span', { className: 'wilson' }, ` ${range}`));
      if (c.failedRuns) td.append(el('span', { className: 'crashed' }, ` (${c.failedRuns} crashed)`));
      td.title =
        `T = ${p.T}, m = ${m}: ${c.successes} of ${c.trials} seeds succeeded (95 % Wilson interval ${range})` +
        (c.status === 'incomplete' ? `; ${c.failedRuns} crashed, so the cell counts neither way` : c.status === 'passed' ? ' — enough' : ' — not enough') +
        (c.hosts?.length ? `; trained on ${c.hosts.join(', ')}` : '');
      if (open) makeOpenable(td, v.label, p.T, m, open);
      return td;
    });
    const interval = `[${p.interval[0] ?? '–'}, ${p.interval[1] ?? '–'}]`;
    const mstar = el('td', { className: `mstar ${p.status}` }, mStarText(p));
    mstar.title = mStarTitle(p);
    return el('tr', {}, el('th', { scope: 'row' }, String(p.T)), ...cells, mstar, el('td', {}, interval));
  });
  return el(
    'table',
    { className: 'cells' },
    el('caption', {}, `Seeds that succeeded, per context length T and training-set size m, with 95 % Wilson intervals (${v.label})${open ? '. Click a cell (or focus it and press Enter) to open its runs.' : ''}`),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

/** Replaces the container's content with one block per variant. */
export function renderSweepTables(container: HTMLElement, sweep: SweepModel, colours: string[], open?: OpenCell): void {
  const blocks = sweep.variants.map((v, i) => {
    const swatch = el('span', { className: `swatch series-${i % colours.length}` });
    swatch.setAttribute('aria-hidden', 'true');
    const verdict = el('p', { className: 'verdict' }, v.verdict ?? (v.points.length ? 'No verdict yet: it comes with the fits.' : 'Waiting for the first m*.'));
    const protocol = el('p', { className: 'protocol muted' }, v.protocol ? `Protocol: ${v.protocol}` : '');
    return el(
      'section',
      { className: 'variant' },
      el('h3', {}, swatch, v.label),
      protocol,
      verdict,
      el('div', { className: 'table-scroll' }, fitsTable(v)),
      el('div', { className: 'table-scroll' }, successTable(sweep, v, open)),
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
