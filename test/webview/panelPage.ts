// Opens the results panel's real bundle in Chromium the way VS Code would: the HTML from
// resultsHtml() with its strict CSP (cspSource = file:), a mock acquireVsCodeApi that records what
// the panel posts, and a dark --vscode-* palette. Shared by the panel's browser tests and
// bench/heatmapRender.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { resultsHtml } from '../../src/extension/resultsHtml';

const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** VS Code's Dark Modern values for the variables the panel uses. */
export const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-widget-border': '#313131',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-editorWidget-border': '#313131',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-progressBar-background': '#0078d4',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-keybindingTable-headerBackground': '#2b2b2b',
  '--vscode-toolbar-hoverBackground': '#5a5d5e50',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
};

export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

/** Builds dist/webview/results.{js,css} with the real build script. */
export async function buildPanelBundle(): Promise<{ script: string; style: string }> {
  const file = path.join(ROOT, 'scripts', 'build-webviews.mjs');
  const mod = (await import(pathToFileURL(file).href)) as { buildWebviews(): Promise<{ script: string; style: string }> };
  return mod.buildWebviews();
}

/** Writes the test page next to a dark theme stylesheet; returns its file:// URL and a cleanup. */
export function writePanelPage(bundle: { script: string; style: string }, initialState?: unknown): { url: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'results-panel-'));
  const nonce = randomBytes(16).toString('base64');
  const themeCss = path.join(dir, 'theme-dark.css');
  writeFileSync(themeCss, `:root {\n${Object.entries(DARK_THEME).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`);
  // What the VS Code webview host provides: acquireVsCodeApi (once), getState/setState, postMessage.
  const mock = `window.__sent = []; window.__states = [];
(() => {
  let state = ${JSON.stringify(initialState ?? null)} ?? undefined;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => { window.__sent.push(JSON.parse(JSON.stringify(m))); },
      getState: () => state,
      setState: (s) => { state = s; window.__states.push(JSON.parse(JSON.stringify(s))); return s; },
    });
  };
})();`;
  let html = resultsHtml({
    cspSource: 'file:',
    nonce,
    scriptUri: pathToFileURL(bundle.script).href,
    styleUri: pathToFileURL(bundle.style).href,
    title: 'Results (test)',
  });
  // The theme is one more stylesheet (style-src file: allows it), the mock one more nonce'd script:
  // the panel's own CSP stays exactly as shipped.
  html = html.replace('</head>', `<link rel="stylesheet" href="${pathToFileURL(themeCss).href}">\n</head>`);
  html = html.replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}">${mock}</script>\n<script nonce="${nonce}" src=`);
  const page = path.join(dir, 'index.html');
  writeFileSync(page, html);
  return { url: pathToFileURL(page).href, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PanelPage {
  page: Page;
  /** Page errors, console errors and CSP violations seen so far. */
  problems: string[];
  violations(): Promise<string[]>;
  sent(): Promise<{ type: string; [k: string]: unknown }[]>;
  /** Posts messages as the host would and waits until the panel has drawn them. */
  post(...messages: unknown[]): Promise<void>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    __sent: { type: string; [k: string]: unknown }[];
    __states: unknown[];
    __received: number;
    __violations: string[];
    __panelDebug: {
      digest(): string;
      selected(): string | undefined;
      renders(): number;
      pending(): boolean;
      flush(): void;
      mstarPoint(variant: string, T: number): { x: number; y: number } | null;
      mstarChart(): { datasets: { label: string; hidden: boolean; borderDash: number[]; colour: string }[]; yType: string } | null;
      mstarLegendPoint(label: string): { x: number; y: number } | null;
      legendLabels(): string[];
      accuracyCells(): { variant: string; T: number; m: number; runs: number; value: number | null }[];
      legendColours(): Record<string, string>;
      heatmap(): {
        layout: { width: number; height: number; tiles: { layer: number; head: number; map: Rect; strip: Rect; markers: Rect; title: Rect }[] };
        step: number;
        n: number;
        relevant: number[];
      } | null;
    };
  }
}
type Rect = { x: number; y: number; w: number; h: number };

export async function openPanel(browser: Browser, bundle: { script: string; style: string }, opts: { width?: number; height?: number; initialState?: unknown } = {}): Promise<PanelPage> {
  const file = writePanelPage(bundle, opts.initialState);
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: opts.height ?? 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  // Runs before the page's own scripts (and outside its CSP): counts messages and records violations.
  await page.addInitScript(() => {
    window.__received = 0;
    window.__violations = [];
    window.addEventListener('message', () => window.__received++);
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  await page.goto(file.url);
  await page.waitForFunction(() => typeof window.__panelDebug === 'object' && window.__sent.length > 0);
  return {
    page,
    problems,
    violations: () => page.evaluate(() => window.__violations),
    sent: () => page.evaluate(() => window.__sent),
    async post(...messages: unknown[]) {
      const target = await page.evaluate((ms) => {
        for (const m of ms) window.postMessage(m, '*');
        return window.__received + ms.length;
      }, messages);
      // Our counter's listener was added first, so once it has seen every message the panel's has too.
      await page.waitForFunction((t) => window.__received >= t && !window.__panelDebug.pending(), target, { timeout: 10_000 });
    },
    async close() {
      await context.close();
      file.dispose();
    },
  };
}

/** A theme colour "#rrggbb" as [r, g, b]. */
export const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

/** Opaque pixels within `tol` (sum of channel differences) of a colour: how much of a series was drawn. */
export function countColour(page: Page, canvasId: string, rgb: number[], tol = 60): Promise<number> {
  return page.evaluate(
    ({ id, rgb, tol }) => {
      const canvas = document.getElementById(id) as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < tol) n++;
      return n;
    },
    { id: canvasId, rgb, tol },
  );
}
