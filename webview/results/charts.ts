// The one place Chart.js is configured: only the pieces the panel uses are registered (a smaller
// bundle), and the defaults follow the editor theme.
import { Chart, Filler, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { Theme } from './theme';

// Filler: the 95 % bands of the mean ± 95 % curves.
Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Filler);

/** Sets the colours and font new charts pick up; charts are rebuilt on a theme change. */
export function applyChartTheme(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 1);
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
}

export { Chart };
