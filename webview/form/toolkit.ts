// The only module that knows about @vscode/webview-ui-toolkit: swap the component library here.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField());

export interface Control {
  element: HTMLElement;
  /** Current value as typed (string), or a checkbox's "true" / "false". */
  value(): string;
  set(v: string): void;
  /** Text the browser could not read as a number (a number field then reports an empty value). */
  badInput?(): boolean;
}

export interface ControlOptions {
  id: string;
  label: string;
  /** id of the element holding the help text, for screen readers. */
  describedBy?: string;
  placeholder?: string;
  onChange: () => void;
}

type Field = HTMLElement & { value: string; placeholder: string; control?: HTMLInputElement };

/** A toolkit element carrying the control's id, its label (as its text unless `text` is false) and its help for screen readers. */
function labelled<T extends HTMLElement>(tag: string, o: ControlOptions, text = true): T {
  const el = document.createElement(tag) as T;
  el.id = o.id;
  if (text) el.textContent = o.label;
  el.setAttribute('aria-label', o.label);
  if (o.describedBy) el.setAttribute('aria-describedby', o.describedBy);
  return el;
}

/** A text field; `number` makes its input numeric, with the schema's bounds (min/max are forwarded once it renders). */
export function textField(o: ControlOptions, number?: { min?: number; max?: number; integer: boolean }): Control {
  const el = labelled<Field>('vscode-text-field', o);
  if (o.placeholder) el.setAttribute('placeholder', o.placeholder);
  if (number) {
    el.setAttribute('type', 'number');
    // The toolkit forwards `type` to its inner <input> but not min/max/step: set them there once it exists.
    queueMicrotask(() => {
      const input = el.control;
      if (!input) return;
      input.step = number.integer ? '1' : 'any';
      if (number.min !== undefined) input.min = String(number.min);
      if (number.max !== undefined) input.max = String(number.max);
    });
  }
  el.addEventListener('input', o.onChange);
  return { element: el, value: () => el.value, set: (v) => (el.value = v), badInput: () => el.control?.validity.badInput === true };
}

/** A multi-line JSON editor; read on change (leaving the field), not on every keystroke of half-typed JSON. */
export function textArea(o: ControlOptions): Control {
  const el = labelled<Field & { rows: number }>('vscode-text-area', o);
  if (o.placeholder) el.setAttribute('placeholder', o.placeholder);
  el.setAttribute('resize', 'vertical');
  // Grows with its content (up to a screenful) so a short value does not look like a big empty box.
  const fit = () => (el.rows = Math.min(12, Math.max(1, (el.value ?? '').split('\n').length)));
  el.addEventListener('input', fit);
  el.addEventListener('change', o.onChange);
  return {
    element: el,
    value: () => el.value,
    set: (v) => {
      el.value = v;
      fit();
    },
  };
}

export function dropdown(o: ControlOptions, options: string[]): Control {
  const wrap = document.createElement('div');
  wrap.className = 'dropdown-field';
  const lab = document.createElement('label');
  lab.htmlFor = o.id;
  lab.textContent = o.label;
  const el = labelled<HTMLElement & { value: string }>('vscode-dropdown', o, false);
  for (const opt of options) {
    const option = document.createElement('vscode-option') as HTMLElement & { value: string };
    option.setAttribute('value', opt);
    option.textContent = opt === '' ? '(not set)' : opt;
    el.appendChild(option);
  }
  el.addEventListener('change', o.onChange);
  wrap.append(lab, el);
  return { element: wrap, value: () => el.value, set: (v) => (el.value = v) };
}

export function checkbox(o: ControlOptions): Control {
  const el = labelled<HTMLElement & { checked: boolean }>('vscode-checkbox', o);
  el.addEventListener('change', o.onChange);
  return { element: el, value: () => String(el.checked), set: (v) => (el.checked = v === 'true') };
}

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'primary'): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', appearance);
  el.addEventListener('click', onClick);
  return el;
}
