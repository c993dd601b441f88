// What every feature of the extension shares: the log, the store, settings, the data folders, the
// trainer runner, the tree, the form, and a command wrapper that reports errors instead of losing them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice } from '../core/train/backend';
import { ExperimentFormProvider } from './experimentForm';
import { nativeModulesDir } from './nativeBackend';
import { ResultsPanel } from './resultsPanel';
import { RunSlots, type SlotJob, slotCount } from './runSlots';
import { RunsTree } from './runsTree';
import { RunStore } from './runStore';
import { type TrainerHandle, TrainerRunner, findNodeOnPath } from './trainerRunner';

/** A run started from the editor, waiting for (or holding) one of the run slots. */
export interface RunJob extends SlotJob<TrainerHandle> {
  /** The experiment file: the tree shows a waiting run under it. */
  file: string;
}

export interface DataDirs {
  runs: string;
  sweeps: string;
}

export interface Services {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  log: (line: string) => void;
  store: RunStore;
  runner: TrainerRunner;
  /** Runs started from the editor wait here for a slot (`sparseAttention.maxConcurrentRuns`). */
  slots: RunSlots<TrainerHandle, RunJob>;
  /** Fires when a run is added to the slots' line, started, ended or cancelled. */
  onSlotsChange: vscode.Event<void>;
  tree: RunsTree;
  form: ExperimentFormProvider;
  config: () => vscode.WorkspaceConfiguration;
  workspaceDir: () => string | undefined;
  dataDirs: () => DataDirs | undefined;
  /** Opens or reveals the results panel on `focus`; `preserveFocus` leaves the keyboard where it is. */
  openResults: (focus?: string, preserveFocus?: boolean) => void;
  /** Registers `sparseAttention.<id>`; a throw is logged and shown with "Open Log", never lost. */
  command: (id: string, fn: (...args: any[]) => unknown) => vscode.Disposable;
}

type Log = (line: string) => void;

export function createServices(context: vscode.ExtensionContext): Services {
  const output = vscode.window.createOutputChannel('Sparse Attention');
  context.subscriptions.push(output);
  const log: Log = (line) => output.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const store = new RunStore();
  const config = () => vscode.workspace.getConfiguration('sparseAttention');
  const workspaceDir = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const dataDirs = () => {
    const ws = workspaceDir();
    if (!ws) return undefined;
    const base = path.resolve(ws, config().get<string>('runsFolder') || '.sparse-attention');
    return { runs: path.join(base, 'runs'), sweeps: path.join(base, 'sweeps') };
  };
  const runner = new TrainerRunner(() => trainerSettings(context, config(), workspaceDir()), store, log);
  const slotsChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(slotsChanged);
  const slots = createRunSlots(config, log, output, () => slotsChanged.fire());
  return {
    context,
    output,
    log,
    store,
    runner,
    slots,
    onSlotsChange: slotsChanged.event,
    tree: new RunsTree(store, dataDirs, () => slots.waiting().map((e) => ({ queueId: e.id, file: e.job.file }))),
    form: new ExperimentFormProvider(context.extensionUri, log),
    config,
    workspaceDir,
    dataDirs,
    openResults: (focus, preserveFocus) => ResultsPanel.createOrShow(context.extensionUri, store, log, focus, preserveFocus),
    command: commandRegistrar(log, output),
  };
}

/** How to start a trainer, read from the settings at every start (a changed setting applies to the next run). */
export function trainerSettings(context: vscode.ExtensionContext, config: vscode.WorkspaceConfiguration, workspaceDir: string | undefined) {
  return {
    cliPath: path.join(context.extensionPath, 'dist', 'cli.js'),
    backend: config.get<BackendChoice>('backend') ?? 'auto',
    nodePath: config.get<string>('nodePath') || findNodeOnPath(),
    nativeModulesDir: nativeModulesDir(context),
    queueUrl: config.get<string>('queueUrl') || undefined,
    gpuAdapter: config.get<string>('gpuAdapter') || undefined,
    cwd: workspaceDir ?? context.extensionPath,
  };
}

function createRunSlots(config: () => vscode.WorkspaceConfiguration, log: Log, output: vscode.OutputChannel, changed: () => void): RunSlots<TrainerHandle, RunJob> {
  return new RunSlots<TrainerHandle, RunJob>(
    () => slotCount(config().get<number | null>('maxConcurrentRuns')),
    changed,
    (job, err) => {
      log(`could not start ${job.file}: ${(err as Error).stack ?? err}`);
      void vscode.window.showErrorMessage(`Sparse Attention: could not start ${path.basename(job.file)}: ${(err as Error).message}`, 'Open Log').then((c) => c && output.show());
    },
  );
}

/** Registers `sparseAttention.<id>` so that a throw is logged and shown with "Open Log", never lost. */
function commandRegistrar(log: Log, output: vscode.OutputChannel): Services['command'] {
  return (id, fn) =>
    vscode.commands.registerCommand(`sparseAttention.${id}`, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (err) {
        log(`${id} failed: ${(err as Error).stack ?? err}`);
        void vscode.window.showErrorMessage(`Sparse Attention: ${(err as Error).message}`, 'Open Log').then((c) => c && output.show());
      }
    });
}
