// Fixtures for the drill-down and the norms charts: a sweep folder whose cells hold copies of the
// recorded parity run (one per seed, named as the sweep runner names them), and the recorded run's
// metrics given weight norms (the recording predates them; the values are made up but distinct per
// head, matrix and kind, so a chart drawing the wrong one is caught).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LayerNorms, RunEvent } from '../../src/protocol/runEvents';
import { runEvents, runId } from './fixtures';

const FIXTURE_RUN = path.resolve(__dirname, '..', 'fixtures', 'parity-T16.events.jsonl');

/**
 * Writes `<sweepDir>/runs/<variant>-T<T>-m<m>-seed<k>/events.jsonl` for each seed; returns the run ids.
 * The i-th copy's test accuracies are scaled by 1 − i/10, so overlaid curves do not hide each other.
 */
export function writeCellRuns(sweepDir: string, variant: string, T: number, m: number, seeds: number[]): string[] {
  const original = runId();
  const lines = readFileSync(FIXTURE_RUN, 'utf8').split('\n').filter((l) => l.trim());
  return seeds.map((seed, i) => {
    const id = `${variant}-T${T}-m${m}-seed${seed}`;
    const events = lines.map((l) => {
      const e = JSON.parse(l.split(original).join(id));
      if (e.type === 'metrics') e.testAccuracy *= 1 - i / 10;
      return JSON.stringify(e);
    });
    mkdirSync(path.join(sweepDir, 'runs', id), { recursive: true });
    writeFileSync(path.join(sweepDir, 'runs', id, 'events.jsonl'), events.join('\n') + '\n');
    return id;
  });
}

export const tempSweepDir = (): string => mkdtempSync(path.join(tmpdir(), 'sweep-cells-'));

/** The made-up norms of head h at a step: QK spectral (h + 1)·(1 + step/100); Frobenius twice the spectral; V, O, MLP scaled apart. */
export function fakeNorms(step: number, heads: number): LayerNorms[] {
  const norm = (base: number) => ({ spectral: base, frobenius: 2 * base });
  const grow = 1 + step / 100;
  return [
    {
      heads: Array.from({ length: heads }, (_, h) => ({ qk: norm((h + 1) * grow), v: norm(10 + h), o: norm(20 + h) })),
      mlp: { in: norm(30 * grow), out: norm(40) },
    },
  ];
}

/** The recorded run with norms on every metrics event (4 heads, as recorded). */
export function runEventsWithNorms(): RunEvent[] {
  return runEvents().map((e) => (e.type === 'metrics' ? { ...e, norms: fakeNorms(e.step, e.attentionPerHead[0].length) } : e));
}
