// Drill-down's reader of a run's events (runFolder.ts readEventsNewestAttention): everything the full
// reader returns except the older attention snapshots, which it skips unparsed; a torn or corrupt
// newest snapshot falls back to the one before it.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RUN_FILES, readEvents, readEventsNewestAttention } from '../../src/store/runFolder';

const recording = readFileSync(path.resolve(__dirname, '..', 'fixtures', 'parity-T16.events.jsonl'), 'utf8');

/** A run folder whose events.jsonl is `text`. */
function runDir(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-newest-'));
  writeFileSync(path.join(dir, RUN_FILES.events), text);
  return dir;
}

const attentionSteps = (events: ReturnType<typeof readEvents>) => events.flatMap((e) => (e.type === 'attention' ? [e.step] : []));

describe('readEventsNewestAttention', () => {
  it('returns the full reader’s events with only the newest attention snapshot', () => {
    const dir = runDir(recording);
    const full = readEvents(dir);
    const lean = readEventsNewestAttention(dir);
    const steps = attentionSteps(full);
    assert.ok(steps.length > 1, 'the recording has several snapshots');
    assert.deepEqual(attentionSteps(lean), [steps.at(-1)]);
    const newest = full.filter((e) => e.type === 'attention').at(-1);
    assert.deepEqual(lean, full.filter((e) => e.type !== 'attention' || e === newest));
  });

  it('falls back to the previous snapshot when the newest line is torn', () => {
    const lines = recording.trim().split('\n');
    const last = lines.map((l, i) => (l.startsWith('{"type":"attention"') ? i : -1)).reduce((a, b) => Math.max(a, b));
    const steps = attentionSteps(readEvents(runDir(recording)));
    const torn = [...lines.slice(0, last), lines[last].slice(0, 80), ...lines.slice(last + 1)].join('\n');
    assert.deepEqual(attentionSteps(readEventsNewestAttention(runDir(torn))), [steps.at(-2)]);
  });

  it('still reads a snapshot written with its keys in another order', () => {
    const dir = runDir(recording);
    const e = readEvents(dir).find((x) => x.type === 'attention')!;
    const { type, ...rest } = e;
    appendFileSync(path.join(dir, RUN_FILES.events), JSON.stringify({ ...rest, step: 99_999, type }) + '\n');
    assert.ok(attentionSteps(readEventsNewestAttention(dir)).includes(99_999));
  });

  it('reads nothing from a folder with no events', () => {
    assert.deepEqual(readEventsNewestAttention(mkdtempSync(path.join(tmpdir(), 'sa-newest-'))), []);
  });
});
