// The VSIX stays small: Dawn's `webgpu` (132 MB with every platform's dawn.node) and the native
// TensorFlow builds are installed by the set-up commands, never shipped. Packs the built dist/ with
// the repository's own vsce into a temporary folder (`npm run package`'s flags; no network needed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const VSCE = path.join(ROOT, 'node_modules/.bin/vsce');
const LIMIT = 5 * 1024 * 1024;

function vsce(args: string[]) {
  const r = spawnSync(VSCE, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `vsce ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('VSIX', () => {
  it('is under 5 MB and carries no native addon (no webgpu, no dawn.node, no .node file)', () => {
    const files = vsce(['ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean);
    assert.ok(files.includes('dist/cli.js') && files.includes('dist/extension.js'), files.join('\n'));
    assert.deepEqual(files.filter((f) => /\.node$|dawn|(^|\/)webgpu\//i.test(f)), []);
    assert.deepEqual(files.filter((f) => f.startsWith('node_modules/')), []);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'sa-vsix-')), 'sparse-attention-lab.vsix');
    vsce(['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out]);
    const size = statSync(out).size;
    assert.ok(size < LIMIT, `the VSIX is ${(size / 1024 / 1024).toFixed(2)} MB, over the 5 MB limit`);
  });
});
