// The authoring form's HTML: a strict CSP (scripts only by nonce, styles and fonts only from the
// webview's own resources) around one bundle. Apart from the provider so a browser test can load it.
export function formHtml(opts: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  // The toolkit (FAST) probes :focus-visible support with a <style> element carrying the nonce of
  // meta csp-nonce; allowing that one nonce keeps the probe from being reported as a CSP violation.
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; font-src ${opts.cspSource}; img-src ${opts.cspSource} data:; script-src 'nonce-${opts.nonce}';">
<meta property="csp-nonce" content="${opts.nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><link rel="stylesheet" href="${opts.styleUri}"><title>Experiment</title></head>
<body><main id="form" aria-label="Experiment form"></main><script nonce="${opts.nonce}" src="${opts.scriptUri}"></script></body></html>`;
}
