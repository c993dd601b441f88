// The m*(T) chart's controls (log y, all three fits) and how the verdict is marked: the variants'
// block is #sweep-verdict, with data-provisional while the sweep runs (the verdict's own words,
// computed in src/core, then start "Provisional (n of N runs): …"), and each variant's next step.
import type { VariantResult } from '../../src/protocol/sweepEvents';
import { el } from './dom';
import type { SampleComplexityChart } from './sampleComplexityChart';
import type { SweepModel } from './state';

function checkbox(id: string, text: string, title: string, onChange: (on: boolean) => void): { box: HTMLInputElement; label: HTMLLabelElement } {
  const box = el('input', { type: 'checkbox', id });
  const label = el('label', { className: 'chart-toggle' }, box, ` ${text}`);
  label.title = title;
  box.addEventListener('change', () => onChange(box.checked));
  return { box, label };
}

/** The toggles above the m*(T) chart; they follow the chart (log y switches itself on for wide ranges). */
export function mstarToolbar(chart: SampleComplexityChart): HTMLElement {
  const logY = checkbox('mstar-logy', 'log y', 'Logarithmic m* axis: on by itself when the variants\u2019 m* differ by more than 5\u00d7', (on) => chart.setLogY(on));
  const allFits = checkbox('mstar-allfits', 'all three fits', 'Also draw the two fits that are not best (dashed); the best is solid', (on) => chart.setAllFits(on));
  chart.onChange = () => {
    logY.box.checked = chart.logY();
  };
  const bar = el('div', { className: 'chart-toggles' }, logY.label, allFits.label);
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'm*(T) chart options');
  return bar;
}

/** Whether what is shown may still change: a sweep without its summary is still running. */
export const isProvisional = (sweep: SweepModel) => !sweep.summary || sweep.variants.some((v) => v.provisional === true);

/** Marks the verdict block provisional or final (tests and e2e read data-provisional). */
export function markVerdict(container: HTMLElement, sweep: SweepModel): void {
  container.id = 'sweep-verdict';
  container.dataset.provisional = String(isProvisional(sweep));
}

/** The next step under a verdict with no clear winner; nothing otherwise. */
export function nextStepNode(v: VariantResult): HTMLElement[] {
  return v.nextStep ? [el('p', { className: 'next-step' }, v.nextStep)] : [];
}
