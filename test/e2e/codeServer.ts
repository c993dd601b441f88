// Harness for end-to-end tests in a real VS Code: code-server (VS Code 1.100 served over HTTP) driven
// from Debian's Chromium through playwright-core. No test framework in here; tests compose these.
// Background and pitfalls: /work/shared/notes/code-server.md.
//
// Typical use:
//   const bin = ensureCodeServer();
//   installVsix(bin, vsix, extensionsDir, userDataDir);
//   const server = await startCodeServer({ bin, workspace, extensionsDir, userDataDir });
//   const { browser, page } = await openWorkbench(server.url, workspace);
//   await runCommand(page, 'Sparse Attention: Run Experiment');
//   const frame = await findFrameWith(page, 'canvas', 30_000);
//   assert.ok((await canvasInkedPixels(frame, 'canvas')) > 0);
//   await browser.close(); await server.stop();
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Browser, type Frame, type Page, chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** Screenshots and server logs land here (gitignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const log = (msg: string) => process.stderr.write(`[e2e] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; the error names `what`. */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 250): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** The code-server that `npm test` installed first (scripts/ensure-code-server.sh); never fetches here. */
export function ensureCodeServer(): string {
  const script = path.join(REPO_ROOT, 'scripts/ensure-code-server.sh');
  // stderr (one line per step) goes straight to ours; the last stdout line is the executable.
  const out = execFileSync('bash', [script, '--cached'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!bin || !existsSync(bin)) throw new Error(`ensure-code-server.sh printed no usable executable (got "${bin}")`);
  return bin;
}

/** Packs an extension folder into a VSIX with the repo's @vscode/vsce; returns the VSIX path. */
export function packageVsix(extensionDir: string, outFile: string): string {
  const vsce = path.join(REPO_ROOT, 'node_modules/.bin/vsce');
  const args = ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--skip-license', '--out', outFile];
  const r = spawnSync(vsce, args, { cwd: extensionDir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !existsSync(outFile)) throw new Error(`vsce package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return outFile;
}

/** code-server writes a default config (with a password) to ~/.config unless given one; keep it local. */
const configFor = (userDataDir: string) => path.join(userDataDir, 'code-server.yaml');

/** code-server keeps its own logs and heartbeat under $XDG_DATA_HOME/code-server; keep them local too. */
const quietEnv = (userDataDir: string): NodeJS.ProcessEnv => ({ XDG_DATA_HOME: path.join(userDataDir, 'xdg-data') });

/** `code-server --install-extension VSIX` into `extensionsDir`; throws with its output on failure. */
export function installVsix(bin: string, vsix: string, extensionsDir: string, userDataDir?: string): void {
  const udd = userDataDir ?? path.join(extensionsDir, '..', 'user-data');
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(udd, { recursive: true });
  const args = ['--config', configFor(udd), '--user-data-dir', udd, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'];
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...quietEnv(udd) } });
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed (${r.status}):\n${out}`);
}

/** Settings that keep a fresh profile from opening dialogs, tabs and toasts over what a test drives. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  // The e2e sweeps take seconds: no plan (a calibration) before each; sweepPlanning.test.ts covers it.
  'sparseAttention.confirmSweepsLongerThanMinutes': 0,
  'editor.accessibilitySupport': 'off',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

/** Writes USER_DATA/User/settings.json: QUIET_SETTINGS plus `extra`. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2));
  return file;
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it for a server on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port from the OS'))));
    });
  });
}

export interface CodeServer {
  url: string;
  port: number;
  /** Leader of the process group: code-server and everything it spawned (extension host, pty host…). */
  pid: number;
  /** code-server's stdout and stderr, also in `logFile`. */
  output(): string;
  logFile: string;
  /** Ends the process group (SIGTERM, then SIGKILL after a grace period) and waits until it is gone. */
  stop(): Promise<void>;
}

export interface StartOptions {
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  bin?: string;
  /** Merged over QUIET_SETTINGS into User/settings.json. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /** Keep VS Code's workspace trust on (default off: tests drive a trusted workspace). */
  workspaceTrust?: boolean;
}

// Process groups we started and have not yet seen die: killed on exit or signal if a test forgets.
const liveGroups = new Set<number>();
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}
let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => liveGroups.forEach((g) => killGroup(g, 'SIGKILL')));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      liveGroups.forEach((g) => killGroup(g, 'SIGKILL'));
      // Others (playwright closes its browsers) may still want the signal; if none do, die of it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

/** Starts code-server on a free 127.0.0.1 port with a quiet profile and resolves once it answers HTTP. */
export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const bin = opts.bin ?? ensureCodeServer();
  mkdirSync(opts.extensionsDir, { recursive: true });
  writeUserSettings(opts.userDataDir, opts.settings);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    '--config', configFor(opts.userDataDir),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', opts.userDataDir,
    '--extensions-dir', opts.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    opts.workspace,
  ];
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, `code-server-${port}.log`);
  const logStream = createWriteStream(logFile);
  // detached: its own process group, so stop() reaches the extension host and helpers too, and
  // nothing else on the machine.
  const child: ChildProcess = spawn(bin, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...quietEnv(opts.userDataDir), ...opts.env },
  });
  const pid = child.pid;
  if (!pid) throw new Error(`could not start ${bin}`);
  installExitHooks();
  liveGroups.add(pid);
  let output = '';
  const onData = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    logStream.write(d);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) {
        killGroup(pid, 'SIGKILL');
        while (groupAlive(pid)) await sleep(100);
      }
      await Promise.race([exitPromise, sleep(2_000)]);
      liveGroups.delete(pid);
      logStream.end();
    })());

  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`code-server exited early (${exited.code ?? exited.signal}):\n${output}`);
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        return res.ok;
      },
      opts.readyTimeoutMs ?? 60_000,
      `code-server on ${url}`,
    );
  } catch (err) {
    await stop();
    if (exited) throw new Error(`code-server exited early (${exited.code ?? exited.signal}):\n${output}`);
    throw err;
  }
  return { url, port, pid, logFile, output: () => output, stop };
}

export interface Workbench {
  browser: Browser;
  page: Page;
}

/** Opens `url/?folder=FOLDER` in headless Chromium and waits for the workbench to render. */
export async function openWorkbench(url: string, folder: string, opts: { timeoutMs?: number; headless?: boolean } = {}): Promise<Workbench> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: opts.headless ?? true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: opts.timeoutMs ?? 60_000 });
    // The status bar is among the last parts laid out; after it, keybindings are live.
    await page.waitForSelector('.part.statusbar', { timeout: opts.timeoutMs ?? 60_000 });
    return { browser, page };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Runs a command from the palette: F1, types `title`, then picks the row whose label is exactly
 * `title` (fuzzy matching may put another command first, so no blind Enter). Commands contributed by
 * an extension appear only once the extension host has scanned it, so this retries until `timeoutMs`.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const exact = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
  const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    // F1 goes to whatever has focus; if that swallowed it, the command center opens the same widget.
    if (!(await input.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false))) {
      await page.locator('.command-center .action-item').first().click();
      await input.waitFor({ state: 'visible', timeout: 10_000 });
    }
    // The palette fills its list a moment after opening; text typed before that is not filtered on.
    await widget.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
    try {
      // The palette can close again before the text goes in (an editor opened by an earlier click takes
      // focus a moment later): a short fill inside the retry, not one that waits its 30 s on a hidden box.
      await input.fill(`>${title}`, { timeout: 3_000 });
      await row.waitFor({ state: 'visible', timeout: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
      // A click can be held up (the list re-renders while the extension host registers commands): retry, do not hang.
      await row.click({ timeout: 5_000 });
      // The palette is gone: hidden, or replaced at once by the command's own picker (Compare Runs), whose
      // box no longer holds the ">" text; waiting for "hidden" alone missed that and ran the command again.
      // A command that reloads the window (Developer: Reload Window) ends this page's context while
      // the wait runs: the command ran, so only a timeout means the click did not take.
      const gone = await page
        .waitForFunction(() => {
          const box = document.querySelector<HTMLElement>('.quick-input-widget');
          const text = box?.querySelector<HTMLInputElement>('.quick-input-box input')?.value ?? '';
          return !box || box.getClientRects().length === 0 || !text.startsWith('>');
        }, undefined, { timeout: 10_000 })
        .then(() => true, (err: Error) => err.name !== 'TimeoutError');
      if (gone) return;
      throw new Error('the palette stayed open after the click');
    } catch (err) {
      if (Date.now() > deadline) {
        await page.keyboard.press('Escape');
        throw new Error(`command "${title}" not found in the palette after ${attempt} tries: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
}

/**
 * Opens a spec file from the sidebar tree (its row's command opens it in an editor), so a command such
 * as Run applies to it. A click that lands while the tree redraws (a run folder just changed) is lost,
 * and the editor takes focus a moment after the click: click until its tab is the active one.
 */
export async function openFromTree(page: Page, file: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      await page.locator('.monaco-list-row', { hasText: file }).first().click();
      return page.locator('.tab.active', { hasText: file }).waitFor({ timeout: 3_000 }).then(() => true, () => false);
    },
    timeoutMs,
    `${file} open in the editor`,
  );
}

/**
 * Opens the activity-bar view container named `title` (its tooltip is "TITLE" or "TITLE (keybinding)");
 * a no-op when it is already open, since clicking an open one would close the side bar.
 */
export async function clickActivityBar(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const q = title.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const label = `a.action-label[aria-label="${q}"], a.action-label[aria-label^="${q} ("]`;
  const item = page.locator('.part.activitybar li.action-item', { has: page.locator(label) }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const isOpen = () => item.evaluate((el) => el.classList.contains('checked') || el.getAttribute('aria-selected') === 'true');
  if (!(await isOpen())) await item.click();
  await waitFor(isOpen, timeoutMs, `activity bar item "${title}" to open`);
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The first frame (webviews are iframes nested two deep) holding `selector`; polls page.frames(). */
export async function findFrameWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  return waitFor(
    async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        try {
          if (await frame.$(selector)) return frame;
        } catch {
          /* frame navigated or detached while we looked */
        }
      }
      return undefined;
    },
    timeoutMs,
    `a frame with "${selector}"`,
  );
}

/**
 * For each canvas matching `selector` in `frame`: how many pixels differ from that canvas's most
 * common colour (its background), i.e. how much has been drawn. Works for 2D and (preserved) WebGL
 * canvases by copying onto a scratch 2D canvas.
 */
export async function canvasInkedPixelsAll(frame: Frame, selector: string): Promise<number[]> {
  return frame.$$eval(selector, (els) =>
    els.map((el) => {
      const src = el as HTMLCanvasElement;
      if (!src.width || !src.height) return 0;
      const scratch = document.createElement('canvas');
      scratch.width = src.width;
      scratch.height = src.height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(src, 0, 0);
      const px = new Uint32Array(ctx.getImageData(0, 0, src.width, src.height).data.buffer);
      const counts = new Map<number, number>();
      let top = 0;
      for (const p of px) {
        const n = (counts.get(p) ?? 0) + 1;
        counts.set(p, n);
        if (n > top) top = n;
      }
      return px.length - top;
    }),
  );
}

/** Inked pixels of the first canvas matching `selector` (see canvasInkedPixelsAll); throws if none. */
export async function canvasInkedPixels(frame: Frame, selector: string): Promise<number> {
  const all = await canvasInkedPixelsAll(frame, selector);
  if (!all.length) throw new Error(`no canvas matches "${selector}"`);
  return all[0];
}

/** Texts of the notification toasts now shown (useful to explain a failure). */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** Dismisses every notification toast, so that a screenshot shows the product rather than toasts over it. */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
}

/** A full-page screenshot into test-artifacts/NAME.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits until `file` exists (and, if given, `accept(contents)` holds); returns its contents. */
export async function waitForFile(file: string, timeoutMs: number, accept?: (text: string) => boolean): Promise<string> {
  let text = '';
  await waitFor(
    () => {
      if (!existsSync(file) || !statSync(file).isFile()) return false;
      text = readFileSync(file, 'utf8');
      return !accept || accept(text);
    },
    timeoutMs,
    `file ${file}`,
    500,
  );
  return text;
}

/** Times a phase and logs it: `await phase('install', () => ...)`. Collects into `timings`. */
export function phaseTimer(): { phase<T>(name: string, fn: () => T | Promise<T>): Promise<T>; timings: Record<string, number> } {
  const timings: Record<string, number> = {};
  return {
    timings,
    async phase(name, fn) {
      const t0 = Date.now();
      try {
        return await fn();
      } finally {
        timings[name] = Date.now() - t0;
        log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    },
  };
}

/** One e2e test's throwaway folders, all under one temp dir: the workspace, extensions and profile. */
export function e2eFolders(prefix: string): { tmp: string; workspace: string; extensionsDir: string; userDataDir: string } {
  const tmp = mkdtempSync(path.join(tmpdir(), prefix));
  return { tmp, workspace: path.join(tmp, 'workspace'), extensionsDir: path.join(tmp, 'extensions'), userDataDir: path.join(tmp, 'user-data') };
}

/** One stderr line with every phase's duration, so a slow CI run shows where the time went. */
export function logTimings(timings: Record<string, number>): void {
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  log(`timings (s): ${Object.entries(timings).map(([k, v]) => `${k}=${(v / 1000).toFixed(1)}`).join(', ')}; total=${(total / 1000).toFixed(1)}`);
}

/** What a failing e2e test leaves to read: a screenshot, the editor's toasts, code-server's output. */
export async function reportFailure(wb: Workbench | undefined, server: CodeServer | undefined, shotName: string): Promise<void> {
  if (wb) {
    await screenshot(wb.page, shotName).catch(() => {});
    const toasts = await notificationTexts(wb.page).catch(() => []);
    if (toasts.length) log(`notifications: ${toasts.join(' | ')}`);
  }
  if (server) log(`code-server log (${server.logFile}), tail:\n${server.output().slice(-3000)}`);
}

/** Fails at once, with the editor's own words, when the extension reports an error. */
export async function assertNoErrorToast(page: Page, doing: string): Promise<void> {
  const errors = await page.locator('.notifications-toasts .notification-list-item:has(.codicon-error) .notification-list-item-message').allInnerTexts();
  if (errors.length) throw new Error(`the extension showed an error while ${doing}: ${errors.join(' | ')}`);
}
