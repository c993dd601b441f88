// What the norms and per-head charts plot, picked out of a run's metrics events. The norms themselves
// are computed by the trainer (src/core/model/weightNorms.ts) and only read here. Pure (no DOM), so it is
// unit-tested in Node.
import type { MetricsEvent } from '../../src/protocol/runEvents';

/** Which weight matrix the norms chart shows: per head W_Q·W_Kᵀ, W_V, W_O, or the layer's MLP. */
export type NormMatrix = 'qk' | 'v' | 'o' | 'mlp';
export type NormKind = 'spectral' | 'frobenius';

export const NORM_MATRICES: { value: NormMatrix; text: string; symbol: string }[] = [
  { value: 'qk', text: 'QK', symbol: 'W_Q·W_Kᵀ' },
  { value: 'v', text: 'V', symbol: 'W_V' },
  { value: 'o', text: 'O', symbol: 'W_O' },
  { value: 'mlp', text: 'MLP', symbol: 'MLP' },
];

export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

/** Layers the run reports norms or per-head attention for (0 for models without attention). */
export function layersOf(metrics: MetricsEvent[]): number {
  return Math.max(0, ...metrics.map((m) => Math.max(m.norms?.length ?? 0, m.attentionPerHead.length)));
}

export const hasNorms = (metrics: MetricsEvent[]) => metrics.some((m) => (m.norms?.length ?? 0) > 0);
export const hasHeadScores = (metrics: MetricsEvent[]) => metrics.some((m) => m.attentionPerHead.some((l) => l.length > 0));

/**
 * One series per head of the layer (or, for the MLP, one per matrix: in and out), over the steps
 * whose metrics carry norms; steps without them (old recordings) are left out rather than drawn as 0.
 */
export function normSeries(metrics: MetricsEvent[], layer: number, matrix: NormMatrix, kind: NormKind): Series[] {
  const withNorms = metrics.filter((m) => m.norms?.[layer]);
  if (matrix === 'mlp') {
    return (['in', 'out'] as const).map((which) => ({
      label: `MLP ${which === 'in' ? 'W_in' : 'W_out'}`,
      points: withNorms.map((m) => ({ x: m.step, y: m.norms![layer].mlp[which][kind] })),
    }));
  }
  const heads = Math.max(0, ...withNorms.map((m) => m.norms![layer].heads.length));
  return Array.from({ length: heads }, (_, h) => ({
    label: `head ${h + 1}`,
    points: withNorms.filter((m) => m.norms![layer].heads[h]).map((m) => ({ x: m.step, y: m.norms![layer].heads[h][matrix][kind] })),
  }));
}

/** The variable-creation score of every head of the layer over training ([CLS] mass on the relevant bits). */
export function headCreationSeries(metrics: MetricsEvent[], layer: number): Series[] {
  const heads = Math.max(0, ...metrics.map((m) => m.attentionPerHead[layer]?.length ?? 0));
  return Array.from({ length: heads }, (_, h) => ({
    label: `head ${h + 1}`,
    points: metrics.filter((m) => m.attentionPerHead[layer]?.[h] !== undefined).map((m) => ({ x: m.step, y: m.attentionPerHead[layer][h] })),
  }));
}
