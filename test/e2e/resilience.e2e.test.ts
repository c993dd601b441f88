// The extension keeps its footing when something unusual happens, in a real VS Code (code-server +
// Chromium): the form's Save with no file open goes through the save dialog and keeps the form's
// values; a run started from the CLI in a terminal appears in the tree while it trains; a trainer killed
// with SIGKILL shows as interrupted and can be deleted; after Reload Window the results panel shows
// the same run again, and a panel on the runs table comes back on it with the same runs.
// Run: node --import tsx --test test/e2e/resilience.e2e.test.ts   (needs `npm run build` first)
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT, clickActivityBar, findFrameWith, openFromTree, packageVsix, runCommand, waitFor } from './codeServer';
import { e2eSuite } from './e2eSuite';

const experiment = (name: string, training: Record<string, unknown>) => ({
  version: 1,
  name,
  task: { kind: 'and', T: 12, s: 3 },
  data: { trainSize: 24, testSize: 256 },
  model: { arch: 'transformer', layers: 1, heads: 2, dModel: 16, mlpRatio: 2 },
  training: { learningRate: 0.003, batchSize: 32, evalEvery: 10, targetAccuracy: 1, ...training },
  seed: 1,
});

const runsOf = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** The tree row of a run: under its experiment, labelled by what differs ("seed 1"), its id's stamp last. */
const runRow = (page: Page, runId: string) => page.locator('.monaco-list-row', { hasText: runId.replace(/^.*?-s\d+-/, '') }).first();

async function pickerValue(frame: Frame): Promise<string> {
  return frame.evaluate(() => (document.querySelector('#view-picker') as HTMLSelectElement | null)?.value ?? '');
}

describe('Sparse Attention Lab keeps its state (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-resilience-');
  const { phase, tmp, workspace } = suite;
  const runsDir = path.join(workspace, '.sparse-attention', 'runs');
  let cli: ChildProcess | undefined;

  it('saves the form through the dialog, shows CLI runs live, marks a killed run interrupted, restores the panel (a run, the runs table) after a reload', { timeout: 8 * 60_000 }, () =>
    suite.guard('resilience-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      writeFileSync(path.join(workspace, 'quick.experiment.json'), JSON.stringify(experiment('quick', { maxSteps: 60 }), null, 2));
      writeFileSync(path.join(workspace, 'slow.experiment.json'), JSON.stringify(experiment('slow', { maxSteps: 200_000 }), null, 2));
      // A slow learning rate keeps the CLI run training for several seconds, so "live" can be asserted.
      writeFileSync(path.join(workspace, 'from-cli.experiment.json'), JSON.stringify(experiment('from-cli', { maxSteps: 1500, learningRate: 0.0001 }), null, 2));
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm' } });
      await clickActivityBar(page, 'Sparse Attention');
      await page.locator('.monaco-list-row', { hasText: 'from-cli' }).first().waitFor({ timeout: 60_000 });

      // 1. The form with no file open: edit the name, Save, accept the dialog's suggestion.
      await phase('form save with no file', async () => {
        const form = await findFrameWith(page, 'main#form .file', 30_000);
        await waitFor(() => form.evaluate(() => /No experiment file open/.test(document.querySelector('main#form .file')?.textContent ?? '')), 20_000, 'the form without a file');
        await form.locator('#f-name input').fill('from-form');
        await form.locator('#f-task-T input').fill('21');
        await form.locator('vscode-button', { hasText: 'Save' }).click();
        // code-server has no native dialogs: VS Code's own save dialog is a quick input holding the path.
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        // It opens on the folder, then fills in the suggested name.
        await waitFor(async () => /workspace\/from-form\.experiment\.json$/.test(await input.inputValue()), 20_000, 'the dialog to suggest from-form.experiment.json');
        await page.keyboard.press('Enter');
        const saved = path.join(workspace, 'from-form.experiment.json');
        await waitFor(() => existsSync(saved), 20_000, 'the saved file');
        const spec = JSON.parse(readFileSync(saved, 'utf8'));
        assert.equal(spec.name, 'from-form');
        assert.equal(spec.task.T, 21, 'the form\'s values, not the template\'s');
      });

      // 2. A run started from the CLI in a terminal shows up in the tree while it trains.
      await phase('CLI run appears', async () => {
        cli = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'sparse-attention.js'), 'run', 'from-cli.experiment.json', '--backend', 'wasm'], { cwd: workspace, stdio: 'ignore' });
        const runId = await waitFor(() => runsOf(runsDir).find((id) => id.startsWith('from-cli-s1-')), 30_000, 'the CLI run folder', 20);
        const t0 = Date.now();
        await runRow(page, runId).waitFor({ timeout: 10_000 });
        const ms = Date.now() - t0;
        process.stderr.write(`[e2e] CLI run in the tree ${ms} ms after its folder appeared\n`);
        // Behaviour, not a timing: the tree shows the run while it still trains (the watcher, not a later refresh).
        assert.equal(cli.exitCode, null, `the CLI run had already ended when its row appeared (${ms} ms after its folder)`);
        await new Promise((resolve) => cli!.on('exit', resolve));
      });

      // 3. A trainer killed with SIGKILL: the tree says interrupted, and Delete removes it.
      await phase('killed run', async () => {
        const before = new Set(runsOf(runsDir));
        await openFromTree(page, 'slow.experiment.json');
        await runCommand(page, 'Sparse Attention: Run Experiment');
        const runId = await waitFor(() => runsOf(runsDir).find((id) => !before.has(id) && id.startsWith('slow-')), 30_000, 'the slow run folder');
        const runDir = path.join(runsDir, runId);
        await waitFor(() => existsSync(path.join(runDir, 'events.jsonl')) && /"type":"metrics"/.test(readFileSync(path.join(runDir, 'events.jsonl'), 'utf8')), 60_000, 'a first evaluation');
        const { pid } = JSON.parse(readFileSync(path.join(runDir, 'trainer.json'), 'utf8'));
        process.kill(pid, 'SIGKILL');
        const row = runRow(page, runId);
        await waitFor(async () => /interrupted/.test((await row.textContent()) ?? ''), 20_000, 'the killed run shown as interrupted');
        await row.click({ button: 'right' });
        const item = page.locator('.monaco-menu .action-label', { hasText: 'Delete Run' });
        await item.waitFor({ timeout: 10_000 });
        // VS Code's context menu ignores a mouse-up that comes right after it opened.
        await page.waitForTimeout(600);
        await item.click();
        await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Delete' }).click();
        await waitFor(() => !existsSync(runDir), 20_000, 'the interrupted run deleted');
      });

      // 4. Reload Window with the results panel open: the same run is shown again.
      await phase('reload restores the panel', async () => {
        const before = new Set(runsOf(runsDir));
        await openFromTree(page, 'quick.experiment.json');
        await runCommand(page, 'Sparse Attention: Run Experiment');
        const runId = await waitFor(() => runsOf(runsDir).find((id) => !before.has(id) && existsSync(path.join(runsDir, id, 'summary.json'))), 90_000, 'the quick run');
        // Clicking the run opens the results panel on it. The tree may be redrawing just then (the run
        // has just finished and its folder changed), which can swallow a click: click until it shows.
        let panel = await waitFor(
          async () => {
            await runRow(page, runId).click();
            const frame = await findFrameWith(page, '#view-picker', 5_000).catch(() => undefined);
            return frame && (await waitFor(async () => (await pickerValue(frame)) === `run:${runId}`, 5_000, 'the run').then(() => true, () => false)) ? frame : undefined;
          },
          45_000,
          'the panel showing the run',
        );
        await runCommand(page, 'Developer: Reload Window');
        await page.waitForTimeout(2_000);
        panel = await findFrameWith(page, '#view-picker', 90_000);
        await waitFor(async () => (await pickerValue(panel)) === `run:${runId}`, 30_000, 'the same run after the reload').catch(async (err) => {
          throw new Error(`${(err as Error).message}; the panel shows "${await pickerValue(panel)}"`);
        });
        const acc = JSON.parse(readFileSync(path.join(runsDir, runId, 'summary.json'), 'utf8')).testAccuracy as number;
        const shown = await panel.evaluate(() => {
          const dt = Array.from(document.querySelectorAll('.run-view dl.facts dt')).find((d) => d.textContent?.trim() === 'Test accuracy');
          return dt?.nextElementSibling?.textContent?.trim() ?? null;
        });
        assert.equal(shown, `${(acc * 100).toFixed(1)}%`);
      });

      // 5. The runs table survives a reload too: the page saved the runs it listed, the host reads them back.
      await phase('reload restores the runs table', async () => {
        const cliRun = runsOf(runsDir).find((id) => id.startsWith('from-cli-s1-'))!;
        let panel = await waitFor(
          async () => {
            await runRow(page, cliRun).click();
            const frame = await findFrameWith(page, '#view-picker', 5_000).catch(() => undefined);
            return frame && (await waitFor(async () => (await pickerValue(frame)) === `run:${cliRun}`, 5_000, 'the CLI run').then(() => true, () => false)) ? frame : undefined;
          },
          45_000,
          'the panel showing the CLI run as well',
        );
        await panel.selectOption('#view-picker', 'table');
        await panel.locator('#runs-table tbody tr').nth(1).waitFor({ timeout: 10_000 });
        const rowsBefore = await panel.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.runId ?? '').sort());
        assert.ok(rowsBefore.includes(cliRun) && rowsBefore.length >= 2, `the table lists the panel's runs: ${rowsBefore.join(', ')}`);
        await runCommand(page, 'Developer: Reload Window');
        await page.waitForTimeout(2_000);
        panel = await findFrameWith(page, '#view-picker', 90_000);
        await waitFor(async () => (await pickerValue(panel)) === 'table', 30_000, 'the runs table after the reload').catch(async (err) => {
          throw new Error(`${(err as Error).message}; the panel shows "${await pickerValue(panel)}"`);
        });
        await panel.locator('#runs-table tbody tr').nth(rowsBefore.length - 1).waitFor({ timeout: 10_000 });
        const rowsAfter = await panel.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.runId ?? '').sort());
        assert.deepEqual(rowsAfter, rowsBefore);
      });
    }).finally(() => cli?.kill()),
  );
});
