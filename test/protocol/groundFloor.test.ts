// The contract is the ground floor: the webviews import only src/protocol (and their own files and
// packages), and src/protocol imports nothing of this repository above it.
// Run: node --import tsx --test test/protocol/groundFloor.test.ts
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** The repository files a source imports, relative to the root (packages left out). */
function localImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative(root, path.resolve(path.dirname(path.join(root, file)), s)));
}

describe('the contract is the ground floor', () => {
  it('webview/ imports only src/protocol and its own files', () => {
    const bad = sources('webview').flatMap((f) => localImports(f).filter((i) => !i.startsWith('webview/') && !i.startsWith('src/protocol/')).map((i) => `${f} -> ${i}`));
    assert.deepEqual(bad, []);
  });

  it('src/protocol imports nothing above it', () => {
    const bad = sources('src/protocol').flatMap((f) => localImports(f).filter((i) => !i.startsWith('src/protocol/')).map((i) => `${f} -> ${i}`));
    assert.deepEqual(bad, []);
  });
});
