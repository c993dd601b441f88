// The frame every HTML report shares: one self-contained page (style, Chart.js and the drawing code
// inline) that opens in any browser without the editor or a network, and the escaping it needs.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** Chart.js's UMD build: copied next to the bundle by the build, else from node_modules. */
function chartJsSource(): string {
  const bundled = path.join(__dirname, 'vendor', 'chart.umd.min.js');
  if (existsSync(bundled)) return readFileSync(bundled, 'utf8');
  const main = createRequire(__filename).resolve('chart.js');
  return readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
}

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** JSON that is safe inside a <script> element. */
export const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
export const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '–' : v.toFixed(d));

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th{background:#f3f3f3}.chart{height:340px;margin:1rem 0}.verdict{font-weight:600}.ok{background:#d9f2d9}.bad{background:#f6dada}.incomplete{background:#f6eec0}tr.best td{font-weight:600}small{color:#666}.next-step{font-style:italic}.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.4em}
code{background:#f3f3f3;padding:0 .2rem}`;

export function page(title: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>${body}<script>${chartJsSource()}</script><script>${script}</script></body></html>\n`;
}
