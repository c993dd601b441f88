// Plain-text tables for the benchmark report (stdout stays readable in a terminal and in a log).

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  // Numbers right-aligned, text left-aligned: columns of figures line up by their last digit.
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+(e[-+]?\d+)?[x%]?$/.test(String(r[c] ?? ''))));
  const line = (r: string[]) => r.map((v, c) => (numeric[c] ? (v ?? '').padStart(widths[c]) : (v ?? '').padEnd(widths[c]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const f1 = (v: number) => v.toFixed(1);
export const f2 = (v: number) => v.toFixed(2);
/** Significant figures for values spanning many orders of magnitude (loss differences). */
export const sci = (v: number) => (v === 0 ? '0' : v.toExponential(1));
