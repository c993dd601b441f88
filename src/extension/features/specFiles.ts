// Which experiment or sweep file a command applies to, the trust gate for training, and validation in
// the host (a bad file is reported field by field before anything is spawned).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExperimentSchema } from '../../core/spec/experimentSpec';
import { readSpecFile } from '../../core/spec/specProblems';
import { SweepSchema } from '../../core/spec/sweepSpec';
import type { Node } from '../runsTree';
import type { Services } from '../services';

export type SpecKind = 'experiment' | 'sweep';

/** The file a command applies to: its argument, the active editor, or a pick. */
export async function pickSpecFile(arg: unknown, kind: SpecKind): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const node = arg as Node | undefined;
  if (node && (node.kind === 'experiment' || node.kind === 'sweep')) return node.file;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.fsPath.endsWith(`.${kind}.json`)) return active;
  const files = await vscode.workspace.findFiles(`**/*.${kind}.json`, '**/node_modules/**', 200);
  if (files.length === 1) return files[0];
  if (!files.length) {
    void vscode.window.showWarningMessage(`No *.${kind}.json file in this workspace. Create one with "Sparse Attention: New ${kind === 'sweep' ? 'Sweep' : 'Experiment'}".`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
    { placeHolder: `Which ${kind}?` },
  );
  return pick?.uri;
}

export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage('Training is disabled in an untrusted workspace: trust the workspace to run experiments.', 'Manage Workspace Trust')
    .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

export function validateOrReport(s: Services, file: vscode.Uri, kind: SpecKind): boolean {
  const parsed = readSpecFile(kind === 'sweep' ? SweepSchema : ExperimentSchema, file.fsPath);
  if (parsed.ok) return true;
  s.log(`${file.fsPath} is invalid:\n  ${parsed.problems.join('\n  ')}`);
  const more = parsed.problems.length > 1 ? ` (+${parsed.problems.length - 1} more)` : '';
  void vscode.window.showErrorMessage(`${path.basename(file.fsPath)}: ${parsed.problems[0]}${more}`, 'Open Log').then((c) => c && s.output.show());
  return false;
}
