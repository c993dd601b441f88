// Restricted mode, as a user who has not trusted a folder meets it: the extension still lists and
// opens experiments (authoring and viewing), but Run from the palette explains that training needs
// trust and starts nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, clickActivityBar, notificationTexts, packageVsix, runCommand, screenshot, waitFor } from './codeServer';
import { e2eSuite } from './e2eSuite';

const EXPERIMENT = {
  version: 1,
  name: 'untrusted-and',
  task: { kind: 'and', T: 8, s: 2 },
  data: { trainSize: 16, testSize: 64 },
  model: { heads: 2, dModel: 8, mlpRatio: 1 },
  training: { maxSteps: 20, evalEvery: 10 },
};

describe('Sparse Attention Lab in an untrusted workspace (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-e2e-untrusted-');
  const { phase, tmp, workspace } = suite;

  it('lists the experiment but refuses to train, saying why', { timeout: 4 * 60_000 }, () =>
    suite.guard('untrusted-failure', async () => {
      await suite.installVsix(await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix'))));
      mkdirSync(workspace, { recursive: true });
      writeFileSync(path.join(workspace, 'untrusted-and.experiment.json'), JSON.stringify(EXPERIMENT, null, 2) + '\n');
      // Trust on, no prompt: the folder opens in restricted mode, as an unknown folder does.
      const settings = { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' };
      const page = await suite.open({ settings, workspaceTrust: true });

      await phase('open sidebar', async () => {
        await clickActivityBar(page, 'Sparse Attention');
        await page.locator('.monaco-list-row', { hasText: 'untrusted-and' }).first().waitFor({ timeout: 60_000 });
      });
      await phase('run from the palette', () => runCommand(page, 'Sparse Attention: Run Experiment'));
      const message = await phase('wait for the explanation', () =>
        waitFor(async () => (await notificationTexts(page)).find((t) => /untrusted workspace/i.test(t)), 30_000, 'a notification about the untrusted workspace'),
      );
      assert.match(message, /Training is disabled in an untrusted workspace/);
      await page.waitForTimeout(2_000); // a trainer, had one started, would have written its run folder by now
      assert.equal(existsSync(path.join(workspace, '.sparse-attention')), false, 'nothing was trained or written');
      await phase('screenshot', () => screenshot(page, 'untrusted-workspace'));
    }));
});
