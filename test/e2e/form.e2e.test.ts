// The experiment form keeps every keystroke (issue 20), in a real VS Code (code-server + Chromium):
// typing into three fields with pauses (longer than the host's write-back and echo) leaves focus in
// the field and exactly the typed values in the controls and, after Save, in the file — in the
// file's own key order; Ctrl+A selects the field's text, not the JSON file in the editor.
// Run: node --import tsx --test test/e2e/form.e2e.test.ts   (needs `npm run build` first)
// Screenshot (form.png) goes to test-artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { REPO_ROOT, assertNoErrorToast, clickActivityBar, findFrameWith, openFromTree, packageVsix, screenshot, waitFor } from './codeServer';
import { e2eSuite } from './e2eSuite';
import { tinyExperiment } from './tinySpecs';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const focusedId = (form: Frame) => form.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('[id^="f-"]')?.id ?? document.activeElement?.tagName ?? '');
const valueOf = (form: Frame, id: string) => form.locator(`#${id} input`).inputValue();

describe('the experiment form keeps every keystroke (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-form-');
  const { phase, tmp, workspace } = suite;

  it('types into three fields with pauses: the controls and the file hold exactly what was typed', { timeout: 5 * 60_000 }, () =>
    suite.guard('form-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      const file = path.join(workspace, 'typing.experiment.json');
      writeFileSync(file, JSON.stringify(tinyExperiment('typing'), null, 2) + '\n');
      const keysBefore = Object.keys(JSON.parse(readFileSync(file, 'utf8')).training);
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm' } });
      await phase('open the file', async () => {
        await clickActivityBar(page, 'Sparse Attention');
        await openFromTree(page, 'typing.experiment.json');
      });
      const form = await phase('find the form', () => findFrameWith(page, '#f-task-noise', 30_000));
      await waitFor(() => form.evaluate(() => /typing\.experiment\.json/.test(document.querySelector('.file')?.textContent ?? '')), 20_000, 'the form on typing.experiment.json');

      // Each field: click, select all with Ctrl+A, type slowly, then wait past the write-back and its echo.
      const typed: [string, string][] = [
        ['f-task-noise', '0.05'],
        ['f-task-T', '16'],
        ['f-training-learningRate', '0.001'],
      ];
      await phase('type with pauses', async () => {
        for (const [id, text] of typed) {
          await form.locator(`#${id} input`).click();
          await page.keyboard.press('Control+A');
          await page.keyboard.type(text, { delay: 120 });
          await pause(1_500);
          assert.equal(await focusedId(form), id, `focus stayed in ${id}`);
          assert.equal(await valueOf(form, id), text, `${id} holds what was typed`);
        }
        // A second round on the first field: edit in the middle of the text after a pause.
        await form.locator('#f-task-noise input').click();
        await page.keyboard.press('End');
        await page.keyboard.type('5', { delay: 120 });
        await pause(1_500);
        assert.equal(await valueOf(form, 'f-task-noise'), '0.055');
        assert.equal(await focusedId(form), 'f-task-noise');
        // Ctrl+A stayed in the field: the editor's document was not selected and replaced.
        const editorText = (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
        assert.match(editorText, /"noise": 0\.055/, 'the editor shows the form’s edit');
      });
      await phase('save and read the file', async () => {
        await form.locator('vscode-button', { hasText: 'Save' }).click();
        const spec = await waitFor(() => {
          const s = JSON.parse(readFileSync(file, 'utf8'));
          return s.task.noise === 0.055 ? s : undefined;
        }, 20_000, 'the saved file');
        assert.equal(spec.task.noise, 0.055);
        assert.equal(spec.task.T, 16);
        assert.equal(spec.training.learningRate, 0.001);
        assert.deepEqual(Object.keys(spec.training), keysBefore, 'the file keeps its key order');
        for (const [id] of typed.slice(1)) assert.equal(await valueOf(form, id), id === 'f-task-T' ? '16' : '0.001', `${id} still holds what was typed`);
        await assertNoErrorToast(page, 'typing in the form');
        await screenshot(page, 'form');
      });
      // s > T: a rule between fields, which the editor's JSON Schema cannot express, shows on the JSON too.
      await phase('cross-field problem in the editor', async () => {
        const squiggles = page.locator('.monaco-editor .squiggly-error');
        assert.equal(await squiggles.count(), 0, 'a valid file has no squiggles');
        await form.locator('#f-task-s input').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.type('20', { delay: 120 });
        await waitFor(async () => ((await squiggles.count()) > 0 ? true : undefined), 20_000, 'a squiggle under s > T in the editor');
        const problems = (await page.locator('.statusbar-item[id="status.problems"], #status\\.problems').first().innerText()).replace(/\s+/g, ' ');
        process.stderr.write(`[e2e] status bar problems: ${problems}\n`);
        assert.match(problems, /1/, 'the Problems count names it');
        await screenshot(page, 'form-diagnostic');
        await page.keyboard.press('Control+A');
        await page.keyboard.type('3', { delay: 120 });
        await waitFor(async () => ((await squiggles.count()) === 0 ? true : undefined), 20_000, 'the squiggle gone once s ≤ T');
      });
    }));
});
