// The authoring form: renders the fields of the file being edited, validates on every keystroke
// through the host (the CLI's schema), and offers Save / Run / Run Sweep.
import { FormToHost, HostToForm } from '../../src/protocol/panelMessages';
import { EXPERIMENT_FIELDS, type Field, SWEEP_FIELDS, formatValue, getPath, parseValue, setPath } from './fields';
import { type Control, button, dropdown, textField } from './toolkit';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const vscode = acquireVsCodeApi();
const send = (m: FormToHost) => vscode.postMessage(m);

let spec: Record<string, unknown> = {};
let kind: 'experiment' | 'sweep' = 'experiment';
const controls = new Map<string, { field: Field; control: Control; error: HTMLElement }>();
const root = document.getElementById('form')!;

function render(file: string | null, trusted: boolean): void {
  root.replaceChildren();
  controls.clear();
  const header = document.createElement('p');
  header.className = 'file';
  header.textContent = file ? `Editing ${file}` : 'No experiment file open: Save creates one.';
  const general = document.createElement('ul');
  general.id = 'problems';
  general.setAttribute('aria-live', 'polite');
  root.append(header, general);
  for (const { section, fields } of kind === 'sweep' ? SWEEP_FIELDS : EXPERIMENT_FIELDS) {
    const fs = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = section;
    fs.append(legend);
    for (const field of fields) {
      const id = `f-${field.path.replace(/\./g, '-')}`;
      const onInput = () => {
        spec = setPath(spec, field.path, parseValue(field.type, control.value()));
        send({ type: 'edit', spec });
      };
      const control = field.type === 'enum' ? dropdown(id, field.label, field.options!, onInput) : textField(id, field.label, onInput);
      control.set(formatValue(getPath(spec, field.path)));
      const error = document.createElement('div');
      error.className = 'error';
      error.setAttribute('role', 'alert');
      fs.append(control.element, error);
      controls.set(field.path, { field, control, error });
    }
    root.append(fs);
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(button('Save', () => send({ type: 'save' }), 'secondary'));
  if (trusted) actions.append(kind === 'sweep' ? button('Run Sweep', () => send({ type: 'runSweep' })) : button('Run', () => send({ type: 'run' })));
  else {
    const note = document.createElement('p');
    note.textContent = 'Running is disabled in an untrusted workspace.';
    actions.append(note);
  }
  root.append(actions);
}

function showProblems(problems: string[]): void {
  for (const { error } of controls.values()) error.textContent = '';
  const general = document.getElementById('problems')!;
  general.replaceChildren();
  for (const p of problems) {
    const path = p.slice(0, p.indexOf(':'));
    const target = controls.get(path) ?? controls.get(path.replace(/\.\d+$/, ''));
    if (target) target.error.textContent = p.slice(p.indexOf(':') + 1).trim();
    else {
      const li = document.createElement('li');
      li.textContent = p;
      general.append(li);
    }
  }
}

window.addEventListener('message', (event) => {
  const parsed = HostToForm.safeParse(event.data);
  if (!parsed.success) {
    console.warn('ignored an invalid message', event.data);
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'load') {
    spec = msg.spec;
    kind = msg.kind;
    render(msg.file, msg.trusted);
    showProblems(msg.problems);
  } else {
    showProblems(msg.problems);
  }
});

send({ type: 'ready' });
