// How a control shows a spec value and how its input changes the spec, for every kind of field the
// schema walk produces. Pure: the renderer passes typed text in and gets the new spec (or a problem) out.
import { type FormField, type Option, type Shape, formatDefault, jsonShape } from './schemaFields';

export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** A copy of obj with path set (or removed when value is undefined), creating objects on the way to a value. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = path.split('.');
  let cur = copy;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') {
      if (value === undefined) return copy; // nothing there to remove
      cur[k] = {};
    }
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** What an input turned into: the new spec, or a problem (`path: reason`) and the spec unchanged. */
export type Applied = { spec: Record<string, unknown>; problem?: undefined } | { spec: Record<string, unknown>; problem: string };

const number = (t: string): number | undefined => {
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : undefined;
};

/**
 * The typed text as the JSON value the schema expects. Text that is not what the field takes is kept
 * as a string, so the host's validation names the field, the value and the allowed range.
 */
export function parseText(field: FormField, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  switch (field.kind) {
    case 'number':
    case 'integer':
      return number(t) ?? t;
    case 'scalarUnion': {
      const literal = field.options?.find((o) => o.label === t || JSON.stringify(o.value) === t);
      if (literal) return literal.value;
      if (field.integer !== undefined) {
        const n = number(t);
        if (n !== undefined) return n;
      }
      return t;
    }
    case 'numberList':
      return t
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((x) => number(x) ?? x);
    default:
      return t;
  }
}

/** The options a dropdown shows: the allowed values, plus an empty entry or the file's own value when it has none of them. */
export function dropdownOptions(field: FormField, spec: unknown): Option[] {
  const options = field.options ?? [];
  const v = getPath(spec, field.path);
  if (v === undefined) return field.default === undefined ? [{ label: '', value: undefined }, ...options] : options;
  if (options.some((o) => sameValue(o.value, v))) return options;
  // Keep what the file says on screen (the problem next to it says why it is not allowed).
  return [...options, { label: formatDefault(v), value: v }];
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The text a control shows for the spec's value at its path (a checkbox: "true" / "false"). */
export function displayValue(field: FormField, spec: unknown): string {
  const v = getPath(spec, field.path);
  switch (field.kind) {
    case 'enum': {
      const shown = v === undefined ? field.default : v;
      return dropdownOptions(field, spec).find((o) => sameValue(o.value, shown))?.label ?? '';
    }
    case 'boolean':
      return String(v === undefined ? field.default === true : v === true);
    case 'json':
      return v === undefined ? '' : JSON.stringify(v, null, 2);
    case 'numberList':
      return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ') : v === undefined ? '' : JSON.stringify(v);
    default:
      return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  }
}

/** A field left out shows its default; choosing that same value changes nothing (and writes nothing). */
const leftAtDefault = (spec: unknown, field: FormField, value: unknown) =>
  getPath(spec, field.path) === undefined && field.default !== undefined && sameValue(field.default, value);

/** The spec after the user set this control to `input` (typed text, a dropdown's label, or a checkbox's state). */
export function applyInput(spec: Record<string, unknown>, field: FormField, input: string | boolean): Applied {
  switch (field.kind) {
    case 'boolean': {
      const value = input === true || input === 'true';
      // Left out, a checkbox shows its default, unchecked when it has none (displayValue): keeping that writes nothing.
      const keptAbsent = getPath(spec, field.path) === undefined && value === (field.default === true);
      return { spec: keptAbsent ? spec : setPath(spec, field.path, value) };
    }
    case 'enum': {
      const option = dropdownOptions(field, spec).find((o) => o.label === input);
      const value = option ? option.value : String(input);
      return { spec: leftAtDefault(spec, field, value) ? spec : setPath(spec, field.path, value) };
    }
    case 'json': {
      const t = String(input).trim();
      if (t === '') return { spec: setPath(spec, field.path, undefined) };
      try {
        return { spec: setPath(spec, field.path, JSON.parse(t)) };
      } catch (err) {
        return { spec, problem: `${field.path}: not valid JSON (${(err as Error).message}); the file keeps its last valid value` };
      }
    }
    case 'group':
    case 'union':
      throw new Error(`${field.kind} ${field.path} has no input of its own`);
    default:
      return { spec: setPath(spec, field.path, parseText(field, String(input))) };
  }
}

/** Which branch of a union the spec's value is in (the first when the value fits none, e.g. is absent). */
export function activeBranch(field: FormField, spec: unknown): number {
  const shape = jsonShape(getPath(spec, field.path));
  const i = (field.branches ?? []).findIndex((b) => b.shape === shape);
  return i < 0 ? 0 : i;
}

const EMPTY: Partial<Record<Shape, unknown>> = { object: {}, array: [] };

/**
 * Switching a union to another form: the value is kept when it already has that shape, otherwise it
 * becomes that form's empty value ({} or []) so the form shows the new shape and the host lists what
 * it still needs.
 */
export function chooseBranch(spec: Record<string, unknown>, field: FormField, index: number): Record<string, unknown> {
  const branch = field.branches?.[index];
  if (!branch || activeBranch(field, spec) === index && getPath(spec, field.path) !== undefined) return spec;
  return setPath(spec, field.path, EMPTY[branch.shape]);
}
