// The results panel's HTML shell: strict CSP, one nonce'd script, one stylesheet, nothing inline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, resultsHtml } from '../../src/extension/resultsHtml';

describe('results panel HTML', () => {
  const html = resultsHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://x.vscode-cdn.net/dist/webview/results.js',
    styleUri: 'https://x.vscode-cdn.net/dist/webview/results.css',
    title: 'Runs <&> "results"',
  });

  it('carries the strict Content-Security-Policy', () => {
    const csp = "default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net; script-src 'nonce-abc123'; font-src https://x.vscode-cdn.net;";
    assert.equal(contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123'), csp);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp}">`));
    assert.doesNotMatch(html, /unsafe-(inline|eval)/);
  });

  it('loads exactly one script (with the nonce) and one stylesheet, and nothing inline', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="abc123" src="https://x.vscode-cdn.net/dist/webview/results.js">']);
    assert.deepEqual(html.match(/<link\b[^>]*>/g), ['<link rel="stylesheet" href="https://x.vscode-cdn.net/dist/webview/results.css">']);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  });

  it('escapes the title', () => {
    assert.match(html, /<title>Runs &lt;&amp;&gt; &quot;results&quot;<\/title>/);
  });
});
