// The results panel: Open Results (loading a run or sweep from disk when needed), the serializer that
// restores the panel after a window reload, and Export Results (a self-contained HTML report).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildReport } from '../../report/htmlReport';
import { loadRun, loadSweep, restoreShown, shownBefore } from '../diskState';
import { specColumn } from '../editorColumn';
import { offerOpen, pickExport, shownFolder } from '../exportChoice';
import { RESULTS_VIEW_TYPE, ResultsPanel } from '../resultsPanel';
import type { Node } from '../runsTree';
import type { Services } from '../services';

export function registerResultsCommands(s: Services): vscode.Disposable[] {
  /** Fills the store from disk for a tree node not already live, and names what to focus. */
  const load = (node: Node | undefined): string | undefined => {
    if (node?.kind === 'run') return s.store.run(node.runId)?.status === 'running' ? node.runId : loadRun(s.store, node.runDir);
    if (node?.kind === 'sweepRun') return s.store.sweep(node.sweepDir)?.status === 'running' ? node.sweepDir : loadSweep(s.store, node.sweepDir, node.name);
    return undefined;
  };

  const exportResults = async (node?: Node) => {
    const dirs = s.dataDirs();
    // A tree row's run or sweep; else what the results panel shows; else the user picks one by label.
    let dir = node?.kind === 'run' ? node.runDir : node?.kind === 'sweepRun' ? node.sweepDir : undefined;
    if (!dir && dirs) dir = shownFolder(ResultsPanel.shownKey(), dirs.runs) ?? (await pickExport(dirs));
    if (!dir) return;
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${dir}.report.html`), filters: { HTML: ['html'] } });
    if (!target) return;
    try {
      writeFileSync(target.fsPath, buildReport(dir));
      offerOpen(`Wrote ${vscode.workspace.asRelativePath(target)} (a self-contained report: open it in any browser).`, target);
    } catch (err) {
      void vscode.window.showErrorMessage(`Export failed: ${(err as Error).message}`);
    }
  };

  return [
    s.command('openResults', (node?: Node) => s.openResults(load(node))),
    // A spec file clicked in the tree opens beside the results panel (editorColumn.ts), keeping it in view.
    s.command('openSpecFile', (uri: vscode.Uri) => vscode.window.showTextDocument(uri, { viewColumn: specColumn(ResultsPanel.column()), preview: true })),
    // A sweep cell ("m = 40 · 2/3 passed") clicked in the tree: the panel's drill-down into its runs.
    s.command('openCell', (node?: Node) => {
      if (node?.kind !== 'sweepGroup' || node.path.T === undefined || node.path.m === undefined) return;
      if (s.store.sweep(node.sweepDir)?.status !== 'running') loadSweep(s.store, node.sweepDir);
      ResultsPanel.showCell(s.context.extensionUri, s.store, s.log, { sweepId: node.sweepDir, variant: node.path.variant, T: node.path.T, m: node.path.m });
    }),
    s.command('exportResults', exportResults),
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      // After a reload the store is empty: fill it from disk with what the panel showed, before the
      // page asks for its first snapshot.
      deserializeWebviewPanel: async (panel, state) => {
        const shown = shownBefore(state);
        const report = (message: string) => s.log(`results panel: ${message}`);
        let focus: string | undefined;
        try {
          focus = restoreShown(s.store, shown, s.dataDirs()?.runs, report);
        } catch (err) {
          report(`could not restore ${shown?.kind === 'table' ? 'the runs table' : shown?.id}: ${(err as Error).message}`);
        }
        ResultsPanel.revive(panel, s.context.extensionUri, s.store, s.log, focus);
      },
    }),
  ];
}
