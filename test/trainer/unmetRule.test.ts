// data.rejectAmbiguous through the CLI (issue 22): a training-set rule the input cannot meet is a
// refusal (exit 2, one line naming the field, no run folder), not a crash to retry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');

describe('an unmet training-set rule', () => {
  it('refuses the run with one line naming data.rejectAmbiguous; whenUnmet "keep-last" trains on the last draw', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-unmet-'));
    const spec = (whenUnmet?: string) => ({
      version: 1,
      name: 'unmet',
      task: { kind: 'and', T: 500, s: 3 },
      data: { trainSize: 10, testSize: 20, rejectAmbiguous: true, maxDraws: 3, ...(whenUnmet ? { whenUnmet } : {}) },
      model: { heads: 2, dModel: 8 },
      training: { maxSteps: 2, evalEvery: 2 },
    });
    const run = (name: string, value: unknown) => {
      const file = path.join(dir, `${name}.experiment.json`);
      writeFileSync(file, JSON.stringify(value));
      return spawnSync(process.execPath, [BIN, 'run', file, '--out', path.join(dir, 'out'), '--run-id', name, '--backend', 'wasm'], { cwd: dir, encoding: 'utf8' });
    };
    const refused = run('refused', spec());
    assert.equal(refused.status, 2, refused.stderr);
    const lines = refused.stderr.trim().split('\n');
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(lines[0], /data\.rejectAmbiguous: none of 3 training sets of m = 10 at T = 500/);
    assert.equal(existsSync(path.join(dir, 'out', 'refused')), false, 'no run folder for a refused input');
    const kept = run('kept', spec('keep-last'));
    assert.equal(kept.status, 0, kept.stderr);
    assert.ok(existsSync(path.join(dir, 'out', 'kept', 'summary.json')));
  });
});
