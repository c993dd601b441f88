// A running trainer as the user sees it: a progress notification with Cancel, the status-bar count,
// and at the end a message with "Open Results" or the failure's reason with "Open Log".
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { TrainerHandle } from '../trainerRunner';

export function statusBar(s: Services): { item: vscode.StatusBarItem; refresh: () => void } {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  item.command = 'sparseAttention.openResults';
  const refresh = () => {
    const n = s.runner.active().length;
    const waiting = s.slots.waiting().length;
    // Stop (all) applies while anything runs or waits.
    void vscode.commands.executeCommand('setContext', 'sparseAttention.running', n + waiting > 0);
    item.text = `$(beaker) ${n} running${waiting ? ` · ${waiting} queued` : ''}`;
    item.tooltip = 'Sparse Attention: open results';
    if (n + waiting > 0) item.show();
    else item.hide();
  };
  return { item, refresh };
}

export function track(s: Services, handle: TrainerHandle, title: string, describe: () => string | undefined, onEnd: () => void): void {
  onEnd();
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    token.onCancellationRequested(() => handle.stop());
    const unsubscribe = s.store.onChange(() => {
      const msg = describe();
      if (msg) progress.report({ message: msg });
    });
    const exit = await handle.done;
    unsubscribe();
    onEnd();
    // The trainer's row (or its sweep) shows how it ended; the rest of the tree is untouched.
    if (handle.id) {
      s.tree.refreshChanged({
        runs: new Set(handle.kind === 'run' ? [handle.id] : []),
        sweeps: new Map(handle.kind === 'sweep' ? [[handle.id, true]] : []),
        experimentFiles: new Set([handle.file]),
      });
    }
    if (exit.code === 0 || exit.code === 130) {
      const msg = describe();
      if (exit.code === 0) void vscode.window.showInformationMessage(`${title}: ${msg ?? 'finished'}`, 'Open Results').then((c) => c && s.openResults(handle.id));
      return;
    }
    if (exit.signal) {
      // Killed from outside (the OOM killer, a user): not a bug to report, but the run did not finish.
      void vscode.window.showWarningMessage(`${title} was interrupted: the trainer was killed (${exit.signal}). Its folder keeps what it wrote.`);
      return;
    }
    const reason = exit.stderr.split('\n').filter(Boolean).slice(-3).join(' · ') || `trainer exited with code ${exit.code}`;
    void vscode.window.showErrorMessage(`${title} failed: ${reason}`, 'Open Log').then((c) => c && s.output.show());
  });
}
