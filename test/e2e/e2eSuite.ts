// The scaffolding every e2e suite shares, on node:test (codeServer.ts stays framework-free):
// throwaway folders, code-server installed once before the tests, and afterwards the browser
// closed, code-server's process group stopped, the folders removed and the phase timings logged.
//
//   const suite = e2eSuite('sa-e2e-');
//   it('…', async () => suite.guard('my-failure', async () => {
//     await suite.installVsix(vsixFile);
//     const page = await suite.open({ settings: { … } });
//   }));
import { rmSync } from 'node:fs';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type CodeServer,
  type StartOptions,
  type Workbench,
  e2eFolders,
  ensureCodeServer,
  installVsix,
  logTimings,
  openWorkbench,
  phaseTimer,
  reportFailure,
  startCodeServer,
} from './codeServer';

export interface E2eSuite {
  tmp: string;
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  phase: ReturnType<typeof phaseTimer>['phase'];
  /** Set while they run; a test may stop them itself and clear these. */
  server?: CodeServer;
  wb?: Workbench;
  /** Installs a VSIX into this suite's extensions folder and profile. */
  installVsix(vsix: string): Promise<void>;
  /** Starts code-server on the workspace and opens its workbench in Chromium. */
  open(opts?: Pick<StartOptions, 'settings' | 'workspaceTrust'>): Promise<Page>;
  /** Runs a test body; if it throws, leaves a screenshot, the toasts and code-server's output first. */
  guard(failureShot: string, body: () => Promise<void>): Promise<void>;
}

export function e2eSuite(prefix: string): E2eSuite {
  const { phase, timings } = phaseTimer();
  const folders = e2eFolders(prefix);
  let bin = '';

  // One-time install, bounded apart from the tests (a fresh machine needs apt + npm).
  before(async () => {
    bin = await phase('ensure code-server', () => ensureCodeServer());
  }, { timeout: 15 * 60_000 });

  const suite: E2eSuite = {
    ...folders,
    phase,
    installVsix: (vsix) => phase('install VSIX', () => installVsix(bin, vsix, folders.extensionsDir, folders.userDataDir)),
    async open(opts = {}) {
      suite.server = await phase('start code-server', () => startCodeServer({ bin, ...folders, ...opts }));
      suite.wb = await phase('open workbench', () => openWorkbench(suite.server!.url, folders.workspace));
      return suite.wb.page;
    },
    async guard(failureShot, body) {
      try {
        await body();
      } catch (err) {
        await reportFailure(suite.wb, suite.server, failureShot);
        throw err;
      }
    },
  };

  after(async () => {
    await suite.wb?.browser.close().catch(() => {});
    await suite.server?.stop();
    rmSync(folders.tmp, { recursive: true, force: true });
    logTimings(timings);
  });
  return suite;
}
