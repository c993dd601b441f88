// The rooms' imports (scripts/house/rules.ts): webview/ takes nothing from core, extension, trainer or
// store; src/protocol nothing above it; src/core never vscode, extension, trainer or store; the host
// (src/extension) imports the trainer only in its launcher. The checker is tested on a synthetic
// tree first, with every way of naming a module.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { formatViolation, importViolations, sourceFiles } from '../../scripts/house/check';
import { IMPORT_RULES } from '../../scripts/house/rules';

const ROOT = path.resolve(__dirname, '../..');

describe('the import checker on a synthetic tree', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'house-imports-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, lines: string[]) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), lines.join('\n') + '\n');
  };
  write('webview/results/chart.ts', [
    "import { a } from '../../src/protocol/messages';",
    "import { b } from '../../src/core/sweep/fitCurve';",
    "export { c } from '../../src/store/runFolder';",
    "import type { D } from '../../src/extension/runStore';",
  ]);
  write('src/protocol/events.ts', ["import { z } from 'zod';", "const x = require('../core/spec/dataset');", "type T = import('../trainer/cli').X;"]);
  write('src/core/train/loop.ts', ["import * as vscode from 'vscode';", "import { y } from '../../protocol/runEvents';", "import x = require('vscode-uri');"]);
  write('src/core/spec/lazy.ts', ["export const load = () => import('../../extension/services');"]);
  write('src/extension/trainerRunner.ts', ["import { EXIT } from '../trainer/cli';"]);
  write('src/extension/launchPlan.ts', ["import type { BackendChoice } from '../core/train/backend';"]);
  write('src/extension/diskState.ts', ["import { readSummary } from '../store/runFolder';", '', "import { newRunId } from '../trainer/runFiles';"]);
  write('src/trainer/cli.ts', ["import { x } from '../extension/services';"]);

  it('reports each forbidden import with its line, and allows the launcher and the legal ones', () => {
    const found = importViolations(root, sourceFiles(root)).map(formatViolation);
    assert.deepEqual(found, [
      'src/core/spec/lazy.ts:1 imports src/extension/services',
      'src/core/train/loop.ts:1 imports vscode',
      'src/extension/diskState.ts:3 imports src/trainer/runFiles',
      'src/protocol/events.ts:2 imports src/core/spec/dataset',
      'src/protocol/events.ts:3 imports src/trainer/cli',
      'webview/results/chart.ts:2 imports src/core/sweep/fitCurve',
      'webview/results/chart.ts:3 imports src/store/runFolder',
      'webview/results/chart.ts:4 imports src/extension/runStore',
    ]);
  });

  it('the launcher exceptions name files that exist', () => {
    for (const rule of IMPORT_RULES) for (const file of Object.keys(rule.except ?? {})) assert.ok(sourceFiles(ROOT).includes(file), `${file} (an exception in rules.ts) is missing`);
  });
});

describe('the imports between rooms', () => {
  it('break none of the house rules', () => {
    const found = importViolations(ROOT, sourceFiles(ROOT)).map(formatViolation);
    assert.deepEqual(found, [], `imports against the house rules (scripts/house/rules.ts):\n${found.join('\n')}`);
  });
});
