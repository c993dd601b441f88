// The results panel in real Chromium: the shipped bundle under the shipped CSP, fed the recorded
// fixtures the way the host feeds it. Checks what is drawn by reading pixels back from the canvases.
// Run: node --import tsx --test test/webview/resultsPanel.test.ts
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PanelToHost } from '../../src/protocol/panelMessages';
import { runEventMessages, runEvents, runId, runSnapshot, sweepEventMessages, sweepSnapshot } from './fixtures';
import { DARK_THEME, type PanelPage, buildPanelBundle, countColour, hex, launchChromium, openPanel } from './panelPage';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const BLUE = hex(DARK_THEME['--vscode-charts-blue']);
const ORANGE = hex(DARK_THEME['--vscode-charts-orange']);
const RED = hex(DARK_THEME['--vscode-charts-red']);
const BACKGROUND = hex(DARK_THEME['--vscode-editor-background']);

/** Brightness of each input bit's cell in a head's [CLS] strip, read from the canvas pixels: distance from the background. */
function stripIntensities(page: Page, layer: number, head: number, background: number[]): Promise<number[]> {
  return page.evaluate(
    ({ layer, head, background }) => {
      const h = window.__panelDebug.heatmap()!;
      const tile = h.layout.tiles.find((t) => t.layer === layer && t.head === head)!;
      const canvas = document.getElementById('attention-canvas') as HTMLCanvasElement;
      const scale = canvas.width / h.layout.width;
      const ctx = canvas.getContext('2d')!;
      const T = h.n - 1;
      return Array.from({ length: T }, (_, i) => {
        const x = Math.floor((tile.strip.x + ((i + 0.5) * tile.strip.w) / T) * scale);
        const y = Math.floor((tile.strip.y + tile.strip.h / 2) * scale);
        const d = ctx.getImageData(x, y, 1, 1).data;
        return Math.abs(d[0] - background[0]) + Math.abs(d[1] - background[1]) + Math.abs(d[2] - background[2]);
      });
    },
    { layer, head, background },
  );
}

/** Input bits whose marker slot under the strip holds the marker colour. */
function markedPositions(page: Page, layer: number, head: number, marker: number[]): Promise<number[]> {
  return page.evaluate(
    ({ layer, head, marker }) => {
      const h = window.__panelDebug.heatmap()!;
      const tile = h.layout.tiles.find((t) => t.layer === layer && t.head === head)!;
      const canvas = document.getElementById('attention-canvas') as HTMLCanvasElement;
      const scale = canvas.width / h.layout.width;
      const ctx = canvas.getContext('2d')!;
      const T = h.n - 1;
      const marked: number[] = [];
      for (let i = 0; i < T; i++) {
        const x = Math.floor((tile.strip.x + ((i + 0.5) * tile.strip.w) / T) * scale);
        const y = Math.floor((tile.markers.y + tile.markers.h - 2) * scale);
        const d = ctx.getImageData(x, y, 1, 1).data;
        if (Math.abs(d[0] - marker[0]) + Math.abs(d[1] - marker[1]) + Math.abs(d[2] - marker[2]) < 60) marked.push(i);
      }
      return marked;
    },
    { layer, head, marker },
  );
}

/**
 * An exported SVG is a real vector drawing: well-formed XML, no embedded <image>, the chart's lines
 * as <path>s (the series as one polyline in its colour), the axis labels as <text>. Returns the stroke colours (as
 * "r,g,b") and the texts found.
 */
async function assertVectorSvg(page: Page, svg: string, title: string, series: number[]): Promise<{ strokes: string[]; texts: string[] }> {
  assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
  assert.doesNotMatch(svg, /<image|data:image/, 'no embedded bitmap');
  // Parsed by the browser's own XML parser; colours normalised here (hex or rgb()/rgba() as drawn).
  const raw = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.nodeName,
      title: doc.querySelector('svg > title')?.textContent ?? '',
      paths: doc.querySelectorAll('path').length,
      strokes: Array.from(doc.querySelectorAll('path[stroke]')).map((p) => [p.getAttribute('stroke') ?? '', (p.getAttribute('d') ?? '').split('L').length - 1] as const),
      texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? ''),
      background: doc.querySelector('rect[fill]')?.getAttribute('fill') ?? '',
    };
  }, svg);
  const rgb = (c: string) => (c.startsWith('#') ? hex(c).join(',') : c.replace(/^rgba?\(|\)$|\s/g, '').split(',').slice(0, 3).join(','));
  const parsed = { ...raw, strokes: [...new Set(raw.strokes.map(([c]) => rgb(c)))] };
  assert.equal(parsed.error, null, 'well-formed XML');
  assert.equal(parsed.root, 'svg');
  assert.ok(parsed.title.includes(title), `title "${parsed.title}"`);
  assert.ok(parsed.paths >= 5, `${parsed.paths} <path>s`);
  assert.ok(parsed.strokes.includes(series.join(',')), `a path in the series colour: ${parsed.strokes.join(' ')}`);
  const longest = Math.max(...raw.strokes.filter(([c]) => rgb(c) === series.join(',')).map(([, n]) => n));
  assert.ok(longest >= 5, `the series is one polyline path, not just its points (longest has ${longest} segments)`);
  assert.ok(parsed.texts.length >= 4 && parsed.texts.some((t) => /^\d/.test(t)), `tick labels as <text>: ${parsed.texts.join(' | ')}`);
  assert.ok(parsed.background.length > 0, 'an opaque background');
  return parsed;
}

const topK = (values: number[], k: number) =>
  values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, i]) => i)
    .sort((a, b) => a - b);

describe('results panel in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let bundle: { script: string; style: string };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bundle = await buildPanelBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('renders a run from a snapshot plus live events: curves, heatmap on the relevant bits, slider, export', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      assert.deepEqual((await panel.sent())[0], { type: 'ready' }, 'the panel says ready first');

      const events = runEvents();
      const id = runId(events);
      const split = 9; // started + 4 metrics/attention pairs in the snapshot, the rest live
      await panel.post(runSnapshot(events, split));
      assert.match(await page.evaluate(() => window.__panelDebug.digest()), new RegExp(`${id}:running:4:4`));
      await panel.post(...runEventMessages(id, events.slice(split)));
      assert.match(await page.evaluate(() => window.__panelDebug.digest()), new RegExp(`${id}:succeeded:9:9`));

      // Every learning curve shows the run's line (its series colour), not just axes.
      for (const key of ['loss', 'trainAccuracy', 'testAccuracy', 'attentionOnRelevant']) {
        const ink = await countColour(page, `${key}-canvas`, BLUE);
        assert.ok(ink > 150, `${key} curve has ${ink} pixels of the run's colour`);
      }

      // The newest snapshot (step 800): head 1's three brightest [CLS] cells are the relevant bits.
      const heat = await page.evaluate(() => window.__panelDebug.heatmap());
      assert.equal(heat?.step, 800);
      assert.deepEqual(heat?.relevant, [5, 6, 12]);
      const intensities = await stripIntensities(page, 0, 0, BACKGROUND);
      assert.deepEqual(topK(intensities, 3), [5, 6, 12], `strip intensities ${intensities.join(' ')}`);
      assert.ok(Math.min(intensities[5], intensities[6], intensities[12]) > 2 * Math.max(...intensities.filter((_, i) => ![5, 6, 12].includes(i))));
      // Head 3 put all its mass on bit 6: that is its brightest cell.
      assert.deepEqual(topK(await stripIntensities(page, 0, 2, BACKGROUND), 1), [6]);
      assert.deepEqual(await markedPositions(page, 0, 0, RED), [5, 6, 12], 'markers sit under exactly the relevant bits');
      assert.equal(await page.textContent('#attention-title'), 'Attention at step 800');
      assert.match((await page.getAttribute('#attention-canvas', 'aria-label')) ?? '', /relevant bits 5, 6, 12/);
      assert.match(await page.textContent('.facts') ?? '', /Test accuracy100\.0%/);
      // The recording predates the adapter field: its backend reads as it always did.
      assert.match(await page.textContent('.facts') ?? '', /BackendwasmTime/);
      assert.equal(await page.textContent('.status-badge'), 'succeeded');
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-run.png'), fullPage: true });

      // The colour scale is numbered (0 up to the snapshot's largest weight), and a hover over one
      // token's cell names that token, not a range "11–11".
      const ticks = await page.$$eval('#attention-scale .scale-tick', (ts) => ts.map((t) => t.textContent ?? ''));
      assert.equal(ticks.length, 4, `scale ticks ${ticks.join(' ')}`);
      assert.equal(ticks[0], '0');
      assert.ok(Number(ticks[3]) > Number(ticks[2]) && Number(ticks[2]) > Number(ticks[1]) && Number(ticks[1]) > 0, `increasing ticks ${ticks.join(' ')}`);
      const tile = heat!.layout.tiles[0];
      const cells = heat!.n; // T = 16 plus [CLS]: one pooled cell per token
      await page.locator('#attention-canvas').scrollIntoViewIfNeeded();
      const box = (await page.locator('#attention-canvas').boundingBox())!;
      await page.mouse.move(box.x + tile.map.x + (6.5 * tile.map.w) / cells, box.y + tile.map.y + (0.5 * tile.map.h) / cells);
      assert.match((await page.textContent('#attention-readout')) ?? '', /^Layer 1, head 1: token 0 → token 6 \(token 0 is \[CLS\]\): \d\.\d{4}$/);

      // The step slider replays the snapshots from the keyboard, and the choice is kept with setState.
      await page.focus('#step-slider');
      await page.keyboard.press('Home');
      await page.waitForFunction(() => window.__panelDebug.heatmap()?.step === 0);
      assert.equal(await page.textContent('#attention-title'), 'Attention at step 0');
      assert.equal(await page.getAttribute('#step-slider', 'aria-valuetext'), 'step 0, snapshot 1 of 9');
      const states = (await page.evaluate(() => window.__states)) as { sliders: Record<string, unknown> }[];
      assert.deepEqual(states.at(-1)?.sliders[id], { step: 0 });
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => window.__panelDebug.heatmap()?.step === 100);
      await page.keyboard.press('End');
      await page.waitForFunction(() => window.__panelDebug.heatmap()?.step === 800);

      // Export: PNG and vector SVG of a chart and CSV of its data reach the host as valid `export` messages.
      const before = (await panel.sent()).length;
      await page.click('button[aria-label="Export Training loss as PNG"]');
      await page.click('button[aria-label="Export Training loss as SVG"]');
      await page.click('button[aria-label="Export Training loss as CSV"]');
      await page.click('button[aria-label="Export Attention as PNG"]');
      await page.click('button[aria-label="Export Attention as JSON"]');
      const exports = (await panel.sent()).slice(before).map((m) => PanelToHost.parse(m));
      assert.deepEqual(
        exports.map((m) => (m.type === 'export' ? `${m.format}:${m.name}` : m.type)),
        ['png:parity-T16-seed-0-loss', 'svg:parity-T16-seed-0-loss', 'csv:parity-T16-seed-0-loss', 'png:parity-T16-seed-0-attention-step800', 'json:parity-T16-seed-0-attention-step800'],
      );
      const [png, svg, csv, heatPng, json] = exports.map((m) => (m.type === 'export' ? m.content : ''));
      assert.match(png, /^data:image\/png;base64,[A-Za-z0-9+/]{1000,}/);
      assert.match(heatPng, /^data:image\/png;base64,[A-Za-z0-9+/]{1000,}/);
      assert.equal(csv.split('\n')[0], 'runId,label,step,loss');
      assert.equal(csv.trim().split('\n').length, 1 + 9);
      await assertVectorSvg(page, svg, 'Training loss', BLUE);
      assert.equal(JSON.parse(json).step, 800);
      // The heatmaps are pixel images: no SVG button for them.
      assert.equal(await page.$('button[aria-label="Export Attention as SVG"]'), null);

      assert.deepEqual(await panel.violations(), [], 'nothing breaks the Content-Security-Policy');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('ignores a malformed message, leaves the state alone and reports it to the host', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const events = runEvents();
      await panel.post(runSnapshot(events, events.length));
      const digest = await page.evaluate(() => window.__panelDebug.digest());
      const renders = await page.evaluate(() => window.__panelDebug.renders());
      await panel.post(
        { type: 'run-event', runId: 3 },
        { type: 'run-event', runId: runId(events), label: 'x', event: { type: 'attention', step: 'late', n: 17, relevant: [], layers: [] } },
        { type: 'snapshot', runs: 'all of them' },
        'not even an object',
      );
      assert.equal(await page.evaluate(() => window.__panelDebug.digest()), digest, 'state unchanged');
      assert.equal(await page.evaluate(() => window.__panelDebug.renders()), renders, 'nothing redrawn');
      const warnings = (await panel.sent()).filter((m) => m.type === 'log');
      assert.equal(warnings.length, 4);
      for (const w of warnings) {
        assert.equal(PanelToHost.parse(w).type, 'log');
        assert.equal(w.level, 'warn');
      }
      assert.match(String(warnings[0].message), /ignored a "run-event" message/);
      assert.match(String(warnings[0].message), /runId/);
      assert.deepEqual(panel.problems, [], 'no exception in the page');
    } finally {
      await panel.close();
    }
  });

  it('redraws at most ~4 times a second however fast events arrive', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const events = runEvents();
      await panel.post(runSnapshot(events, 1));
      const start = await page.evaluate(() => window.__panelDebug.renders());
      // 60 metrics events over about a second (a fast trainer with no host throttle in front).
      const message = (step: number) => ({
        type: 'run-event',
        runId: runId(events),
        label: 'fast',
        event: { type: 'metrics', step, loss: 1 / (1 + step), trainAccuracy: 0.5, testAccuracy: 0.5, attentionOnRelevant: 0.2, attentionPerHead: [[0.2]], elapsedSeconds: step / 100, liveTensors: 1 },
      });
      const elapsed = await page.evaluate(
        async (msgs) => {
          const t0 = performance.now();
          for (const m of msgs) {
            window.postMessage(m, '*');
            await new Promise((r) => setTimeout(r, 16));
          }
          return performance.now() - t0;
        },
        Array.from({ length: 60 }, (_, i) => message(i * 10)),
      );
      await page.waitForFunction(() => !window.__panelDebug.pending());
      const renders = (await page.evaluate(() => window.__panelDebug.renders())) - start;
      assert.ok(renders >= 2, `drew the updates (${renders} renders)`);
      assert.ok(renders <= Math.ceil(elapsed / 250) + 2, `${renders} renders in ${elapsed.toFixed(0)} ms`);
      assert.match(await page.evaluate(() => window.__panelDebug.digest()), /:running:60:0/);
    } finally {
      await panel.close();
    }
  });

  it('shows a sweep: m*(T) on a log axis for both variants, fits, verdict and success table', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      await panel.post(sweepSnapshot());
      assert.match((await page.evaluate(() => window.__panelDebug.selected())) ?? '', /^sweep:/);
      assert.ok((await page.isVisible('.sweep-view')) && !(await page.isVisible('.run-view')));

      // Both variants are drawn in their colours: points, interval bars and the dashed fit.
      const blue = await countColour(page, 'mstar-canvas', BLUE);
      const orange = await countColour(page, 'mstar-canvas', ORANGE);
      assert.ok(blue > 200, `transformer drawn (${blue} px)`);
      assert.ok(orange > 200, `mlp drawn (${orange} px)`);

      const verdicts = await page.$$eval('.verdict', (els) => els.map((e) => e.textContent));
      assert.equal(
        verdicts[0],
        'power law fits the full data best but wins only 27 % of 1000 resamples (log T 38 %, linear 35 %): no clear winner; exponent c = 0.67 [-0.12, 1.03]: consistent with linear; linear not ruled out',
      );
      assert.equal(verdicts.length, 2);
      const best = await page.$$eval('.variant:first-child tr.best', (rows) => rows.map((r) => r.textContent));
      assert.deepEqual(best, ['a·T^c best3.50·T^0.670.98223.427 %']);
      const firstRow = await page.$$eval('.variant:first-child table.cells tbody tr:first-child > *', (cells) => cells.map((c) => `${c.className}:${c.textContent}`));
      // T = 10 over m = 8, 11, 16, 23, 32, 45, 64: the status and Wilson interval the sweep computed; sizes not tried are empty.
      assert.deepEqual(firstRow, [
        ':10', 'bad:0/3 0–56 %', 'bad:1/3 6–79 %', 'ok:2/3 21–94 %', 'empty:', 'empty:', 'empty:', 'ok:3/3 44–100 %', 'mstar found:16', ':[11, 16]',
      ]);
      assert.match((await page.textContent('.variant:first-child .protocol')) ?? '', /^Protocol: and of s = 3 bits; Transformer, 1 layer, 4 heads, d = 64, init normal-0\.02; AdamW lr 0\.001, weight decay 0\.0001, full batch; success = test accuracy ≥ 0\.99 at an evaluation/);
      assert.ok((await page.$$('td.ok')).length >= 10);
      assert.match((await page.textContent('.sweep-view .facts')) ?? '', /Success needs67% of seeds/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-sweep.png'), fullPage: true });

      // Export the chart's data, and the chart as vectors (both variants' colours, the legend's text).
      await page.click('button[aria-label="Export Sample complexity m*(T) as CSV"]');
      const last = PanelToHost.parse((await panel.sent()).at(-1));
      assert.ok(last.type === 'export' && last.content.startsWith('variant,T,status,mStar,intervalLow,intervalHigh,logisticMStar,logisticMStarNote\ntransformer,10,found,16,11,16,15.4'));
      await page.click('button[aria-label="Export Sample complexity m*(T) as SVG"]');
      const svg = PanelToHost.parse((await panel.sent()).at(-1));
      assert.ok(svg.type === 'export' && svg.format === 'svg');
      const parsed = await assertVectorSvg(page, svg.content, 'm*(T)', BLUE);
      assert.ok(parsed.strokes.includes(ORANGE.join(',')), `the mlp's colour is drawn too: ${parsed.strokes.join(' ')}`);
      assert.ok(parsed.texts.some((t) => t.startsWith('transformer')), `the legend is text: ${parsed.texts.join(' | ')}`);
      assert.ok((await countColour(page, 'mstar-canvas', ORANGE)) > 200, 'the chart on screen is still drawn');
      assert.deepEqual(await panel.violations(), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('names the GPU adapter: a run\'s backend fact (a software one as no GPU figure) and a sweep cell\'s hosts', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const adapter = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', software: true };
      const events = runEvents().map((e) =>
        e.type === 'started' ? { ...e, backend: 'webgpu', adapter } : e.type === 'finished' ? { ...e, summary: { ...e.summary, backend: 'webgpu', adapter } } : e,
      );
      await panel.post(runSnapshot(events, events.length));
      assert.match((await page.textContent('.facts')) ?? '', /Backendwebgpu · SwiftShader driver 5\.0\.0 \(software\) — not a GPU figureTime/);

      // The hosts as the sweep runner words them from the queue workers' summaries (backendLabel.ts hostLabel).
      const snapshot = sweepSnapshot();
      if (snapshot.type !== 'snapshot') throw new Error('not a snapshot');
      snapshot.sweeps[0].variants[0].points[0].cells[0].hosts = ['gpu-box-1 · webgpu · nvidia-h200 (nvidia, hopper)'];
      await panel.post(snapshot);
      const title = await page.getAttribute('.variant:first-child table.cells tbody tr:first-child > td.bad', 'title');
      assert.match(title ?? '', /; trained on gpu-box-1 · webgpu · nvidia-h200 \(nvidia, hopper\)$/);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('reaches the same sweep view from live sweep events as from the final snapshot', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const snapshot = sweepSnapshot();
      await panel.post(snapshot);
      const fromSnapshot = await page.evaluate(() => window.__panelDebug.digest());
      const verdictsFromSnapshot = await page.$$eval('.verdict', (els) => els.map((e) => e.textContent));

      await panel.post({ type: 'snapshot', runs: [], sweeps: [] });
      assert.equal(await page.isVisible('.empty'), true, 'an empty snapshot shows the empty state');
      await panel.post(...sweepEventMessages());
      // Events alone do not know the success rate (the snapshot does): the digest ignores it.
      assert.equal(await page.evaluate(() => window.__panelDebug.digest()), fromSnapshot);
      assert.deepEqual(await page.$$eval('.verdict', (els) => els.map((e) => e.textContent)), verdictsFromSnapshot);
      assert.ok((await countColour(page, 'mstar-canvas', ORANGE)) > 200);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });
});
