// A hint beside a horizontally scrolling box, shown only while some of its content lies out of view
// to the right: in a narrow panel the runs table's last columns (accuracy, backend, status) were
// simply not seen, since nothing said the table scrolls.
import { el } from './dom';

/** Returns the hint element; keeps it in step with the box's size, content and scroll position. */
export function scrollHint(box: HTMLElement, id: string): HTMLElement {
  const hint = el('p', { id, className: 'scroll-hint muted' }, 'More columns to the right: scroll sideways →');
  hint.setAttribute('aria-live', 'polite');
  hint.hidden = true;
  const update = () => {
    hint.hidden = !(box.scrollWidth - box.clientWidth - box.scrollLeft > 1);
  };
  box.addEventListener('scroll', update, { passive: true });
  new ResizeObserver(update).observe(box);
  new MutationObserver(update).observe(box, { childList: true, subtree: true });
  return hint;
}
