// What the form shows first. A researcher opens the form to change the experiment — the target, T, s,
// the training-set size (or a sweep's context lengths, sizes and seeds), the steps — so those lead,
// in a section of their own; the model and the training details follow; `version` and a sweep's
// `kind` (always 1, always "sweep") are not shown at all. The schema walk stays in schema order; this
// only reorders and hides. Pure: it returns the fields to draw.
import type { FormField } from './schemaFields';

/** Shown nowhere: fixed values the file must hold, which the form writes as they are. */
const HIDDEN = new Set(['version', 'kind']);

/** The order researchers change things in; a field not named keeps its schema order after these. */
const FIRST = [
  'task', 'data', 'seed', 'contextLengths', 'trainSizes', 'seeds', 'base', 'search', 'successRate', 'training', 'model', 'name',
  'kind', 'T', 's', 'trainSize', 'maxSteps', 'learningRate',
];
/** Top-level fields of the lead section: experiment, then sweep. */
const LEAD = new Set(['task', 'data', 'seed', 'contextLengths', 'trainSizes', 'seeds']);

const rank = (f: FormField) => {
  const i = FIRST.indexOf(f.label);
  return i < 0 ? FIRST.length : i;
};

function ordered(fields: FormField[]): FormField[] {
  return fields
    .map((f, i) => ({ f: f.children ? { ...f, children: ordered(f.children) } : f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map((x) => x.f);
}

/** The fields to draw: `lead` at the top of the form, then `rest`. */
export function formLayout(fields: FormField[]): { lead: FormField[]; rest: FormField[] } {
  const shown = ordered(fields.filter((f) => !HIDDEN.has(f.path)));
  return { lead: shown.filter((f) => LEAD.has(f.path)), rest: shown.filter((f) => !LEAD.has(f.path)) };
}
