// The runs table view: a filter box, "Compare selected" and "Export CSV", and an HTML table with
// one row per run. What the rows and columns hold, how they sort and filter, comes from
// src/protocol/runsTable.ts; this file only draws it and turns the user's clicks into choices
// (kept with the panel's saved state) or into "compare these runs" and "export as CSV".
import { LABEL_KEY, type RunsColumn, type RunsRow, type RunsTable, type SortOrder, filterRows, formatCell, runsTable, runsTableCsv, sortRows } from '../../src/protocol/runsTable';
import { button, el } from './dom';
import { exportMessage } from './exporting';
import type { Panel } from './panel';
import { scrollHint } from './scrollHint';
import type { RunsTableUi } from './selection';
import type { Change } from './state';
import type { PanelView } from './view';

export class RunsTableView implements PanelView {
  readonly id = 'table';
  readonly page = 'panel';
  readonly slot = 70;
  readonly nodes: HTMLElement[];
  private readonly dom: RunsTableDom;

  constructor(private readonly panel: Panel) {
    const ui = () => panel.ui.table;
    this.dom = buildRunsTableDom({
      sort: (key) => this.update({ sort: nextSort(ui().sort, key) }),
      filter: (text) => this.update({ filter: text }),
      toggleRow: (runId, ticked) => this.update({ selected: ticked ? [...new Set([...ui().selected, runId])] : ui().selected.filter((x) => x !== runId) }),
      toggleAll: (ticked) => {
        const shown = shownRows(runsTable(panel.model.runs), ui()).map((r) => r.runId);
        this.update({ selected: ticked ? [...new Set([...ui().selected, ...shown])] : ui().selected.filter((x) => !shown.includes(x)) });
      },
      compare: () => this.compareSelected(),
      exportCsv: () => this.exportCsv(),
    });
    this.dom.section.hidden = true;
    this.nodes = [this.dom.section];
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || (change.kind === 'run' && this.shown());
  }

  shown(): boolean {
    return this.panel.ui.selected === 'table';
  }

  render(): void {
    if (this.shown()) renderRunsTable(this.dom, runsTable(this.panel.model.runs), this.panel.ui.table);
  }

  private update(change: Partial<RunsTableUi>): void {
    this.panel.ui.table = { ...this.panel.ui.table, ...change };
    this.panel.saveUi();
    this.panel.redraw([this.id], true);
  }

  /** Shows the ticked runs (and only those) on the learning curves, in the table's order. */
  private compareSelected(): void {
    const { model, ui } = this.panel;
    const ticked = new Set(ui.table.selected);
    const order = shownRows(runsTable(model.runs), { ...ui.table, filter: '' }).filter((r) => ticked.has(r.runId));
    if (!order.length) return;
    ui.hiddenRuns = model.runs.filter((r) => !ticked.has(r.runId)).map((r) => r.runId);
    this.panel.select(`run:${order[0].runId}`);
  }

  private exportCsv(): void {
    this.panel.flush();
    const table = runsTable(this.panel.model.runs);
    this.panel.send(exportMessage('csv', 'runs-table', runsTableCsv(table.columns, shownRows(table, this.panel.ui.table))));
  }
}

export interface RunsTableHandlers {
  sort(key: string): void;
  filter(text: string): void;
  toggleRow(runId: string, ticked: boolean): void;
  toggleAll(ticked: boolean): void;
  compare(): void;
  exportCsv(): void;
}

export interface RunsTableDom {
  section: HTMLElement;
  filter: HTMLInputElement;
  compare: HTMLButtonElement;
  count: HTMLElement;
  table: HTMLTableElement;
}

export function buildRunsTableDom(h: RunsTableHandlers): RunsTableDom {
  const filter = el('input', { id: 'runs-filter', type: 'search', className: 'runs-filter' });
  filter.placeholder = 'Filter runs';
  filter.setAttribute('aria-label', 'Filter runs (any text in a row)');
  filter.addEventListener('input', () => h.filter(filter.value));
  const compare = button('Compare selected', 'Compare the selected runs on the learning curves', () => h.compare());
  compare.id = 'runs-compare';
  const exportCsv = button('Export CSV', 'Export the runs table as CSV', () => h.exportCsv(), 'secondary');
  exportCsv.id = 'runs-export';
  const count = el('span', { className: 'muted runs-count' });
  count.setAttribute('aria-live', 'polite');
  const table = el('table', { id: 'runs-table', className: 'runs-table' });
  table.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    if (box.dataset.runId) h.toggleRow(box.dataset.runId, box.checked);
    else if (box.dataset.all !== undefined) h.toggleAll(box.checked);
  });
  table.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest('button[data-sort]') as HTMLButtonElement | null;
    if (b?.dataset.sort) h.sort(b.dataset.sort);
  });
  const scroller = el('div', { className: 'runs-scroll' }, table);
  const section = el(
    'section',
    { className: 'table-view' },
    el('div', { className: 'runs-toolbar' }, filter, compare, exportCsv, count),
    el('p', { className: 'card-note' }, 'One row per run: the parameters that differ between the runs, then the final metrics. Click a header to sort; tick runs to compare them.'),
    scroller,
  );
  scroller.before(scrollHint(scroller, 'runs-scroll-hint'));
  return { section, filter, compare, count, table };
}

/** The next sort after a click on a header: ascending first, then descending, for any column. */
export function nextSort(current: SortOrder | undefined, key: string): SortOrder {
  return current?.key === key && current.direction === 'asc' ? { key, direction: 'desc' } : { key, direction: 'asc' };
}

/** The rows the table shows now, in order: filtered, then sorted. */
export const shownRows = (table: RunsTable, ui: RunsTableUi): RunsRow[] => sortRows(filterRows(table.rows, table.columns, ui.filter), ui.sort);

function header(col: RunsColumn, sort: SortOrder | undefined): HTMLTableCellElement {
  const direction = sort?.key === col.key ? sort.direction : undefined;
  // The sort control is a real button inside the header: focusable, Enter/Space sort.
  const b = el('button', { type: 'button', className: 'sort' }, col.label, el('span', { className: 'sort-mark' }, direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''));
  b.dataset.sort = col.key;
  b.title = `Sort by ${col.label}`;
  const th = el('th', { scope: 'col', className: `${col.kind} ${col.numeric ? 'num' : 'text'}` }, b);
  th.dataset.key = col.key;
  th.setAttribute('aria-sort', direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none');
  return th;
}

export function renderRunsTable(dom: RunsTableDom, table: RunsTable, ui: RunsTableUi): void {
  if (dom.filter.value !== ui.filter && document.activeElement !== dom.filter) dom.filter.value = ui.filter;
  const rows = shownRows(table, ui);
  const ticked = new Set(ui.selected);
  const all = el('input', { type: 'checkbox' });
  all.dataset.all = '';
  all.setAttribute('aria-label', 'Select all shown runs');
  all.checked = rows.length > 0 && rows.every((r) => ticked.has(r.runId));
  all.indeterminate = !all.checked && rows.some((r) => ticked.has(r.runId));
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col', className: 'pick' }, all),
    header({ key: LABEL_KEY, label: 'Run', kind: 'metric', numeric: false }, ui.sort),
    ...table.columns.map((c) => header(c, ui.sort)),
  );
  const body = rows.map((row) => {
    const box = el('input', { type: 'checkbox' });
    box.dataset.runId = row.runId;
    box.checked = ticked.has(row.runId);
    box.setAttribute('aria-label', `Select ${row.label}`);
    const tr = el(
      'tr',
      {},
      el('td', { className: 'pick' }, box),
      runLabel(row),
      ...table.columns.map((c) => {
        const v = row.values[c.key] ?? null;
        const text = formatCell(c.key, v);
        const td = el('td', { className: c.numeric ? 'num' : 'text' }, c.key === 'status' ? el('span', { className: `status-badge status-${text}` }, text) : text);
        td.dataset.key = c.key;
        return td;
      }),
    );
    tr.dataset.runId = row.runId;
    if (box.checked) tr.classList.add('ticked');
    return tr;
  });
  // The table is rebuilt: keep keyboard focus on the control that had it (a header, a checkbox).
  const focused = document.activeElement instanceof HTMLElement && dom.table.contains(document.activeElement) ? focusKey(document.activeElement) : undefined;
  dom.table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
  if (focused) (dom.table.querySelector(focused) as HTMLElement | null)?.focus();
  // The sticky label column starts where the tick-box column ends (its width depends on the font).
  const pick = dom.table.querySelector('th.pick')?.getBoundingClientRect().width;
  if (pick) dom.table.style.setProperty('--pick-width', `${pick}px`);
  const selectedCount = table.rows.filter((r) => ticked.has(r.runId)).length;
  dom.compare.disabled = selectedCount === 0;
  dom.count.textContent = `${rows.length} of ${table.rows.length} runs shown, ${selectedCount} selected`;
}

/** A selector that finds the same control in the rebuilt table. */
function focusKey(e: HTMLElement): string | undefined {
  if (e.dataset.sort !== undefined) return `button[data-sort="${CSS.escape(e.dataset.sort)}"]`;
  if (e.dataset.runId !== undefined) return `input[data-run-id="${CSS.escape(e.dataset.runId)}"]`;
  if (e.dataset.all !== undefined) return 'input[data-all]';
  return undefined;
}

/** The run's label; its id on hover, since runs of one experiment and seed share a label. */
function runLabel(row: RunsRow): HTMLTableCellElement {
  const th = el('th', { scope: 'row', className: 'run-label' }, row.label);
  th.title = `${row.label}\n${row.runId}`;
  return th;
}
