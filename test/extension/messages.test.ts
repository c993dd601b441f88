// Every message crossing a process or iframe boundary is validated on arrival: malformed ones fail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormToHost, HostToForm, HostToPanel, PanelToHost } from '../../src/protocol/panelMessages';
import { RunEvent, TrainerCommand } from '../../src/protocol/runEvents';
import { SweepEvent } from '../../src/protocol/sweepEvents';

describe('message contract', () => {
  it('accepts well-formed messages', () => {
    assert.ok(PanelToHost.safeParse({ type: 'ready' }).success);
    assert.ok(PanelToHost.safeParse({ type: 'export', format: 'png', name: 'curves', content: 'data:image/png;base64,AA' }).success);
    assert.ok(HostToPanel.safeParse({ type: 'snapshot', runs: [], sweeps: [] }).success);
    assert.ok(FormToHost.safeParse({ type: 'edit', spec: { version: 1 } }).success);
    assert.ok(HostToForm.safeParse({ type: 'problems', problems: ['task.s: bad'] }).success);
    assert.ok(HostToForm.safeParse({ type: 'load', file: null, kind: 'experiment', spec: {}, problems: [], trusted: true, schema: { type: 'object' } }).success);
    assert.ok(TrainerCommand.safeParse({ type: 'stop' }).success);
    assert.ok(PanelToHost.safeParse({ type: 'open-cell', sweepId: '/w/.sparse-attention/sweeps/tiny', variant: 'transformer', T: 8, m: 16 }).success);
    assert.ok(HostToPanel.safeParse({ type: 'cell-runs', sweepId: '/w/s', variant: 'transformer', T: 8, m: 16, runs: [] }).success);
    assert.ok(HostToPanel.safeParse({ type: 'show-cell', sweepId: '/w/s', variant: 'transformer', T: 8, m: 16 }).success);
  });
  const bad: [string, { safeParse(v: unknown): { success: boolean } }, unknown][] = [
    ['unknown panel message type', PanelToHost, { type: 'delete-everything' }],
    ['export with a bad format', PanelToHost, { type: 'export', format: 'exe', name: 'x', content: '' }],
    ['run-event with a numeric runId', HostToPanel, { type: 'run-event', runId: 3, label: 'x', event: { type: 'failed', message: 'm' } }],
    ['metrics without a step', RunEvent, { type: 'metrics', loss: 0.1 }],
    ['sweep event of unknown type', SweepEvent, { type: 'cell-exploded' }],
    ['form edit without a spec', FormToHost, { type: 'edit' }],
    ['form load without the schema to draw', HostToForm, { type: 'load', file: null, kind: 'experiment', spec: {}, problems: [], trusted: true }],
    ['trainer command that is not stop', TrainerCommand, { type: 'kill' }],
    ['not an object', PanelToHost, 'ready'],
    ['open-cell without a sweep', PanelToHost, { type: 'open-cell', variant: 'transformer', T: 8, m: 16 }],
    ['open-cell with a fractional m', PanelToHost, { type: 'open-cell', sweepId: 's', variant: 'transformer', T: 8, m: 1.5 }],
    ['open-cell with a string T', PanelToHost, { type: 'open-cell', sweepId: 's', variant: 'transformer', T: '8', m: 16 }],
    ['open-cell with an empty variant', PanelToHost, { type: 'open-cell', sweepId: 's', variant: '', T: 8, m: 16 }],
    ['show-cell without m', HostToPanel, { type: 'show-cell', sweepId: 's', variant: 'transformer', T: 8 }],
    ['show-cell with a zero T', HostToPanel, { type: 'show-cell', sweepId: 's', variant: 'transformer', T: 0, m: 16 }],
    ['show-cell with an empty sweep id', HostToPanel, { type: 'show-cell', sweepId: '', variant: 'transformer', T: 8, m: 16 }],
    ['cell-runs whose runs are not run views', HostToPanel, { type: 'cell-runs', sweepId: 's', variant: 'v', T: 8, m: 16, runs: [{ runId: 'x' }] }],
  ];
  for (const [name, schema, value] of bad) it(`rejects ${name}`, () => assert.equal(schema.safeParse(value).success, false));
});
