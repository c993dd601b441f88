// Activation only wires features together; each feature registers its own commands from its own
// module (features/), in the manner of vscode-dvc's per-feature register.ts. Science is in src/core,
// training in the trainer process.
import * as vscode from 'vscode';
import { registerFileCommands } from './features/fileCommands';
import { registerResultsCommands } from './features/resultsCommands';
import { registerRunCommands } from './features/runCommands';
import { registerSweepCommands } from './features/sweepCommands';
import { registerToolCommands } from './features/toolCommands';
import { statusBar } from './features/trainerProgress';
import { createServices } from './services';
import { noTreeChanges, noteStoreChange } from './treeRefresh';

export function activate(context: vscode.ExtensionContext): void {
  const s = createServices(context);
  const status = statusBar(s);
  // Tree refreshes are cheap but not free: at most a few per second during training, and only of
  // the rows that changed (a full redraw swallows clicks on the other rows' inline buttons).
  let treeTimer: ReturnType<typeof setTimeout> | undefined;
  let treeChanges = noTreeChanges();
  const unsubscribe = s.store.onChange((change) => {
    noteStoreChange(treeChanges, change);
    treeTimer ??= setTimeout(() => {
      treeTimer = undefined;
      const changes = treeChanges;
      treeChanges = noTreeChanges();
      s.tree.refreshChanged(changes);
    }, 300);
  });
  context.subscriptions.push(
    status.item,
    vscode.window.createTreeView('sparseAttention.runs', { treeDataProvider: s.tree, showCollapseAll: true }),
    ...s.form.register(),
    ...registerRunCommands(s, status.refresh),
    ...registerSweepCommands(s, status.refresh),
    ...registerResultsCommands(s),
    ...registerFileCommands(s),
    ...registerToolCommands(s),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sparseAttention.maxConcurrentRuns')) s.queue.reschedule();
    }),
    s.onQueueChange(() => {
      status.refresh();
      s.tree.queueChanged();
    }),
    { dispose: unsubscribe },
    { dispose: () => treeTimer && clearTimeout(treeTimer) },
    // The queue first: no waiting run may start in a slot that a stopping trainer frees.
    { dispose: () => s.queue.stopAll() },
    { dispose: () => s.runner.stopAll() },
  );
  status.refresh();
  s.log(`Sparse Attention Lab activated (trainer: ${context.extensionPath}/dist/cli.js)`);
}

export function deactivate(): void {
  // Trainers are stopped through the disposable registered in activate().
}
