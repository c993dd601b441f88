// The learning curves' "mean ± 95 %" mode: the runs shown are grouped by experiment settings (name
// and every setting but the seed), and each group is drawn as its mean curve with the 95 % band
// across its seeds (src/protocol/seedGroups.ts groups and computes both; this file only turns them
// into Chart.js datasets), plus the toggle between the two modes.
import type { ChartDataset } from 'chart.js';
import { settingsBands } from '../../src/protocol/seedGroups';
import { el } from './dom';
import type { CurveKey } from './exportData';
import type { CurveMode } from './selection';
import type { RunModel } from './state';
import { withAlpha } from './theme';

type Point = { x: number; y: number | null };

/**
 * Per group of runs (one experiment's settings, several seeds), three datasets: the band's lower
 * edge (invisible), its upper edge filled down to the lower one, and the mean line on top. Where fewer than 2 runs have a value the band has a gap
 * (null) and only the mean is drawn.
 */
export function bandDatasets(runs: RunModel[], key: CurveKey, series: string[]): ChartDataset<'line', Point[]>[] {
  return settingsBands(runs, key).flatMap((group, i) => {
    const colour = series[i % series.length];
    const band = group.band;
    const label = `${group.label} (${group.runs.length} run${group.runs.length === 1 ? '' : 's'})`;
    const edge = (which: 'low' | 'high'): ChartDataset<'line', Point[]> => ({
      label: `${label}: 95 % ${which === 'low' ? 'lower' : 'upper'} bound`,
      data: band.map((p) => ({ x: p.step, y: p[which] })),
      borderWidth: 0,
      pointRadius: 0,
      pointHoverRadius: 0,
      spanGaps: false,
      borderColor: 'transparent',
      backgroundColor: withAlpha(colour, 0.22),
      // The upper edge fills down to the dataset before it: this group's lower edge.
      fill: which === 'high' ? '-1' : false,
      order: 2,
    });
    return [
      edge('low'),
      edge('high'),
      {
        label: `${label}: mean`,
        data: band.map((p) => ({ x: p.step, y: p.mean })),
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        pointRadius: band.length <= 40 ? 1.5 : 0,
        pointHoverRadius: 4,
        fill: false,
        order: 0,
      },
    ];
  });
}

/** Two toggle buttons, "Every run" and "Mean ± 95 %"; aria-pressed says which is on. */
export function buildCurveModeToggle(onChange: (mode: CurveMode) => void): { root: HTMLElement; render(mode: CurveMode): void } {
  const make = (mode: CurveMode, text: string, title: string) => {
    const b = el('button', { type: 'button', className: 'mode-button secondary small' }, text);
    b.dataset.mode = mode;
    b.title = title;
    b.addEventListener('click', () => onChange(mode));
    return b;
  };
  const buttons = [
    make('runs', 'Every run', 'Draw every run shown as its own curve'),
    make('bands', 'Mean ± 95 %', 'Group the runs shown by experiment and settings (all but the seed); draw each group\u2019s mean with its 95 % t-interval across seeds'),
  ];
  // In the bands mode a colour is an experiment, not a run: say so, since the run legend stays.
  const note = el('span', { className: 'muted curve-mode-note' });
  const root = el('div', { className: 'curve-mode' }, el('span', { className: 'muted' }, 'Curves:'), ...buttons, note);
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'How the learning curves show several runs');
  return {
    root,
    render(mode) {
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
      note.textContent =
        mode === 'bands' ? 'One colour per experiment setting (the runs shown, grouped by name and every setting but the seed): the line is their mean, the shade the 95 % t-interval of the mean where ≥ 2 runs have a value.' : '';
    },
  };
}
