// The small DOM pieces around the charts: the run/sweep picker, the facts line of a run or sweep,
// and the run legend that toggles curves. Each replaces its container's content from the model.
import { formatValue } from './curves';
import { button, el, facts } from './dom';
import type { ViewKey } from './selection';
import { type PanelModel, type RunModel, type SweepModel, latestMetrics } from './state';

/** Rebuilds the picker only when its options changed (a rebuild would close it under the user's pointer). */
export function renderPicker(picker: HTMLSelectElement, wrap: HTMLElement, model: PanelModel, selected: ViewKey | undefined): void {
  const runs = model.runs.map((r) => ({ value: `run:${r.runId}`, text: `${r.label} — ${r.status}` }));
  const sweeps = model.sweeps.map((s) => ({ value: `sweep:${s.sweepId}`, text: `${s.name} (sweep) — ${s.status}` }));
  // The runs table compares runs: offered once there are two.
  const overview = model.runs.length >= 2 ? [{ value: 'table', text: 'Runs table' }] : [];
  const signature = JSON.stringify([runs, sweeps, overview]);
  if (picker.dataset.signature !== signature) {
    picker.dataset.signature = signature;
    const group = (label: string, items: { value: string; text: string }[]) => {
      const g = el('optgroup');
      g.label = label;
      for (const item of items) {
        const o = el('option', {}, item.text);
        o.value = item.value;
        g.append(o);
      }
      return g;
    };
    picker.replaceChildren(...(overview.length ? [group('Overview', overview)] : []), ...(runs.length ? [group('Runs', runs)] : []), ...(sweeps.length ? [group('Sweeps', sweeps)] : []));
  }
  if (selected) picker.value = selected;
  // One thing to show needs no picker.
  wrap.hidden = runs.length + sweeps.length + overview.length < 2;
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

export function renderRunFacts(list: HTMLDListElement, problem: HTMLElement, run: RunModel): void {
  const m = latestMetrics(run);
  const spec = run.started?.spec;
  const maxSteps = str(at(spec, 'training', 'maxSteps'));
  const task = spec ? [str(at(spec, 'task', 'kind')), `T = ${str(at(spec, 'task', 'T')) ?? '?'}`, `s = ${str(at(spec, 'task', 's')) ?? '?'}`].filter(Boolean).join(', ') : '–';
  const arch = str(at(spec, 'model', 'arch'));
  const model = spec
    ? `${arch ?? '?'} ${arch === 'mlp' ? '' : `${str(at(spec, 'model', 'layers')) ?? '?'} layer × ${str(at(spec, 'model', 'heads')) ?? '?'} heads, `}d = ${str(at(spec, 'model', 'dModel')) ?? '?'}`
    : '–';
  const s = run.summary;
  const pairs: [string, string][] = [
    ['Step', m ? `${m.step}${maxSteps ? ` / ${maxSteps}` : ''}` : '–'],
    ['Test accuracy', percent(s?.testAccuracy ?? m?.testAccuracy)],
    ['Train accuracy', percent(s?.trainAccuracy ?? m?.trainAccuracy)],
    ['Loss', formatValue(m?.loss)],
    ['Variable creation', percent(s?.attentionOnRelevant ?? m?.attentionOnRelevant)],
    ['Relevant bits', run.started ? run.started.relevant.join(', ') : '–'],
    ['Task', task],
    ['Model', model],
    ['Parameters', run.started ? run.started.parameterCount.toLocaleString('en-US') : '–'],
    ['Backend', s?.backend ?? run.started?.backend ?? '–'],
    ['Time', s ? `${s.wallSeconds.toFixed(1)} s` : m ? `${m.elapsedSeconds.toFixed(1)} s` : '–'],
  ];
  facts(list, pairs);
  problem.textContent = run.failure ? `Failed: ${run.failure}` : '';
  problem.hidden = !run.failure;
}

export function renderSweepFacts(list: HTMLDListElement, sweep: SweepModel): void {
  const progress = el('progress');
  // plannedRuns is an upper bound: a bisect search usually needs fewer, so a finished sweep is full.
  const planned = sweep.summary ? sweep.runsDone : sweep.plannedRuns;
  progress.max = Math.max(1, planned);
  progress.value = sweep.runsDone;
  progress.setAttribute('aria-label', 'Runs done');
  const done = el('span', { className: 'progress' }, progress, ` ${sweep.runsDone} / ${planned} runs`);
  const pairs: [string, string | Node][] = [['Progress', done]];
  if (sweep.successRate !== null) pairs.push(['Success needs', `${Math.round(sweep.successRate * 100)}% of seeds`]);
  if (sweep.queue) pairs.push(['Queue workers', `${sweep.queue.workers} connected${sweep.queue.hosts.length ? ` (${sweep.queue.hosts.join(', ')})` : ''}`]);
  if (sweep.active.length) {
    const shown = sweep.active.slice(0, 4).map((c) => `${c.variant} T=${c.T} m=${c.m}`);
    pairs.push(['Training now', shown.join('; ') + (sweep.active.length > 4 ? ` and ${sweep.active.length - 4} more` : '')]);
  }
  const s = sweep.summary;
  if (s) pairs.push(['Runs', `${s.runsExecuted} trained, ${s.runsReused} reused, ${s.runsFailed} crashed`], ['Time', `${s.wallSeconds.toFixed(0)} s`]);
  if (s?.reason) pairs.push([s.status === 'incomplete' ? 'Incomplete' : 'Note', s.reason]);
  facts(list, pairs);
}

/** One toggle button per run: pressed means its curves are shown. */
export function renderLegend(container: HTMLElement, runs: RunModel[], colourIndex: Map<string, number>, hidden: Set<string>, onToggle: (runId: string) => void): void {
  const signature = JSON.stringify(runs.map((r) => [r.runId, r.label, hidden.has(r.runId)]));
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.runId : undefined;
  const buttons = runs.map((r) => {
    const shown = !hidden.has(r.runId);
    const b = button('', `${shown ? 'Hide' : 'Show'} ${r.label} on the learning curves`, () => onToggle(r.runId), 'legend-item');
    const swatch = el('span', { className: `swatch series-${colourIndex.get(r.runId) ?? 0}` });
    swatch.setAttribute('aria-hidden', 'true');
    b.append(swatch, r.label);
    b.setAttribute('aria-pressed', String(shown));
    b.dataset.runId = r.runId;
    return b;
  });
  container.replaceChildren(...buttons);
  // Rebuilding must not steal keyboard focus from the button just pressed.
  if (focused) buttons.find((b) => b.dataset.runId === focused)?.focus();
}
