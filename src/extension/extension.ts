// Activation only wires features together; each feature registers its own commands from its own
// module (features/), in the manner of vscode-dvc's per-feature register.ts, and the disk sync
// (diskSync.ts) keeps the store and the tree in step with the run folders. Science is in src/core,
// training in the trainer process.
import * as vscode from 'vscode';
import { syncWithDisk } from './diskWatchers';
import { registerNewFileCommands } from './features/newFileCommands';
import { registerResultsCommands } from './features/resultsCommands';
import { registerRunCommands } from './features/runCommands';
import { registerSweepCommands } from './features/sweepCommands';
import { registerToolCommands } from './features/toolCommands';
import { statusBar } from './features/trainerProgress';
import { createServices } from './services';
import { registerSpecDiagnostics } from './specDiagnostics';

export function activate(context: vscode.ExtensionContext): void {
  const s = createServices(context);
  const status = statusBar(s);
  context.subscriptions.push(
    status.item,
    vscode.window.createTreeView('sparseAttention.runs', { treeDataProvider: s.tree, showCollapseAll: true }),
    ...syncWithDisk(s),
    ...s.form.register(),
    ...registerSpecDiagnostics(),
    ...registerRunCommands(s, status.refresh),
    ...registerSweepCommands(s, status.refresh),
    ...registerResultsCommands(s),
    ...registerNewFileCommands(s),
    ...registerToolCommands(s),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sparseAttention.maxConcurrentRuns')) s.slots.reschedule();
    }),
    s.onSlotsChange(() => {
      status.refresh();
      s.tree.queueChanged();
    }),
    // The slots first: no waiting run may start in a slot that a stopping trainer frees.
    { dispose: () => s.slots.stopAll() },
    { dispose: () => s.runner.stopAll() },
  );
  status.refresh();
  s.log(`Sparse Attention Lab activated (trainer: ${context.extensionPath}/dist/cli.js)`);
}

export function deactivate(): void {
  // Trainers are stopped through the disposable registered in activate().
}
