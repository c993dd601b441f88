// The HTML report of a sweep: the verdict's words and next step as the core wrote them, the variants
// in the panel's colours (one palette, src/protocol/variantColours.ts), all three fits, and the same
// log-y decision as the panel.
// Run: node --import tsx --test test/report/sweepReport.test.ts
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { LOG_Y_RATIO, mstarLogY } from '../../src/protocol/mstarAxis';
import type { SweepSummary } from '../../src/protocol/sweepEvents';
import { VARIANT_PALETTE, variantHex } from '../../src/protocol/variantColours';
import { sweepReport } from '../../src/report/sweepReport';
import { sweepEvents } from '../webview/fixtures';
import { DARK_THEME } from '../webview/panelPage';
import { currentSweepEvents } from '../webview/verdictFixtures';

const dirs: string[] = [];
function reportOf(summary: SweepSummary): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweep-report-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  return sweepReport(dir);
}
const summaryOf = (events: ReturnType<typeof sweepEvents>) => events.find((e): e is SweepSummary => e.type === 'sweep-summary')!;
type Drawn = { label: string; colour: string; fits: { model: string; best: boolean; data: unknown[] }[] };
const dataOf = (html: string): Drawn[] => JSON.parse(/const V=(.*);\n/.exec(html)![1]);

describe('the sweep report', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('colours each variant as the panel does', () => {
    const drawn = dataOf(reportOf(summaryOf(currentSweepEvents())));
    assert.deepEqual(drawn.map((v) => [v.label, v.colour]), [['transformer', variantHex(0)], ['mlp', variantHex(1)]]);
    // The panel reads the palette's VS Code variable; with VS Code's default dark theme it is this hex.
    for (const { cssVar, hex } of VARIANT_PALETTE) assert.equal(DARK_THEME[cssVar], hex, cssVar);
    const css = readFileSync(path.resolve(__dirname, '..', '..', 'media', 'results.css'), 'utf8');
    VARIANT_PALETTE.forEach(({ cssVar }, i) => assert.match(css, new RegExp(`\\.series-${i} \\{ background: var\\(${cssVar}\\); \\}`)));
  });

  it('draws all three fits, shows the verdict and the next step, and opens on log y like the panel', () => {
    const html = reportOf(summaryOf(currentSweepEvents()));
    const drawn = dataOf(html);
    assert.deepEqual(drawn[0].fits.map((f) => [f.model, f.best]), [['log T', false], ['linear', false], ['power law', true]]);
    assert.match(html, /<p class="verdict">no clear winner: log T 38 %, linear 35 %, power law 27 % of 1000 resamples; exponent c = 0\.67, 95 % interval \[-0\.12, 1\.03\]: cannot tell flat, sublinear and linear apart<\/p>/);
    assert.match(html, /<p class="next-step">Next: extend T to 160 and use 6 seeds per cell/);
    assert.match(html, /y:\{type:'logarithmic'/);
  });

  it('still reads an old summary (no curves, no next step): the best fit only', () => {
    const drawn = dataOf(reportOf(summaryOf(sweepEvents())));
    assert.deepEqual(drawn[0].fits.map((f) => [f.model, f.best]), [['power law', true]]);
  });
});

describe('the log-y decision', () => {
  const v = (...ms: number[]) => ({ points: ms.map((m, i) => ({ T: 10 * 2 ** i, status: 'found' as const, mStar: m, interval: [null, m] as [null, number], incompleteAt: [], cells: [] })) });
  it(`turns on when the variants' largest m* differ by more than ${LOG_Y_RATIO}×`, () => {
    assert.equal(mstarLogY([v(16, 64), v(45, 512)]), true);
    assert.equal(mstarLogY([v(16, 64), v(45, 300)]), false);
    assert.equal(mstarLogY([v(1, 512)]), false, 'one variant: its own range is read on a linear axis');
  });
});

describe('the sweep report’s accuracy heatmap', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('draws each variant’s T × m median accuracy as an SVG, one coloured cell per cell with runs, with the m* boundary', () => {
    const summary = structuredClone(summaryOf(currentSweepEvents()));
    let cells = 0;
    for (const p of summary.points)
      for (const c of p.cells) {
        c.medianTestAccuracy = 0.5 + (0.5 * c.successes) / Math.max(1, c.trials);
        cells++;
      }
    const html = reportOf(summary);
    const svgs = html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];
    assert.equal(svgs.length, 2, 'one heatmap per variant');
    const first = svgs[0];
    assert.equal((first.match(/<rect [^>]*fill="rgb\(/g) ?? []).length, cells, 'every cell of the transformer painted in the scale');
    assert.ok((first.match(/<line /g) ?? []).length >= summary.points.filter((p) => p.status === 'found').length, 'the m* boundary: an edge per T with m*');
    assert.match(first, /<title>T = 10, m = 16: [\d.]+ \(3 runs\)<\/title>/);
  });
});
