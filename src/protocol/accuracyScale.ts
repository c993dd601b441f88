// The accuracy heatmap's colours: viridis (perceptually even, readable in grey, colour-blind safe)
// from 0.5 — chance for a balanced Boolean target, the floor that matters — to 1.0, with numbered
// ticks. Below 0.5 reads as 0.5. Shared by the panel and the report so both colour a cell alike.

const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export const SCALE_LOW = 0.5;
export const SCALE_HIGH = 1;
export const SCALE_TICKS = [0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Where an accuracy sits on the scale, 0 … 1. */
export const scalePosition = (v: number) => Math.min(1, Math.max(0, (v - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)));

/** The colour of an accuracy as "rgb(r,g,b)". */
export function accuracyColour(v: number): string {
  const t = scalePosition(v) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const [r, g, b] = STOPS[i].map((c, k) => Math.round(c + (STOPS[i + 1][k] - c) * f));
  return `rgb(${r},${g},${b})`;
}

/** Dark text on the bright end, light text on the dark end. */
export const textOn = (v: number) => (scalePosition(v) > 0.6 ? '#111' : '#fff');
