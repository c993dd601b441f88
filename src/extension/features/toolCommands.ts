// Set Up Native TensorFlow Backend, Set Up GPU Backend, Show Log, Refresh.
import type * as vscode from 'vscode';
import { setupGpuBackend } from '../gpuBackend';
import { setupNativeBackend } from '../nativeBackend';
import { type Services, trainerSettings } from '../services';

export function registerToolCommands(s: Services): vscode.Disposable[] {
  return [
    s.command('setupNativeBackend', () => setupNativeBackend(s.context, s.log)),
    s.command('setupGpuBackend', () => setupGpuBackend(s.context, s.log, () => trainerSettings(s.context, s.config(), s.workspaceDir()))),
    s.command('showLog', () => s.output.show()),
    s.command('refresh', () => s.tree.refresh()),
  ];
}
