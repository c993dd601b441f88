// New Experiment / New Sweep: a spec file from a template, opened in the editor and the form. (The
// tree follows the disk through diskSync.ts.)
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { NEW_EXPERIMENT, NEW_SWEEP } from '../templates';

export function registerNewFileCommands(s: Services): vscode.Disposable[] {
  return [s.command('newExperiment', () => newSpecFile(s, 'experiment')), s.command('newSweep', () => newSpecFile(s, 'sweep'))];
}

async function newSpecFile(s: Services, kind: 'experiment' | 'sweep'): Promise<void> {
  const ws = s.workspaceDir();
  if (!ws) return void vscode.window.showWarningMessage('Open a folder first: experiments are files in the workspace.');
  const name = await vscode.window.showInputBox({
    prompt: `Name of the new ${kind}`,
    value: kind === 'sweep' ? 'my-sweep' : 'my-experiment',
    validateInput: (v) => (/^[A-Za-z0-9._-]+$/.test(v) ? undefined : 'Use letters, digits, ".", "_" and "-"'),
  });
  if (!name) return;
  const file = path.join(ws, `${name}.${kind}.json`);
  if (existsSync(file)) return void vscode.window.showErrorMessage(`${path.basename(file)} already exists.`);
  writeFileSync(file, JSON.stringify(kind === 'sweep' ? NEW_SWEEP(name) : NEW_EXPERIMENT(name), null, 2) + '\n');
  const doc = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(doc);
  s.form.load(doc);
  s.tree.refresh();
}
