// Tiny DOM helpers. Text goes in through text nodes only (never innerHTML): labels come from the
// user's files and the host, and the page's CSP forbids inline styles anyway.

type Props = { className?: string; id?: string; scope?: string; type?: string };

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.id) node.id = props.id;
  if (props.scope) node.setAttribute('scope', props.scope);
  if (props.type) node.setAttribute('type', props.type);
  node.append(...children);
  return node;
}

/** A real <button> (focusable, Enter/Space work) with an accessible name that may differ from its text. */
export function button(text: string, ariaLabel: string, onClick: () => void, className = ''): HTMLButtonElement {
  const b = el('button', { type: 'button', className });
  b.textContent = text;
  b.setAttribute('aria-label', ariaLabel);
  b.title = ariaLabel;
  b.addEventListener('click', onClick);
  return b;
}

/** Term/description pairs for a <dl>, each pair in a <div> (allowed in a dl) so it lays out as one tile. */
export function facts(list: HTMLDListElement, pairs: [string, string | Node][]): void {
  list.replaceChildren(...pairs.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v))));
}

/**
 * A canvas sized to `width` × `height` CSS pixels at the screen's pixel ratio, cleared to `background`;
 * returns its context, scaled so drawing is in CSS pixels. Sizes are CSSOM writes, which the panel's
 * CSP allows (style attributes in markup it would not).
 */
export function paintedCanvas(canvas: HTMLCanvasElement, width: number, height: number, background: string): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  return ctx;
}
