// A sweep with `until`: each model's bootstrap support after every round against the runs spent, with
// the goal as a line, so a reader sees how the question was answered (or why it was not). Drawn as an
// SVG of attributes only (the panel's CSP forbids inline styles); the numbers come from the
// until-progress events (core/sweep/untilPolicy.ts computes them), the view only draws them.
import { MODELS, MODEL_WORDS } from '../../src/protocol/fitModels';
import type { UntilProgress } from '../../src/protocol/sweepEvents';
import type { z } from 'zod';
import { el } from './dom';
import type { Panel } from './panel';
import type { Change } from './state';
import type { PanelView } from './view';

type Round = z.infer<typeof UntilProgress>;
const SVG = 'http://www.w3.org/2000/svg';
const W = 480;
const H = 200;
const PAD = 32;
/** One dash pattern per model, so the lines differ without relying on colour alone. */
const DASH = { log: '', linear: '6 3', power: '2 3' } as const;

function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** The chart: support 0–1 up, runs spent right, one polyline per model, the goal dashed across. */
export function untilSvg(rounds: Round[], goal: number | null): SVGElement {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'until-chart' });
  const maxRuns = Math.max(1, ...rounds.map((r) => r.runsSpent));
  const x = (runs: number) => PAD + ((W - 2 * PAD) * runs) / maxRuns;
  const y = (share: number) => H - PAD - (H - 2 * PAD) * share;
  svg.append(svgEl('line', { x1: PAD, y1: y(0), x2: W - PAD, y2: y(0), stroke: 'currentColor' }), svgEl('line', { x1: PAD, y1: y(0), x2: PAD, y2: y(1), stroke: 'currentColor' }));
  if (goal !== null) svg.append(svgEl('line', { x1: PAD, y1: y(goal), x2: W - PAD, y2: y(goal), stroke: 'currentColor', 'stroke-dasharray': '1 4', class: 'until-goal' }));
  for (const model of MODELS) {
    const pts = rounds.filter((r) => r.support).map((r) => `${x(r.runsSpent).toFixed(1)},${y(r.support![model]).toFixed(1)}`);
    if (!pts.length) continue;
    const line = svgEl('polyline', { points: pts.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-dasharray': DASH[model], 'data-model': model });
    line.append(Object.assign(document.createElementNS(SVG, 'title'), { textContent: MODEL_WORDS[model] }));
    svg.append(line);
  }
  const label = (text: string, lx: number, ly: number) => Object.assign(svgEl('text', { x: lx, y: ly, 'font-size': 10, fill: 'currentColor' }), { textContent: text });
  svg.append(label('1', 4, y(1) + 4), label('0', 4, y(0) + 4), label(`${maxRuns} runs`, W - PAD - 30, H - 8));
  return svg;
}

export class UntilView implements PanelView {
  readonly id = 'until';
  readonly page = 'sweep';
  readonly slot = 75;
  readonly nodes: HTMLElement[];
  private readonly box = el('div', { id: 'until-progress' });

  constructor(private readonly panel: Panel) {
    const legend = MODELS.map((m) => `${MODEL_WORDS[m]} ${DASH[m] ? `(${DASH[m] === '6 3' ? 'dashed' : 'dotted'})` : '(solid)'}`).join(', ');
    this.nodes = [el('div', { className: 'section-head' }, el('h2', {}, 'Support against runs spent')), el('p', { className: 'card-note' }, `Sweeps with "until": each model's share of the bootstrap resamples after every round — ${legend}; the faint line is the goal.`), this.box];
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || change.kind === 'sweep';
  }

  render(): void {
    const sweep = this.panel.selectedSweep();
    if (!sweep) return;
    const rounds = [...(sweep.untilProgress ?? [])].sort((a, b) => a.round - b.round);
    const shown = rounds.length > 0;
    for (const n of this.nodes) n.hidden = !shown;
    if (!shown) return;
    const last = rounds[rounds.length - 1];
    // The verdict under the chart says whether the goal was reached (verdictWords.ts); here only why the rounds stopped.
    const words = last.stopped ? `Stopped after round ${last.round}: ${last.stopped}.` : `Round ${last.round}: ${last.runsSpent} runs spent.`;
    this.box.replaceChildren(untilSvg(rounds, last.goal ?? null), el('p', { className: 'readout' }, words));
    this.box.dataset.rounds = String(rounds.length);
  }
}
