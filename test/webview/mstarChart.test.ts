// The sweep's verdict and m*(T) chart in real Chromium (issue 20): the verdict marked provisional
// while the sweep runs and final after, in today's words with its next step; the chart on a log y
// axis when the variants' m* differ by more than 5×, all three fits (best solid, the others dashed and
// drawn on request), and a legend click that shows one variant alone.
// Run: node --import tsx --test test/webview/mstarChart.test.ts
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sweepSnapshot } from './fixtures';
import { buildPanelBundle, launchChromium, openPanel } from './panelPage';
import { variantHex } from '../../src/protocol/variantColours';
import { currentSweepEvents } from './verdictFixtures';

// The screenshots go with the other test artifacts; docs/screenshots holds copies chosen by hand.
const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

const chartState = (page: Page) => page.evaluate(() => window.__panelDebug.mstarChart()!);
const shown = async (page: Page, variant: string) => (await chartState(page)).datasets.filter((d) => d.label.startsWith(variant) && !d.hidden).map((d) => d.label);

async function clickLegend(page: Page, label: string): Promise<void> {
  const at = await page.evaluate((l) => window.__panelDebug.mstarLegendPoint(l), label);
  assert.ok(at, `legend entry "${label}" is drawn`);
  const box = (await page.locator('#mstar-canvas').boundingBox())!;
  await page.mouse.click(box.x + at.x, box.y + at.y);
  // Chart.js hands DOM events to its handlers on the next animation frame: wait for two.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

describe('the sweep verdict and the m*(T) chart', () => {
  let browser: Browser;
  let bundle: { script: string; style: string };
  before(async () => {
    bundle = await buildPanelBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('marks the verdict provisional while the sweep runs, and draws no fit before every T is bracketed', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const events = currentSweepEvents();
      // Early on, every T's m* is bisection's first probe: no fit, and the verdict says why.
      const firstFit = events.map((e) => e.type).indexOf('fit-updated');
      await panel.post(sweepSnapshot(events.slice(0, firstFit + 1)));
      assert.equal(await panel.page.getAttribute('#sweep-verdict', 'data-provisional'), 'true');
      assert.match((await panel.page.textContent('#sweep-verdict .verdict')) ?? '', /^Provisional \(\d+ of 96 runs\): no fit yet: the search for m\* is still running at T = /);
      assert.deepEqual((await chartState(panel.page)).datasets.filter((d) => d.label.includes(' fit, ')), []);
      await panel.page.screenshot({ path: path.join(SCREENSHOTS, 'results-verdict-provisional.png'), clip: await verdictClip(panel.page, '.verdict') });
      // Later, with every T bracketed, the fit is drawn and still marked provisional.
      const lastFit = events.map((e) => e.type).lastIndexOf('fit-updated');
      await panel.post(sweepSnapshot(events.slice(0, lastFit + 1)));
      assert.equal(await panel.page.getAttribute('#sweep-verdict', 'data-provisional'), 'true');
      assert.match((await panel.page.textContent('#sweep-verdict .verdict')) ?? '', /^Provisional \(\d+ of \d+ runs\): m\*\(T\) ≈ /);
      assert.ok((await chartState(panel.page)).datasets.some((d) => / fit, .*\(best\).*\(provisional\)$/.test(d.label)));
    } finally {
      await panel.close();
    }
  });

  it('final: the verdict in plain words, the next step, log y, three fits, legend isolates', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle, { width: 1000, height: 1100 });
    const { page } = panel;
    try {
      await panel.post(sweepSnapshot(currentSweepEvents()));
      assert.equal(await page.getAttribute('#sweep-verdict', 'data-provisional'), 'false');
      const verdicts = await page.$$eval('#sweep-verdict .verdict', (els) => els.map((e) => e.textContent));
      assert.equal(verdicts[0], 'no clear winner: log T 38 %, linear 35 %, power law 27 % of 1000 resamples; exponent c = 0.67, 95 % interval [-0.12, 1.03]: cannot tell flat, sublinear and linear apart');
      assert.equal(await page.textContent('#sweep-verdict .variant:first-child .next-step'), 'Next: extend T to 160 and use 6 seeds per cell, then run the sweep again (finished runs are reused)');

      // One colour per variant, the palette's (the HTML report uses the same: test/report/sweepReport.test.ts).
      const colourOf = async (label: string) => (await chartState(page)).datasets.find((d) => d.label === label)!.colour.toLowerCase();
      assert.equal(await colourOf('transformer: m*'), variantHex(0));
      assert.equal(await colourOf('mlp: m*'), variantHex(1));

      // Transformer up to 64, MLP up to 512: more than 5× apart, so the y axis is logarithmic by itself.
      let chart = await chartState(page);
      assert.equal(chart.yType, 'logarithmic');
      assert.equal(await page.isChecked('#mstar-logy'), true);
      const fits = chart.datasets.filter((d) => d.label.startsWith('transformer fit'));
      assert.equal(fits.length, 3, fits.map((f) => f.label).join(' | '));
      const best = fits.filter((f) => f.label.includes('(best)'));
      assert.equal(best.length, 1);
      assert.match(best[0].label, /power law \(best\)/);
      assert.deepEqual(best[0].borderDash, [], 'the best fit is solid');
      assert.equal(best[0].hidden, false);
      for (const f of fits.filter((d) => !d.label.includes('(best)'))) {
        assert.ok(f.borderDash.length > 0, `${f.label} is dashed`);
        assert.equal(f.hidden, true, `${f.label} waits for "all three fits"`);
      }
      await page.check('#mstar-allfits');
      chart = await chartState(page);
      assert.equal(chart.datasets.filter((d) => d.label.includes(' fit, ') && !d.hidden).length, 6, 'all three fits of both variants');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'results-verdict.png'), clip: await verdictClip(page) });

      // The user's choice of axis wins over the automatic one.
      await page.uncheck('#mstar-logy');
      assert.equal((await chartState(page)).yType, 'linear');
      await page.check('#mstar-logy');

      // One legend click on a variant shows it alone; a second restores both.
      const before = await shown(page, 'transformer');
      await clickLegend(page, 'mlp: m*');
      assert.deepEqual(await shown(page, 'transformer'), [], 'transformer hidden while mlp is isolated');
      assert.ok((await shown(page, 'mlp')).length >= 4, 'mlp m* and its fits stay');
      await clickLegend(page, 'mlp: m*');
      assert.deepEqual(await shown(page, 'transformer'), before, 'a second click restores');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });
});

/** The chart card and the first variant's verdict, for the README's screenshot. */
async function verdictClip(page: Page, last = '.next-step') {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const card = (await page.locator('.card-mstar').boundingBox())!;
  const verdict = (await page.locator(`#sweep-verdict .variant:first-child ${last}`).boundingBox())!;
  return { x: card.x, y: card.y, width: card.width, height: verdict.y + verdict.height + 8 - card.y };
}
