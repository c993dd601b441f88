// The only module that knows about @vscode/webview-ui-toolkit: swap the component library here.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption, vsCodeTextField } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());

export interface Control {
  element: HTMLElement;
  /** Current value as typed (string). */
  value(): string;
  set(v: string): void;
}

export function textField(id: string, label: string, onInput: () => void): Control {
  const el = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  el.id = id;
  el.textContent = label;
  el.setAttribute('aria-label', label);
  el.addEventListener('input', onInput);
  return { element: el, value: () => el.value, set: (v) => (el.value = v) };
}

export function dropdown(id: string, label: string, options: string[], onInput: () => void): Control {
  const wrap = document.createElement('div');
  wrap.className = 'dropdown-field';
  const lab = document.createElement('label');
  lab.htmlFor = id;
  lab.textContent = label;
  const el = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  el.id = id;
  el.setAttribute('aria-label', label);
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o);
    opt.textContent = o;
    el.appendChild(opt);
  }
  el.addEventListener('change', onInput);
  wrap.append(lab, el);
  return { element: wrap, value: () => el.value, set: (v) => (el.value = v) };
}

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'primary'): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', appearance);
  el.addEventListener('click', onClick);
  return el;
}
