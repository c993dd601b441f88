// The form's edits written into the spec file's text in place (jsonc-parser's modify), not by
// re-serialising the whole object: the file keeps its key order, its comments and its formatting,
// and a field cleared then retyped goes back where it was rather than to the end of its object.
// Pure (no vscode), so it is unit-tested directly.
import { type Edit, applyEdits, modify, parse } from 'jsonc-parser';

type Json = unknown;
type Path = (string | number)[];

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf changes from `before` to `after`: objects are walked key by key, anything else is replaced whole. */
function changes(before: Json, after: Json, path: Path, out: { path: Path; value: Json }[]): void {
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(before)) if (!(k in after)) out.push({ path: [...path, k], value: undefined });
    for (const [k, v] of Object.entries(after)) changes(before[k], v, [...path, k], out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, value: after });
}

/** Where a key re-added to an object goes: after the keys that came before it in `order` (the file's order when loaded). */
function insertionIndex(order: string[] | undefined, key: string) {
  return (present: string[]) => {
    const rank = order?.indexOf(key) ?? -1;
    if (rank < 0) return present.length;
    const before = new Set(order!.slice(0, rank));
    let i = 0;
    while (i < present.length && before.has(present[i])) i++;
    return i;
  };
}

/** Every object's keys in the order the text holds them, by dotted path ('' for the root). */
export function keyOrder(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (v: Json, path: string) => {
    if (!isObject(v)) return;
    out.set(path, Object.keys(v));
    for (const [k, c] of Object.entries(v)) walk(c, path ? `${path}.${k}` : k);
  };
  walk(parse(text), '');
  return out;
}

/**
 * The text with `next` written into it: only the changed values are touched. `order` remembers where
 * keys were when the file was loaded, so a key removed and added back returns to its place. Falls
 * back to the whole object (2-space JSON) when the text is not an object (empty or broken file).
 */
export function writeSpecText(text: string, next: Record<string, Json>, order: Map<string, string[]> = keyOrder(text)): string {
  const current = parse(text) as Json;
  if (!isObject(current)) return JSON.stringify(next, null, 2) + '\n';
  const list: { path: Path; value: Json }[] = [];
  changes(current, next, [], list);
  let out = text;
  for (const c of list) {
    const parent = c.path.slice(0, -1).join('.');
    const edits: Edit[] = modify(out, c.path, c.value, {
      formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
      getInsertionIndex: insertionIndex(order.get(parent), String(c.path[c.path.length - 1])),
    });
    out = applyEdits(out, edits);
  }
  return out;
}
