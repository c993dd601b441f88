// The results panel's HTML: a shell with a strict Content-Security-Policy that loads one script and
// one stylesheet; webview/results/main.ts builds everything else. Pure (no 'vscode' import) so it is
// tested directly and reused by the panel's browser tests.

export interface ResultsHtmlOptions {
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  /** A fresh random value per page load; only the script carrying it may run. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title?: string;
}

/** Escapes text for a double-quoted attribute or element content (single quotes stay readable). */
const escapeAttr = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * No 'unsafe-inline' for styles: Chart.js 4 only writes canvas sizes through the CSSOM
 * (element.style.x = ...), which CSP does not govern, and the panel does the same. No
 * 'unsafe-eval': the bundle turns off zod's `new Function` fast path (webview/results/zodConfig.ts).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ') + ';';
}

export function resultsHtml(opts: ResultsHtmlOptions): string {
  const title = escapeAttr(opts.title ?? 'Sparse Attention Results');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(opts.cspSource, opts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(opts.styleUri)}">
<title>${title}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">Loading results…</p></main>
<script nonce="${escapeAttr(opts.nonce)}" src="${escapeAttr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
