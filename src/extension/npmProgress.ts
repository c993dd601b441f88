// The editor's side of the set-up commands' npm installs: a cancellable progress notification fed
// with npm's last line (also logged), and errors that offer "Open Log".
import * as vscode from 'vscode';
import type { NpmResult } from './npmInstall';

/** Runs `install` under a cancellable notification; Cancel aborts its signal (which kills npm). */
export function withNpmProgress(
  title: string,
  log: (line: string) => void,
  install: (onLine: (line: string) => void, signal: AbortSignal) => Promise<NpmResult>,
): Thenable<NpmResult> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await install((line) => {
        log(line);
        progress.report({ message: line.slice(0, 80) });
      }, abort.signal);
    } finally {
      sub.dispose();
    }
  });
}

/** An error message with "Open Log" (the extension's output channel, where npm's output went). */
export function showErrorWithLog(message: string): void {
  void vscode.window.showErrorMessage(message, 'Open Log').then((choice) => choice && vscode.commands.executeCommand('sparseAttention.showLog'));
}
