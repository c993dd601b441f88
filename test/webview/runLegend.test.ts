// The learning-curve legend tells runs of one experiment apart (issue 20): two runs of parity-T16
// that differ only in T are labelled by T, and each keeps its colour when a third run arrives live.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunEvent } from '../../src/protocol/runEvents';
import { RunStore } from '../../src/extension/runStore';
import { runEvents } from './fixtures';
import { buildPanelBundle, launchChromium, openPanel } from './panelPage';

/** The recorded run as a run of the same experiment with another T (and id). */
function withT(runId: string, T: number): RunEvent[] {
  return runEvents().map((e) => {
    if (e.type !== 'started') return e;
    const spec = structuredClone(e.spec) as unknown as { task: { T: number } };
    spec.task.T = T;
    return { ...e, runId, spec: spec as unknown as typeof e.spec };
  });
}

describe('run labels and colours in the results panel (Chromium)', () => {
  let browser: Browser;
  let bundle: { script: string; style: string };
  before(async () => {
    browser = await launchChromium();
    bundle = await buildPanelBundle();
  });
  after(() => browser?.close());

  it('labels two runs by the T that tells them apart, and keeps their colours when a third arrives', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const store = new RunStore();
      for (const [id, T] of [['run-12', 12], ['run-16', 16]] as const) for (const e of withT(id, T)) store.applyRunEvent(id, 'parity-T16 (seed 0)', e);
      await panel.post({ type: 'snapshot', runs: store.allRuns(), sweeps: [] });
      await page.waitForFunction(() => window.__panelDebug.legendLabels().length === 2);
      assert.deepEqual(await page.evaluate(() => window.__panelDebug.legendLabels()), ['parity-T16 · T = 12 (seed 0)', 'parity-T16 · T = 16 (seed 0)']);
      const before = await page.evaluate(() => window.__panelDebug.legendColours());
      assert.notEqual(before['run-12'], before['run-16'], 'two runs, two colours');

      // A third run arrives live (as the host forwards it): the first two keep label and colour.
      await panel.post(...withT('run-24', 24).map((event) => ({ type: 'run-event', runId: 'run-24', label: 'parity-T16 (seed 0)', event })));
      await page.waitForFunction(() => window.__panelDebug.legendLabels().length === 3);
      assert.deepEqual(await page.evaluate(() => window.__panelDebug.legendLabels()), ['parity-T16 · T = 12 (seed 0)', 'parity-T16 · T = 16 (seed 0)', 'parity-T16 · T = 24 (seed 0)']);
      const afterwards = await page.evaluate(() => window.__panelDebug.legendColours());
      assert.equal(afterwards['run-12'], before['run-12']);
      assert.equal(afterwards['run-16'], before['run-16']);
      assert.equal(new Set(Object.values(afterwards)).size, 3);
      // Re-sent in another order (as after one finished): still the same colours.
      await panel.post({ type: 'snapshot', runs: [...store.allRuns()].reverse(), sweeps: [] });
      await page.waitForFunction(() => window.__panelDebug.legendLabels().length === 2);
      const reordered = await page.evaluate(() => window.__panelDebug.legendColours());
      assert.equal(reordered['run-12'], before['run-12']);
      assert.equal(reordered['run-16'], before['run-16']);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });
});
