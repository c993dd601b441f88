// Validation of what arrives from the host: a webview is another origin, so every message is checked
// against the shared contract before it touches the view model.
import { HostToPanel } from '../../src/protocol/panelMessages';

export type Parsed = { ok: true; message: HostToPanel } | { ok: false; problem: string };

/** A one-line description of a raw value for logs (never the whole payload: it can be megabytes). */
export function describeValue(raw: unknown): string {
  if (raw === null || typeof raw !== 'object') return JSON.stringify(raw) ?? String(raw);
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' ? `a "${type.slice(0, 40)}" message` : 'an object without a type';
}

export function parseHostMessage(raw: unknown): Parsed {
  const parsed = HostToPanel.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
  return { ok: false, problem: `ignored ${describeValue(raw)} that does not match the panel protocol (${issues})` };
}
