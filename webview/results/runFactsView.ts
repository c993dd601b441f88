// The facts line at the top of a run's page (step, accuracies, loss, variable creation, task,
// model, parameters, backend, time) and the run's failure, if it failed.
import { backendFact } from '../../src/protocol/backendLabel';
import { formatValue } from './curves';
import { el, facts } from './dom';
import type { Panel } from './panel';
import { type Change, type RunModel, latestMetrics } from './state';
import type { PanelView } from './view';

export class RunFactsView implements PanelView {
  readonly id = 'run';
  readonly page = 'run';
  readonly slot = 10;
  private readonly list = el('dl', { className: 'facts' });
  private readonly problem = el('p', { className: 'problem' });
  readonly nodes = [this.list, this.problem];

  constructor(private readonly panel: Panel) {
    this.problem.setAttribute('role', 'alert');
  }

  wants(change: Change): boolean {
    if (change.kind !== 'run') return change.kind === 'snapshot';
    return change.part === 'info' || (change.part === 'metrics' && this.panel.ui.selected === `run:${change.runId}`);
  }

  render(): void {
    const run = this.panel.selectedRun();
    if (run) renderRunFacts(this.list, this.problem, run);
  }
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

function renderRunFacts(list: HTMLDListElement, problem: HTMLElement, run: RunModel): void {
  const m = latestMetrics(run);
  const spec = run.started?.spec;
  const maxSteps = str(spec?.training?.maxSteps);
  const task = spec ? [str(spec?.task?.kind), `T = ${str(spec?.task?.T) ?? '?'}`, `s = ${str(spec?.task?.s) ?? '?'}`].filter(Boolean).join(', ') : '–';
  const arch = str(spec?.model?.arch);
  const model = spec
    ? `${arch ?? '?'} ${arch === 'mlp' ? '' : `${str(spec?.model?.layers) ?? '?'} layer × ${str(spec?.model?.heads) ?? '?'} heads, `}d = ${str(spec?.model?.dModel) ?? '?'}`
    : '–';
  const s = run.summary;
  const b = s ?? run.started;
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
    ['Backend', b ? backendFact(b.backend, b.adapter) : '–'],
    ['Time', s ? `${s.wallSeconds.toFixed(1)} s` : m ? `${m.elapsedSeconds.toFixed(1)} s` : '–'],
  ];
  facts(list, pairs);
  problem.textContent = run.failure ? `Failed: ${run.failure}` : '';
  problem.hidden = !run.failure;
}
