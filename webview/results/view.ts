// What every part of the results page is to main.ts: a view owns its DOM and its own state (charts,
// the heatmap drawn last, control choices) and redraws itself from the panel's model when asked.
// main.ts only asks each view whether a message's change concerns it, and the render scheduler
// coalesces those asks into a few redraws per second.
import type { Change } from './state';
import type { Theme } from './theme';

/** Where a view's nodes go: in the run page, in the sweep page, or on the panel itself. */
export type Page = 'run' | 'sweep' | 'panel';

export interface PanelView {
  /** Its name for the render scheduler (unique). */
  readonly id: string;
  /** Its DOM, placed in `page` in the order of `slot` (lower first). */
  readonly nodes: HTMLElement[];
  readonly page: Page;
  readonly slot: number;
  /** Whether this message's change needs a redraw of this view (a change of selection redraws all). */
  wants(change: Change): boolean;
  /** Redraws from the panel's model; a view not shown now does nothing. */
  render(): void;
  /** For views placed on the panel: whether they are shown now (the page frame hides the others). */
  shown?(): boolean;
  /** Rebuilds theme-coloured pieces (charts) after the editor's theme changed. */
  retheme?(theme: Theme): void;
}
