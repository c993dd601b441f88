// CSV as every export of the panel writes it (shared by the panel's chart exports and the runs table).

export type CsvCell = string | number | boolean | null | undefined;

/** RFC 4180: fields with a comma, quote or newline are quoted, quotes doubled. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  const field = (v: CsvCell) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}
