// Draws the fields the schema walk produced with the toolkit's components: objects as nested
// fieldsets, unions as a choice of form plus that form's fields, every other kind as one control.
// Holds no state of its own: the spec, edits and problems belong to main.ts.
import { activeBranch, applyInput, chooseBranch, displayValue, dropdownOptions, getPath } from './fieldValues';
import type { FormField } from './schemaFields';
import { type Control, checkbox, dropdown, textArea, textField } from './toolkit';

export interface Rendered {
  field: FormField;
  control: Control;
  error: HTMLElement;
}

export interface FormContext {
  spec(): Record<string, unknown>;
  /** A control changed the spec: keep it and send it to the host for validation and writing. */
  edit(next: Record<string, unknown>): void;
  /** A problem found in the webview itself (text that is not JSON, not a number), or undefined to clear it. */
  localProblem(path: string, problem: string | undefined): void;
  /** The shape of a union changed: draw the form again. */
  rerender(): void;
  /** Controls by path, for placing the host's `path: message` problems. */
  controls: Map<string, Rendered>;
  /** The form the user chose for a union whose value is still empty. */
  branchChoice: Map<string, number>;
}

const idOf = (path: string) => `f-${path.replace(/\./g, '-')}`;

function helpText(id: string, text: string): HTMLElement {
  const help = document.createElement('div');
  help.className = 'help';
  help.id = id;
  help.textContent = text;
  return help;
}

function errorLine(): HTMLElement {
  const error = document.createElement('div');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  return error;
}

export function renderFields(fields: FormField[], parent: HTMLElement, ctx: FormContext): void {
  for (const field of fields) {
    if (field.kind === 'group') parent.append(group(field, ctx));
    else if (field.kind === 'union') parent.append(union(field, ctx));
    else parent.append(...leaf(field, ctx));
  }
}

function fieldset(field: FormField): HTMLFieldSetElement {
  const fs = document.createElement('fieldset');
  fs.id = `${idOf(field.path)}--group`;
  const legend = document.createElement('legend');
  legend.textContent = field.label;
  fs.append(legend);
  if (field.help) fs.append(helpText(`${fs.id}-help`, field.help));
  return fs;
}

function group(field: FormField, ctx: FormContext): HTMLElement {
  const fs = fieldset(field);
  renderFields(field.children ?? [], fs, ctx);
  return fs;
}

function union(field: FormField, ctx: FormContext): HTMLElement {
  const fs = fieldset(field);
  const branches = field.branches ?? [];
  const value = getPath(ctx.spec(), field.path);
  const active = value === undefined ? (ctx.branchChoice.get(field.path) ?? 0) : activeBranch(field, ctx.spec());
  const id = `${idOf(field.path)}--form`;
  const labels = branches.map((b) => b.label);
  const onChange = () => {
    const index = labels.indexOf(choice.value());
    if (index < 0 || index === active) return;
    ctx.branchChoice.set(field.path, index);
    const next = chooseBranch(ctx.spec(), field, index);
    if (next !== ctx.spec()) ctx.edit(next);
    ctx.rerender();
  };
  const choice = dropdown({ id, label: 'form', onChange }, labels);
  choice.set(labels[active]);
  const error = errorLine();
  fs.append(choice.element, error);
  // Problems about the union as a whole land here unless the chosen form has a control at this path.
  ctx.controls.set(field.path, { field, control: choice, error });
  const chosen = branches[active]?.field;
  if (chosen?.kind === 'group') renderFields(chosen.children ?? [], fs, ctx);
  else if (chosen) renderFields([{ ...chosen, label: branches[active].label }], fs, ctx);
  return fs;
}

function leaf(field: FormField, ctx: FormContext): HTMLElement[] {
  const id = idOf(field.path);
  const helpId = `${id}-help`;
  let shown = displayValue(field, ctx.spec());
  const onChange = () => {
    const text = control.value();
    if (text === shown) return; // an echo of what the form itself set
    shown = text;
    if (control.badInput?.()) {
      ctx.localProblem(field.path, `${field.path}: not a number`);
      return;
    }
    const applied = applyInput(ctx.spec(), field, text);
    ctx.localProblem(field.path, applied.problem);
    if (!applied.problem) ctx.edit(applied.spec);
  };
  const opts = { id, label: field.label, describedBy: field.help ? helpId : undefined, placeholder: field.placeholder, onChange };
  // A numeric input would blank out a value the file holds as text ("four"): show that as text instead.
  const current = getPath(ctx.spec(), field.path);
  const numeric = (field.kind === 'number' || field.kind === 'integer') && (current === undefined || typeof current === 'number');
  const control: Control =
    field.kind === 'enum'
      ? dropdown(opts, dropdownOptions(field, ctx.spec()).map((o) => o.label))
      : field.kind === 'boolean'
        ? checkbox(opts)
        : field.kind === 'json'
          ? textArea(opts)
          : numeric
            ? textField(opts, { min: field.min, max: field.max, integer: field.kind === 'integer' })
            : textField(opts);
  control.set(shown);
  const error = errorLine();
  ctx.controls.set(field.path, { field, control, error });
  return field.help ? [control.element, helpText(helpId, field.help), error] : [control.element, error];
}
