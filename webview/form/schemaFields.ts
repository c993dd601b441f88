// Turns the JSON Schema that zod emits for experiment and sweep files into the form's controls, so
// the form shows every field the CLI reads and cannot drift from it: a new schema field is a new
// control with no change here. Pure (no DOM): the renderer draws what this returns.

/** The subset of JSON Schema (draft 2020-12) that zod's toJSONSchema emits. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  [key: string]: unknown;
}

/**
 * - `group`: an object with named properties (a fieldset of `children`);
 * - `enum`: one of `options` (enums and constants), a dropdown;
 * - `number` / `integer` / `string`: a text field; `boolean`: a checkbox;
 * - `scalarUnion`: literals or a number (`"full"` or an integer), a text field that parses either;
 * - `numberList`: an array of numbers, typed comma-separated;
 * - `union`: a value of one of several shapes (`branches`, e.g. a range object or a list), chosen by a dropdown;
 * - `json`: anything else (arrays of objects, records, unconstrained values), a JSON text area.
 */
export type FieldKind = 'group' | 'enum' | 'number' | 'integer' | 'string' | 'boolean' | 'scalarUnion' | 'numberList' | 'union' | 'json';

export interface Option {
  label: string;
  value: unknown;
}

export interface FormField {
  /** Dotted path into the spec, e.g. `base.task.s`. */
  path: string;
  kind: FieldKind;
  /** The property name, as in the file. */
  label: string;
  /** The schema's description, then the allowed values or range. */
  help: string;
  /** Shown in an empty control: the default, or whether the field may be left out. */
  placeholder: string;
  required: boolean;
  default?: unknown;
  /** `enum`: the allowed values; `scalarUnion`: its literals. */
  options?: Option[];
  /** Bounds of a number (or of a list's items); `exclusive*` when the bound itself is not allowed. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** `scalarUnion`/`numberList`: whether numbers must be integers; `scalarUnion`: whether any string is allowed. */
  integer?: boolean;
  anyString?: boolean;
  children?: FormField[];
  /** `union`: one field per shape, each at this same path. */
  branches?: { label: string; shape: Shape; field: FormField }[];
}

/** The JSON type a union branch holds, used to tell which branch a value belongs to. */
export type Shape = 'object' | 'array' | 'number' | 'string' | 'boolean' | 'any';

/** Keys that describe the file rather than hold experiment settings. */
const SKIPPED = new Set(['$schema']);
/** Deeper than this a schema is almost surely recursive: edit it as JSON. */
const MAX_DEPTH = 12;

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

const labelOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** A value as the form shows it in a placeholder or a hint. */
export function formatDefault(v: unknown): string {
  if (v === undefined) return '';
  if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'number')) return v.join(', ');
  return labelOf(v);
}

function resolve(schema: JsonSchema | boolean | undefined, root: JsonSchema): JsonSchema {
  if (schema === undefined || schema === true) return {};
  if (schema === false) return { not: {} };
  let s = schema;
  for (let hops = 0; s.$ref && hops < 16; hops++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
    const target = m ? ((root[m[1]] as Record<string, JsonSchema> | undefined)?.[decodeURIComponent(m[2])] ?? {}) : {};
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  return s;
}

/** The branches of a union, without `null` (an empty control already means "left out"). */
function branchesOf(s: JsonSchema, root: JsonSchema): JsonSchema[] | undefined {
  const list = s.anyOf ?? s.oneOf;
  if (!list) return undefined;
  const branches = list.map((b) => resolve(b, root)).filter((b) => typeOf(b) !== 'null');
  return branches;
}

const isLiteral = (s: JsonSchema) => s.const !== undefined || Array.isArray(s.enum);
const isScalar = (s: JsonSchema) => isLiteral(s) || ['number', 'integer', 'string', 'boolean'].includes(typeOf(s) ?? '');

function shapeOf(s: JsonSchema): Shape {
  if (s.const !== undefined) return jsonShape(s.const);
  if (Array.isArray(s.enum) && s.enum.length) return jsonShape(s.enum[0]);
  const t = typeOf(s);
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'object' || t === 'array' || t === 'string' || t === 'boolean') return t;
  return 'any';
}

export function jsonShape(v: unknown): Shape {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'any';
  const t = typeof v;
  return t === 'object' || t === 'number' || t === 'string' || t === 'boolean' ? t : 'any';
}

/** "1 to 64", "> 0 and ≤ 16", "≥ 0": the bounds of a number, for help text. */
function rangeText(s: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }): string {
  const lo = s.min === undefined ? '' : `${s.exclusiveMin ? '>' : '≥'} ${s.min}`;
  const hi = s.max === undefined ? '' : `${s.exclusiveMax ? '<' : '≤'} ${s.max}`;
  if (lo && hi && !s.exclusiveMin && !s.exclusiveMax) return `${s.min} to ${s.max}`;
  return [lo, hi].filter(Boolean).join(' and ');
}

function bounds(s: JsonSchema): Pick<FormField, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'> {
  const out: Pick<FormField, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'> = {};
  if (typeof s.exclusiveMinimum === 'number') Object.assign(out, { min: s.exclusiveMinimum, exclusiveMin: true });
  else if (typeof s.minimum === 'number') out.min = s.minimum;
  if (typeof s.exclusiveMaximum === 'number') Object.assign(out, { max: s.exclusiveMaximum, exclusiveMax: true });
  else if (typeof s.maximum === 'number') out.max = s.maximum;
  return out;
}

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');

function numberHint(s: JsonSchema, noun: string): string {
  const integer = typeOf(s) === 'integer';
  const range = rangeText(bounds(s));
  return `${integer ? `An integer${noun}` : `A number${noun}`}${range ? ` ${range}` : ''}.`;
}

/** What every field has, whatever its kind. */
type FieldBase = Omit<FormField, 'kind' | 'help'>;

function fieldFor(schema: JsonSchema, path: string, label: string, required: boolean, root: JsonSchema, depth: number): FormField {
  const s = resolve(schema, root);
  const base: FieldBase = {
    path,
    label,
    required,
    default: s.default,
    placeholder: s.default !== undefined ? formatDefault(s.default) : required ? 'required' : 'optional',
  };
  const description = s.description ?? s.title;
  if (depth > MAX_DEPTH) return { ...base, kind: 'json', help: join(description, 'JSON.') };

  if (isLiteral(s)) {
    const values = s.const !== undefined ? [s.const] : (s.enum as unknown[]);
    return {
      ...base,
      kind: 'enum',
      options: values.map((v) => ({ label: labelOf(v), value: v })),
      help: join(description, values.length === 1 ? `Always ${labelOf(values[0])}.` : undefined),
    };
  }

  const branches = branchesOf(s, root);
  if (branches && branches.length === 1) {
    const { anyOf: _a, oneOf: _o, ...outer } = s;
    return fieldFor({ ...branches[0], ...outer }, path, label, required, root, depth + 1);
  }
  if (branches && branches.length > 1) {
    if (branches.every(isScalar)) return scalarUnion(s, branches, base, description);
    return {
      ...base,
      kind: 'union',
      help: join(description, 'Choose the form, then fill it in.'),
      branches: branches.map((b) => ({
        label: branchLabel(b),
        shape: shapeOf(b),
        field: fieldFor({ ...b, default: undefined }, path, label, required, root, depth + 1),
      })),
    };
  }
  return typedField(s, base, description, root, depth);
}

/** A field for a schema that is neither a literal nor a union: by its JSON type. */
function typedField(s: JsonSchema, base: FieldBase, description: string | undefined, root: JsonSchema, depth: number): FormField {
  const t = typeOf(s);
  if (t === 'object' && s.properties && Object.keys(s.properties).length) {
    const req = new Set(s.required ?? []);
    const path = base.path;
    const children = Object.entries(s.properties)
      .filter(([k]) => !SKIPPED.has(k))
      .map(([k, child]) => fieldFor(child, path ? `${path}.${k}` : k, k, req.has(k), root, depth + 1));
    return { ...base, kind: 'group', help: description ?? '', children };
  }
  if (t === 'integer' || t === 'number') {
    return { ...base, kind: t, ...bounds(s), help: join(description, numberHint(s, '')) };
  }
  if (t === 'boolean') return { ...base, kind: 'boolean', help: description ?? '' };
  if (t === 'string') {
    const pattern = typeof s.pattern === 'string' ? `Matches ${s.pattern}.` : undefined;
    return { ...base, kind: 'string', help: join(description, pattern) };
  }
  if (t === 'array') {
    const items = resolve(s.items, root);
    const it = typeOf(items);
    if ((it === 'number' || it === 'integer') && !isLiteral(items) && !items.anyOf && !items.oneOf) {
      return {
        ...base,
        kind: 'numberList',
        integer: it === 'integer',
        ...bounds(items),
        help: join(description, `Comma-separated; each ${numberHint(items, '').replace(/^An? /, '').replace(/\.$/, '')}.`),
      };
    }
  }
  // Arrays of objects, records (`{ "<key>": … }`), unconstrained values: edited as JSON.
  return { ...base, kind: 'json', help: join(description, 'JSON.') };
}

function scalarUnion(s: JsonSchema, branches: JsonSchema[], base: FieldBase, description?: string): FormField {
  const literals = branches.filter(isLiteral).flatMap((b) => (b.const !== undefined ? [b.const] : (b.enum as unknown[])));
  const numbers = branches.filter((b) => !isLiteral(b) && (typeOf(b) === 'number' || typeOf(b) === 'integer'));
  const anyString = branches.some((b) => !isLiteral(b) && typeOf(b) === 'string');
  const alternatives = [
    ...literals.map((v) => JSON.stringify(v)),
    ...numbers.map((b) => numberHint(b, '').replace(/^A/, 'a').replace(/\.$/, '')),
    ...(anyString ? ['any text'] : []),
  ];
  const num = numbers[0];
  return {
    ...base,
    kind: 'scalarUnion',
    options: literals.map((v) => ({ label: labelOf(v), value: v })),
    integer: num ? numbers.every((b) => typeOf(b) === 'integer') : undefined,
    anyString,
    ...(num && numbers.length === 1 ? bounds(num) : {}),
    help: join(description, `${alternatives.join(' or ')}.`.replace(/^./, (c) => c.toUpperCase())),
  } as FormField;
}

function branchLabel(b: JsonSchema): string {
  if (b.title) return b.title;
  const shape = shapeOf(b);
  if (shape === 'object' && b.properties) return `{ ${Object.keys(b.properties).join(', ')} }`;
  if (shape === 'array') {
    const it = typeOf(typeof b.items === 'object' ? b.items : {});
    return it === 'number' || it === 'integer' ? 'list of numbers' : 'list';
  }
  return shape === 'any' ? 'JSON' : shape;
}

/** The form for a whole file: one field per top-level property (skipping `$schema`), groups nested. */
export function formFields(schema: JsonSchema): FormField[] {
  const root = resolve(schema, schema);
  return fieldFor(root, '', '', true, schema, 0).children ?? [];
}

/** Every control the form can show, across all branches of every union (for tests and lookups). */
export function leafFields(fields: FormField[]): FormField[] {
  return fields.flatMap((f) => {
    if (f.kind === 'group') return leafFields(f.children ?? []);
    if (f.kind === 'union') return leafFields((f.branches ?? []).map((b) => b.field));
    return [f];
  });
}
