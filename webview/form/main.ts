// The authoring form: draws a control for every field of the file's JSON Schema (sent by the host),
// validates on every edit through the host (the CLI's schema), and offers Save / Run / Run Sweep.
import '../results/zodConfig';
import { FormToHost, HostToForm } from '../../src/protocol/panelMessages';
import { formLayout } from './formLayout';
import { type FormContext, type Rendered, renderFields } from './renderFields';
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
let rendered = false;

/** The id of the control holding focus and its caret, to put both back after a redraw. */
function focusedControl(): { id: string; start: number | null; end: number | null } | undefined {
  const active = document.activeElement as (HTMLElement & { shadowRoot?: ShadowRoot | null }) | null;
  const host = active?.closest?.('[id^="f-"]') as HTMLElement | null;
  if (!host) return undefined;
  const inner = host.shadowRoot?.activeElement as HTMLInputElement | null;
  return { id: host.id, start: inner?.selectionStart ?? null, end: inner?.selectionEnd ?? null };
}

function restoreFocus(f: { id: string; start: number | null; end: number | null }): void {
  const host = document.getElementById(f.id) as (HTMLElement & { focus(): void }) | null;
  host?.focus();
  const inner = host?.shadowRoot?.querySelector('input, textarea') as HTMLInputElement | null;
  if (inner && f.start !== null) inner.setSelectionRange(f.start, f.end ?? f.start);
}

// Ctrl/Cmd+A selects the text of the control being typed in; without this the webview passed the
// keystroke on to the editor, which selected the whole JSON file (and the next key replaced it).
document.addEventListener(
  'keydown',
  (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'a') e.stopPropagation();
  },
);

function render(): void {
  root.replaceChildren();
  controls.clear();
  const header = document.createElement('p');
  header.className = 'file';
  header.textContent = file ? `Editing ${file}` : 'No experiment file open: Save creates one.';
  const general = document.createElement('ul');
  general.id = 'problems';
  general.setAttribute('aria-live', 'polite');
  // Save / Run stay in view (sticky) however far the form scrolls.
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.append(header, actions());
  const lead = document.createElement('section');
  lead.id = 'f-lead';
  lead.setAttribute('aria-label', 'What the experiment measures');
  root.append(bar, general, lead);
  const { lead: leadFields, rest } = formLayout(formFields(schema));
  const ctx: FormContext = {
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
  };
  renderFields(leadFields, lead, ctx);
  renderFields(rest, root, ctx);
}

function actions(): HTMLElement {
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(button('Save', () => send({ type: 'save' }), 'secondary'));
  if (trusted) actions.append(kind === 'sweep' ? button('Run Sweep', () => send({ type: 'runSweep' })) : button('Run', () => send({ type: 'run' })));
  else {
    const note = document.createElement('p');
    note.textContent = 'Running is disabled in an untrusted workspace.';
    actions.append(note);
  }
  return actions;
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
    // The file as it stands equals what the form holds (the host's echo of our own edit, or a
    // reload of the same file): keep the controls as they are, so the one being typed in keeps its
    // focus, caret and pending text. Only a real change (a hand edit, another file) redraws.
    const sameFile = msg.file === file;
    if (sameFile && msg.kind === kind && JSON.stringify(msg.spec) === JSON.stringify(spec) && rendered) {
      hostProblems = msg.problems;
      trusted = msg.trusted;
      showProblems();
      return;
    }
    const focus = sameFile ? focusedControl() : undefined;
    ({ spec, kind, file, trusted } = msg);
    schema = msg.schema as JsonSchema;
    hostProblems = msg.problems;
    localProblems.clear();
    branchChoice.clear();
    render();
    rendered = true;
    if (focus) restoreFocus(focus);
    // Another file: start at its top, where its experiment's settings are.
    else window.scrollTo(0, 0);
  } else {
    hostProblems = msg.problems;
  }
  showProblems();
});

send({ type: 'ready' });
