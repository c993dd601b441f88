// Turns raw text into a validated spec, or into a list of `path: message` problems a person can act
// on. Shared by experiments and sweeps, by the CLI `validate` command and by the editor's form.
import { readFileSync } from 'node:fs';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Strict JSON (no comments, no trailing commas), with the first error as `line L, column C: reason`. */
export function parseJsonText(text: string): Parsed<unknown> {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return { ok: true, value };
  const { offset, error } = errors[0];
  const before = text.slice(0, offset).split('\n');
  const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
  return { ok: false, problems: [`(file): invalid JSON at ${where}: ${printParseErrorCode(error)}`] };
}

function describeValue(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * An issue's message with the value it is about, "(got …)", unless it names one already; with no value
 * there, "(got <missing>)" when `missing` is given, else the message alone.
 */
export function messageWithValue(message: string, input: unknown, path: PropertyKey[], missing?: string): string {
  const got = valueAt(input, path);
  if (message.includes('(got') || (got === undefined && missing === undefined)) return message;
  return `${message} (got ${got === undefined ? missing : describeValue(got)})`;
}

export function formatIssues(issues: z.core.$ZodIssue[], input: unknown): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const full = issue.path.length ? `${path}.${key}` : key;
        out.push(`${full}: unknown field`);
      }
      continue;
    }
    const got = valueAt(input, issue.path as PropertyKey[]);
    if (got === undefined) {
      out.push(`${path}: ${issue.code === 'invalid_type' ? 'is required' : issue.message}`);
    } else {
      out.push(`${path}: ${messageWithValue(issue.message, input, issue.path as PropertyKey[])}`);
    }
  }
  return out;
}

export function parseWithSchema<S extends z.ZodType>(schema: S, raw: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: formatIssues(result.error.issues, raw) };
}

/**
 * The problems only the CLI's rules can see: those between fields (s > T, a relevant bit beyond T),
 * which a JSON Schema cannot express, so the editor's schema check misses them. Each with its path,
 * so the editor can underline the value.
 */
export function crossFieldProblems(schema: z.ZodType, raw: unknown): { path: (string | number)[]; message: string }[] {
  const result = schema.safeParse(raw);
  if (result.success) return [];
  const custom = result.error.issues.filter((i) => i.code === 'custom');
  const texts = formatIssues(custom, raw);
  return custom.map((issue, i) => ({ path: issue.path.map((k) => (typeof k === 'number' ? k : String(k))), message: texts[i] }));
}

export function parseSpecText<S extends z.ZodType>(schema: S, text: string): Parsed<z.output<S>> {
  const json = parseJsonText(text);
  if (!json.ok) return json;
  return parseWithSchema(schema, json.value);
}

export function readSpecFile<S extends z.ZodType>(schema: S, file: string): Parsed<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    return { ok: false, problems: [`(file): cannot read ${file}: ${why}`] };
  }
  return parseSpecText(schema, text);
}
