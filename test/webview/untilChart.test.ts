// The `until` chart in the results panel (Chromium): one line per model through every round's support
// against runs spent, the goal drawn across, and the section hidden for a sweep without `until`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { sweepSnapshot } from './fixtures';
import { buildPanelBundle, launchChromium, openPanel } from './panelPage';

const rounds = [
  { type: 'until-progress', round: 1, runsSpent: 72, model: 'log', support: { log: 0.6, linear: 0.1, power: 0.3 }, goal: 0.9 },
  { type: 'until-progress', round: 2, runsSpent: 120, model: 'log', support: { log: 0.8, linear: 0.05, power: 0.15 }, goal: 0.9 },
  { type: 'until-progress', round: 3, runsSpent: 190, model: 'log', support: { log: 0.95, linear: 0, power: 0.05 }, goal: 0.9, stopped: 'log T won 95 % of the resamples (goal 90 %)' },
];

describe('until chart (Chromium)', () => {
  let browser: Browser;
  let bundle: { script: string; style: string };
  before(async () => {
    browser = await launchChromium();
    bundle = await buildPanelBundle();
  });
  after(() => browser?.close());

  it('draws each model through every round and the goal; hides itself without until', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle, { height: 1400 });
    try {
      const { page } = panel;
      const snap = sweepSnapshot() as { sweeps: { untilProgress?: unknown[] }[] };
      await panel.post(snap);
      await page.locator('#sweep-verdict').first().waitFor();
      const heading = page.getByRole('heading', { name: 'Support against runs spent' });
      assert.equal(await heading.isVisible(), false, 'a sweep without until shows no chart');
      snap.sweeps[0].untilProgress = rounds;
      await panel.post(snap);
      const box = page.locator('#until-progress[data-rounds="3"]');
      await box.waitFor();
      assert.equal(await heading.isVisible(), true);
      const lines = await page.$$eval('#until-progress polyline', (ls) => ls.map((l) => [l.getAttribute('data-model'), l.getAttribute('points')!.split(' ').length]));
      assert.deepEqual(lines, [['log', 3], ['linear', 3], ['power', 3]]);
      assert.equal(await page.locator('#until-progress .until-goal').count(), 1);
      assert.match(await box.innerText(), /Stopped after round 3: log T won 95 %/);
    } finally {
      await panel.close();
    }
  });
});
