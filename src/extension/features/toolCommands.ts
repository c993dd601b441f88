// Set Up Native TensorFlow Backend, Show Log, Refresh.
import type * as vscode from 'vscode';
import { setupNativeBackend } from '../nativeBackend';
import type { Services } from '../services';

export function registerToolCommands(s: Services): vscode.Disposable[] {
  return [
    s.command('setupNativeBackend', () => setupNativeBackend(s.context, s.log)),
    s.command('showLog', () => s.output.show()),
    s.command('refresh', () => s.tree.refresh()),
  ];
}
