// The house's size limits (scripts/house/rules.ts): no function over 60 lines, no file over 300, in
// src/ and webview/. The checker itself is tested first on a synthetic tree with known violations,
// so a checker that finds nothing cannot pass for a clean house.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { formatViolation, lengthViolations, sourceFiles } from '../../scripts/house/check';

const ROOT = path.resolve(__dirname, '../..');
const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

/** A function of exactly `lines` lines (its first and last line included). */
const fn = (name: string, lines: number) => `export function ${name}(): void {\n${body(lines - 2)}\n}\n`;

describe('the house limit checker on a synthetic tree', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'house-limits-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write('src/core/ok.ts', `${fn('exactlySixty', 60)}`);
  write('src/core/long.ts', `// header\n${fn('sixtyOne', 61)}`);
  write('src/trainer/arrow.ts', `export const viaArrow = () => {\n${body(61)}\n};\n`);
  write('webview/view.ts', `export class View {\n  render(): void {\n${body(70)}\n  }\n  constructor() {\n${body(58)}\n  }\n}\n`);
  write('src/extension/callback.ts', `export const x = [1].map((n) => {\n${body(62)}\n  return n;\n});\n`);
  write('src/protocol/big.ts', `${'export const a = 1;\n'.repeat(301)}`);
  write('src/protocol/limit.ts', `${'export const a = 1;\n'.repeat(300)}`);
  write('src/core/types.d.ts', `${'declare const a: 1;\n'.repeat(400)}`);
  write('bench/outside.ts', fn('notChecked', 90));

  it('names each function and file over the limit, with its first line and length, and nothing else', () => {
    const found = lengthViolations(root, sourceFiles(root)).map(formatViolation).sort();
    assert.deepEqual(found, [
      'src/core/long.ts:2 sixtyOne (61 lines)',
      'src/extension/callback.ts:1 (callback of map) (65 lines)',
      'src/protocol/big.ts:1 file (301 lines)',
      'src/trainer/arrow.ts:1 viaArrow (63 lines)',
      'webview/view.ts:2 View.render (72 lines)',
    ]);
  });
});

describe('the house limits in src/ and webview/', () => {
  it(`no function over 60 lines, no file over 300 lines`, () => {
    const found = lengthViolations(ROOT, sourceFiles(ROOT)).map(formatViolation);
    assert.ok(sourceFiles(ROOT).length > 50, 'the checker sees the source tree');
    assert.deepEqual(found, [], `over the house limits:\n${found.join('\n')}`);
  });
});
