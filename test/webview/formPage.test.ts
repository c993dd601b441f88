// The generated authoring form in Chromium, as VS Code would show it: the real bundle inside
// formHtml()'s strict CSP, a mock acquireVsCodeApi recording what the form posts, and `load`
// messages carrying the JSON Schema. Checks the controls drawn, edits sent, and problems shown.
import assert from 'node:assert/strict';
import { formLayout } from '../../webview/form/formLayout';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Frame, Page } from 'playwright-core';
import { z } from 'zod';
import { ExperimentSchema, ModelSchema } from '../../src/core/spec/experimentSpec';
import { sweepJsonSchema } from '../../src/core/spec/sweepSpec';
import { formHtml } from '../../src/extension/formHtml';
import { activeBranch } from '../../webview/form/fieldValues';
import { type FormField, type JsonSchema, formFields } from '../../webview/form/schemaFields';
import { DARK_THEME, launchChromium } from './panelPage';

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const example = (name: string) => JSON.parse(readFileSync(path.join(ROOT, 'examples', name), 'utf8')) as Record<string, unknown>;

type Sent = { type: string; spec?: Record<string, unknown> };
declare global {
  interface Window {
    __formSent: Sent[];
    __formViolations: string[];
  }
}

/** The form's page in a temp folder: its bundle built as scripts/build.mjs builds it, its CSS, a dark theme. */
async function writeFormPage(dir: string): Promise<string> {
  await build({ entryPoints: { form: path.join(ROOT, 'webview/form/main.ts') }, outdir: dir, bundle: true, platform: 'browser', format: 'iife', target: 'es2020', minify: true, logLevel: 'warning' });
  copyFileSync(path.join(ROOT, 'media/form.css'), path.join(dir, 'form.css'));
  writeFileSync(path.join(dir, 'theme.css'), `:root {\n${Object.entries(DARK_THEME).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`);
  const nonce = randomBytes(16).toString('base64');
  const mock = `window.__formSent = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__formSent.push(JSON.parse(JSON.stringify(m))) });`;
  let html = formHtml({ cspSource: 'file:', nonce, scriptUri: pathToFileURL(path.join(dir, 'form.js')).href, styleUri: pathToFileURL(path.join(dir, 'form.css')).href });
  html = html.replace('</head>', `<link rel="stylesheet" href="${pathToFileURL(path.join(dir, 'theme.css')).href}">\n</head>`);
  html = html.replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}">${mock}</script>\n<script nonce="${nonce}" src=`);
  writeFileSync(path.join(dir, 'index.html'), html);
  return pathToFileURL(path.join(dir, 'index.html')).href;
}

/** The controls the form should draw for this spec: every leaf, and of a union only the form its value has. */
function visibleLeaves(fields: FormField[], spec: unknown): FormField[] {
  return fields.flatMap((f) =>
    f.kind === 'group' ? visibleLeaves(f.children ?? [], spec) : f.kind === 'union' ? visibleLeaves([f.branches![activeBranch(f, spec)].field], spec) : [f],
  );
}
const idOf = (p: string) => `f-${p.replace(/\./g, '-')}`;

describe('authoring form in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let dir: string;
  let url: string;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(path.join(tmpdir(), 'form-page-'));
    url = await writeFormPage(dir);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(load: Record<string, unknown>): Promise<Frame> {
    const context = await browser.newContext({ viewport: { width: 360, height: 1400 } });
    page = await context.newPage();
    problems.length = 0;
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => (m.type() === 'error' ? problems.push(`console.error: ${m.text()}`) : undefined));
    await page.addInitScript(() => {
      window.__formViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__formViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} ${e.sample}`));
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__formSent?.some((m) => m.type === 'ready'));
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'load', problems: [], trusted: true, ...load });
    await page.waitForSelector('main#form .actions');
    return page.mainFrame();
  }
  const edits = async () => (await page.evaluate(() => window.__formSent)).filter((m) => m.type === 'edit');
  const lastEdit = async () => {
    await page.waitForFunction(() => window.__formSent.some((m) => m.type === 'edit'));
    return (await edits()).at(-1)!.spec!;
  };
  const errorAfter = (id: string) => page.evaluate((i) => {
    let el = document.getElementById(i)?.closest('.dropdown-field') ?? document.getElementById(i);
    while (el && !el.classList.contains('error')) el = el.nextElementSibling;
    return el?.textContent ?? null;
  }, id);

  it('draws a control for every field of a sweep and edits it in place', { timeout: 60_000 }, async () => {
    const spec = example('and-sweep.sweep.json');
    const schema = sweepJsonSchema() as JsonSchema;
    const form = await open({ file: 'and-sweep.sweep.json', kind: 'sweep', spec, schema });
    const { lead, rest } = formLayout(formFields(schema));
    const expected = visibleLeaves([...lead, ...rest], spec).map((f) => idOf(f.path));
    const drawn = await form.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), expected);
    assert.deepEqual(drawn, [], 'every field has its control');
    // The form leads with what a sweep measures; the fixed version and kind are not shown; Save/Run stay in view.
    assert.deepEqual(await form.evaluate(() => ['f-version', 'f-kind'].filter((id) => document.getElementById(id))), [], 'version and kind are hidden');
    const leadIds = await form.$$eval('#f-lead [id^="f-"]', (els) => els.map((e) => e.id));
    for (const id of ['f-contextLengths--group', 'f-trainSizes--group', 'f-seeds']) assert.ok(leadIds.some((x) => x.startsWith(id.replace('--group', ''))), `${id} in the lead section (${leadIds.join(' ')})`);
    assert.ok(await form.evaluate(() => Boolean(document.getElementById('f-lead')!.compareDocumentPosition(document.getElementById('f-base--group')!) & Node.DOCUMENT_POSITION_FOLLOWING)), 'the lead section comes before the base experiment');
    assert.equal(await form.evaluate(() => getComputedStyle(document.querySelector('.bar')!).position), 'sticky');
    assert.ok(expected.includes('f-base-seed') && expected.includes('f-base-data-testSize') && expected.includes('f-compareWith'));
    // Values shown as in the file, defaults as placeholders; loading sends nothing back.
    assert.equal(await form.evaluate(() => (document.getElementById('f-base-model-init') as HTMLElement & { value: string }).value), 'normal-0.02');
    assert.equal(await form.locator('#f-trainSizes-points input').inputValue(), '13');
    assert.equal(await form.locator('#f-base-task-noise input').getAttribute('placeholder'), '0');
    assert.deepEqual(JSON.parse(await form.locator('#f-compareWith textarea').inputValue()), spec.compareWith);
    assert.deepEqual(await edits(), []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'form-sweep.png'), fullPage: true });

    await form.locator('#f-base-seed input').fill('7');
    assert.equal((await lastEdit()).base && ((await lastEdit()).base as { seed: number }).seed, 7);

    // Not JSON: a problem under the area, nothing sent.
    const before = (await edits()).length;
    await form.locator('#f-compareWith textarea').fill('[{ "model": ');
    await form.locator('#f-compareWith textarea').blur();
    await page.waitForFunction(() => /not valid JSON/.test(document.body.textContent ?? ''));
    assert.match((await errorAfter('f-compareWith')) ?? '', /not valid JSON/);
    assert.equal((await edits()).length, before);

    // The range becomes a list: the dropdown switches the form, the list is typed comma-separated.
    await form.locator('#f-trainSizes--form').click();
    await form.locator('#f-trainSizes--form vscode-option', { hasText: 'list of numbers' }).click();
    await form.locator('#f-trainSizes input').fill('8, 16, 32');
    await page.waitForFunction(() => JSON.stringify(window.__formSent.at(-1)) .includes('[8,16,32]'));
    assert.deepEqual((await lastEdit()).trainSizes, [8, 16, 32]);
    assert.equal(await form.locator('#f-trainSizes-min').count(), 0);

    // The host's problems land next to their field (or the nearest enclosing control).
    await page.evaluate(() => window.postMessage({ type: 'problems', problems: ['base.task.s: must be ≤ 64 (got 99)', 'compareWith.0.model.heads: must be ≥ 1'] }, '*'));
    await page.waitForFunction(() => /must be ≤ 64/.test(document.body.textContent ?? ''));
    assert.equal(await errorAfter('f-base-task-s'), 'must be ≤ 64 (got 99)');
    assert.match((await errorAfter('f-compareWith')) ?? '', /not valid JSON.*; must be ≥ 1/);
    assert.deepEqual(await page.evaluate(() => window.__formViolations), []);
    assert.deepEqual(problems, []);
  });

  it('picks up a schema field it has never seen (model.maxNorm)', { timeout: 60_000 }, async () => {
    const schema = z.toJSONSchema(
      ExperimentSchema.safeExtend({ model: ModelSchema.extend({ maxNorm: z.number().gt(0).optional() }).prefault({}) }),
      { io: 'input', unrepresentable: 'any' },
    );
    const form = await open({ file: null, kind: 'experiment', spec: example('parity-T16.experiment.json'), schema });
    await form.locator('#f-model-maxNorm input').fill('2.5');
    assert.equal(((await lastEdit()).model as { maxNorm: number }).maxNorm, 2.5);
    await form.locator('#f-model-init').click();
    await form.locator('#f-model-init vscode-option', { hasText: 'normal-0.02' }).click();
    await page.waitForFunction(() => JSON.stringify(window.__formSent.at(-1)).includes('normal-0.02'));
    assert.deepEqual((await lastEdit()).model, { arch: 'transformer', layers: 1, heads: 4, dModel: 64, mlpRatio: 4, maxNorm: 2.5, init: 'normal-0.02' });
    assert.equal(await form.locator('vscode-button', { hasText: 'Run' }).count(), 1);
    assert.deepEqual(await page.evaluate(() => window.__formViolations), []);
    assert.deepEqual(problems, []);
  });

  it('shows what the file holds even where it is not allowed, with the host\'s problem next to it', { timeout: 60_000 }, async () => {
    const spec = example('parity-T16.experiment.json');
    (spec.model as Record<string, unknown>).heads = 'four';
    (spec.task as Record<string, unknown>).kind = 'xor';
    const problems = ['model.heads: heads must be a number (got "four")', 'task.kind: must be one of parity, and, or, majority, junta (got "xor")'];
    const form = await open({ file: 'p.experiment.json', kind: 'experiment', spec, schema: z.toJSONSchema(ExperimentSchema, { io: 'input', unrepresentable: 'any' }), problems });
    assert.equal(await form.locator('#f-model-heads input').inputValue(), 'four');
    assert.equal(await form.evaluate(() => (document.getElementById('f-task-kind') as HTMLElement & { value: string }).value), 'xor');
    assert.equal(await errorAfter('f-model-heads'), 'heads must be a number (got "four")');
    assert.match((await errorAfter('f-task-kind')) ?? '', /must be one of/);
    assert.deepEqual(await edits(), []);
  });
});
