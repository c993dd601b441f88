// What Export Results exports when started from the palette: what the results panel shows (its run
// or sweep folder), else the user picks a run or sweep by label — it used to open a bare folder
// picker inside .sparse-attention/. And the toast after any export offers to open or reveal the file.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { singleRunItems } from './compareRunItems';
export { shownFolder } from './diskState';

/** Asks which run or sweep to export: sweeps by name, single runs by label. */
export async function pickExport(dirs: { runs: string; sweeps: string }): Promise<string | undefined> {
  const sweeps = existsSync(dirs.sweeps) ? readdirSync(dirs.sweeps).filter((n) => existsSync(path.join(dirs.sweeps, n, 'summary.json'))) : [];
  const runs = singleRunItems(dirs.runs);
  const items = [
    ...(sweeps.length ? [{ label: 'Sweeps', kind: vscode.QuickPickItemKind.Separator }] : []),
    ...sweeps.map((n) => ({ label: `sweep ${n}`, detail: path.join(dirs.sweeps, n), dir: path.join(dirs.sweeps, n) })),
    ...runs.map((i) => (i.kind === 'separator' ? { label: i.label, kind: vscode.QuickPickItemKind.Separator } : { label: i.label, detail: i.detail, dir: i.runDir })),
  ];
  if (!items.some((i) => 'dir' in i)) {
    void vscode.window.showInformationMessage('Nothing to export yet: no finished run or sweep.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'The run or sweep to export as an HTML report', matchOnDetail: true });
  return pick && 'dir' in pick ? pick.dir : undefined;
}

/** An information toast naming the file, with Open (in the browser or editor) and Reveal. */
export function offerOpen(message: string, target: vscode.Uri): void {
  void vscode.window.showInformationMessage(message, 'Open', 'Reveal').then((choice) => {
    if (choice === 'Open') void (target.fsPath.endsWith('.html') ? vscode.env.openExternal(target) : vscode.commands.executeCommand('vscode.open', target));
    if (choice === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', target);
  });
}
