// The authoring form: draws a control for every field of the file's JSON Schema (sent by the host),
// validates on every edit through the host (the CLI's schema), and offers Save / Run / Run Sweep.
import '../results/zodConfig';
import { FormToHost, HostToForm } from '../../src/protocol/panelMessages';
import { type Rendered, renderFields } from './renderFields';
import { type JsonSchema, formFields } from './schemaFields';
import { button } from './toolkit';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const vscode = acquireVsCodeApi();
const send = (m: FormToHost) => vscode.postMessage(m);

let spec: Record<string, unknown> = {};
let kind: 'experiment' | 'sweep' = 'experiment';
let file: string | null = null;
let trusted = false;
let schema: JsonSchema = {};
let hostProblems: string[] = [];
/** Problems the webview found itself (text that is not JSON), by path; kept until that control is fixed. */
const localProblems = new Map<string, string>();
const controls = new Map<string, Rendered>();
const branchChoice = new Map<string, number>();
const root = document.getElementById('form')!;

function render(): void {
  root.replaceChildren();
  controls.clear();
  const header = document.createElement('p');
  header.className = 'file';
  header.textContent = file ? `Editing ${file}` : 'No experiment file open: Save creates one.';
  const general = document.createElement('ul');
  general.id = 'problems';
  general.setAttribute('aria-live', 'polite');
  root.append(header, general);
  renderFields(formFields(schema), root, {
    spec: () => spec,
    edit: (next) => {
      spec = next;
      send({ type: 'edit', spec });
    },
    localProblem: (path, problem) => {
      if (problem) localProblems.set(path, problem);
      else localProblems.delete(path);
      showProblems();
    },
    rerender: () => {
      render();
      showProblems();
    },
    controls,
    branchChoice,
  });
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

/** The control a problem's path belongs to: itself, or the nearest enclosing one (`compareWith.0.model.heads` → `compareWith`). */
function controlFor(path: string): Rendered | undefined {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const c = controls.get(p);
    if (c) return c;
  }
  return undefined;
}

function showProblems(): void {
  for (const { error } of controls.values()) error.textContent = '';
  const general = document.getElementById('problems')!;
  general.replaceChildren();
  for (const p of [...localProblems.values(), ...hostProblems]) {
    const colon = p.indexOf(':');
    const target = colon > 0 ? controlFor(p.slice(0, colon)) : undefined;
    if (target) target.error.textContent = [target.error.textContent, p.slice(colon + 1).trim()].filter(Boolean).join('; ');
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
    ({ spec, kind, file, trusted } = msg);
    schema = msg.schema as JsonSchema;
    hostProblems = msg.problems;
    localProblems.clear();
    branchChoice.clear();
    render();
  } else {
    hostProblems = msg.problems;
  }
  showProblems();
});

send({ type: 'ready' });
