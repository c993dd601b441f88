// Activation: wires the store, runner, tree, sidebar form, results panel, status bar and commands.
// Thin by design: the science is in src/core, training in the trainer process.
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice } from '../core/backend';
import { ExperimentSchema } from '../core/experimentSpec';
import { readSpecFile } from '../core/specProblems';
import { SweepSchema } from '../core/sweepSpec';
import { SweepEvent } from '../protocol/sweepEvents';
import { buildReport } from '../trainer/htmlReport';
import { readEvents } from '../trainer/runFiles';
import { ExperimentFormProvider } from './experimentForm';
import { nativeModulesDir, setupNativeBackend } from './nativeBackend';
import { RESULTS_VIEW_TYPE, ResultsPanel } from './resultsPanel';
import { type Node, RunsTree } from './runsTree';
import { RunStore } from './runStore';
import { NEW_EXPERIMENT, NEW_SWEEP } from './templates';
import { type TrainerHandle, TrainerRunner, findNodeOnPath } from './trainerRunner';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Sparse Attention');
  const log = (line: string) => output.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const store = new RunStore();
  const config = () => vscode.workspace.getConfiguration('sparseAttention');
  const workspaceDir = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const dataDirs = () => {
    const ws = workspaceDir();
    if (!ws) return undefined;
    const base = path.resolve(ws, config().get<string>('runsFolder') || '.sparse-attention');
    return { runs: path.join(base, 'runs'), sweeps: path.join(base, 'sweeps') };
  };
  const runner = new TrainerRunner(
    () => ({
      cliPath: path.join(context.extensionPath, 'dist', 'cli.js'),
      backend: config().get<BackendChoice>('backend') ?? 'auto',
      nodePath: config().get<string>('nodePath') || findNodeOnPath(),
      nativeModulesDir: nativeModulesDir(context),
      cwd: workspaceDir() ?? context.extensionPath,
    }),
    store,
    log,
  );
  const tree = new RunsTree(store, dataDirs);
  const form = new ExperimentFormProvider(context.extensionUri, log);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = 'sparseAttention.openResults';
  const refreshStatus = () => {
    const n = runner.active().length;
    void vscode.commands.executeCommand('setContext', 'sparseAttention.running', n > 0);
    status.text = `$(beaker) ${n} running`;
    status.tooltip = 'Sparse Attention: open results';
    if (n > 0) status.show();
    else status.hide();
  };
  // Tree refreshes are cheap but not free: at most a few per second during training.
  let treeTimer: ReturnType<typeof setTimeout> | undefined;
  store.onChange(() => {
    treeTimer ??= setTimeout(() => {
      treeTimer = undefined;
      tree.refresh();
    }, 300);
  });

  const openResults = (focus?: string) => ResultsPanel.createOrShow(context.extensionUri, store, log, focus);

  /** The experiment/sweep file a command applies to: its argument, the active editor, or a pick. */
  const pickSpecFile = async (arg: unknown, kind: 'experiment' | 'sweep'): Promise<vscode.Uri | undefined> => {
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
  };

  const requireTrust = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage('Training is disabled in an untrusted workspace: trust the workspace to run experiments.', 'Manage Workspace Trust').then(
      (c) => c && vscode.commands.executeCommand('workbench.trust.manage'),
    );
    return false;
  };

  /** Validates in the host first so a bad file is reported at once, field by field, with nothing spawned. */
  const validateOrReport = (file: vscode.Uri, kind: 'experiment' | 'sweep') => {
    const parsed = readSpecFile(kind === 'sweep' ? SweepSchema : ExperimentSchema, file.fsPath);
    if (parsed.ok) return parsed.value;
    log(`${file.fsPath} is invalid:\n  ${parsed.problems.join('\n  ')}`);
    void vscode.window.showErrorMessage(`${path.basename(file.fsPath)}: ${parsed.problems[0]}${parsed.problems.length > 1 ? ` (+${parsed.problems.length - 1} more)` : ''}`, 'Open Log').then(
      (c) => c && output.show(),
    );
    return undefined;
  };

  /** Progress notification with Cancel for one trainer; errors are shown, never lost. */
  const track = (handle: TrainerHandle, title: string, describe: () => string | undefined) => {
    refreshStatus();
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => handle.stop());
      const unsubscribe = store.onChange(() => {
        const msg = describe();
        if (msg) progress.report({ message: msg });
      });
      const exit = await handle.done;
      unsubscribe();
      refreshStatus();
      tree.refresh();
      if (exit.code === 0 || exit.code === 130) {
        const msg = describe();
        if (exit.code === 0) void vscode.window.showInformationMessage(`${title}: ${msg ?? 'finished'}`, 'Open Results').then((c) => c && openResults(handle.id));
        return;
      }
      const reason = exit.stderr.split('\n').filter(Boolean).slice(-3).join(' · ') || `trainer exited with code ${exit.code}`;
      void vscode.window.showErrorMessage(`${title} failed: ${reason}`, 'Open Log').then((c) => c && output.show());
    });
  };

  const runExperiment = async (arg?: unknown) => {
    if (!requireTrust()) return;
    const file = await pickSpecFile(arg, 'experiment');
    const dirs = dataDirs();
    if (!file || !dirs) return;
    if (!validateOrReport(file, 'experiment')) return;
    const handle = runner.startRun(file.fsPath, dirs.runs);
    track(handle, `Training ${path.basename(file.fsPath)}`, () => {
      const run = handle.id ? store.run(handle.id) : undefined;
      const m = run?.metrics.at(-1);
      if (run?.summary) return `${run.summary.status}, test accuracy ${run.summary.testAccuracy?.toFixed(3)} (${run.summary.backend})`;
      return m ? `step ${m.step}, test accuracy ${m.testAccuracy.toFixed(3)}, attention on relevant ${m.attentionOnRelevant?.toFixed(2) ?? '–'}` : 'starting…';
    });
  };

  const runSweep = async (arg?: unknown) => {
    if (!requireTrust()) return;
    const file = await pickSpecFile(arg, 'sweep');
    const dirs = dataDirs();
    if (!file || !dirs) return;
    const sweep = validateOrReport(file, 'sweep');
    if (!sweep) return;
    const workers = config().get<number>('maxWorkers') || availableParallelism();
    const handle = runner.startSweep(file.fsPath, dirs.sweeps, workers, (sweep as { successRate: number }).successRate);
    track(handle, `Sweep ${path.basename(file.fsPath)}`, () => {
      const s = handle.id ? store.sweep(handle.id) : undefined;
      if (s?.summary) return `${s.summary.status}: ${s.summary.verdict ?? 'no fit (too few context lengths)'}`;
      return s ? `${s.runsDone}/${s.plannedRuns} runs` : 'starting…';
    });
    openResults();
  };

  /** Loads a finished run or sweep from disk into the store so the panel can show it. */
  const loadFromDisk = (node: Node | undefined): string | undefined => {
    if (!node) return undefined;
    if (node.kind === 'run') {
      if (!store.run(node.runId)) for (const e of readEvents(node.runDir)) store.applyRunEvent(node.runId, node.runId.replace(/-s\d+-.*$/, ''), e);
      return node.runId;
    }
    if (node.kind === 'sweepRun') {
      if (!store.sweep(node.sweepDir) && existsSync(path.join(node.sweepDir, 'events.jsonl'))) {
        const rate = readSpecFile(SweepSchema, path.join(node.sweepDir, 'sweep.json'));
        for (const line of readFileSync(path.join(node.sweepDir, 'events.jsonl'), 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const parsed = SweepEvent.safeParse(JSON.parse(line));
          if (parsed.success) store.applySweepEvent(node.sweepDir, node.name, rate.ok ? rate.value.successRate : 0.67, parsed.data);
        }
      }
      return node.sweepDir;
    }
    return undefined;
  };

  const newFile = async (kind: 'experiment' | 'sweep') => {
    const ws = workspaceDir();
    if (!ws) {
      void vscode.window.showWarningMessage('Open a folder first: experiments are files in the workspace.');
      return;
    }
    const name = await vscode.window.showInputBox({
      prompt: `Name of the new ${kind}`,
      value: kind === 'sweep' ? 'my-sweep' : 'my-experiment',
      validateInput: (v) => (/^[A-Za-z0-9._-]+$/.test(v) ? undefined : 'Use letters, digits, ".", "_" and "-"'),
    });
    if (!name) return;
    const file = path.join(ws, `${name}.${kind}.json`);
    if (existsSync(file)) {
      void vscode.window.showErrorMessage(`${path.basename(file)} already exists.`);
      return;
    }
    writeFileSync(file, JSON.stringify(kind === 'sweep' ? NEW_SWEEP(name) : NEW_EXPERIMENT(name), null, 2) + '\n');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    form.load(doc);
    tree.refresh();
  };

  const exportResults = async (arg?: unknown) => {
    const node = arg as Node | undefined;
    let dir = node?.kind === 'run' ? node.runDir : node?.kind === 'sweepRun' ? node.sweepDir : undefined;
    if (!dir) {
      const dirs = dataDirs();
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, defaultUri: dirs ? vscode.Uri.file(path.dirname(dirs.runs)) : undefined, openLabel: 'Export this run or sweep' });
      dir = picked?.[0]?.fsPath;
    }
    if (!dir) return;
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${dir}.report.html`), filters: { HTML: ['html'] } });
    if (!target) return;
    try {
      writeFileSync(target.fsPath, buildReport(dir));
      void vscode.window.showInformationMessage(`Wrote ${target.fsPath} (a self-contained report: open it in any browser).`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Export failed: ${(err as Error).message}`);
    }
  };

  const command = (id: string, fn: (...args: any[]) => unknown) =>
    vscode.commands.registerCommand(`sparseAttention.${id}`, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (err) {
        log(`${id} failed: ${(err as Error).stack ?? err}`);
        void vscode.window.showErrorMessage(`Sparse Attention: ${(err as Error).message}`, 'Open Log').then((c) => c && output.show());
      }
    });

  context.subscriptions.push(
    output,
    status,
    vscode.window.createTreeView('sparseAttention.runs', { treeDataProvider: tree, showCollapseAll: true }),
    ...form.register(),
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => ResultsPanel.revive(panel, context.extensionUri, store, log),
    }),
    vscode.workspace.createFileSystemWatcher('**/*.{experiment,sweep}.json').onDidCreate(() => tree.refresh()),
    command('newExperiment', () => newFile('experiment')),
    command('newSweep', () => newFile('sweep')),
    command('run', runExperiment),
    command('runSweep', runSweep),
    command('runAgain', async (node?: Node) => {
      const runDir = node?.kind === 'run' ? node.runDir : undefined;
      if (runDir && requireTrust()) await runExperiment(vscode.Uri.file(path.join(runDir, 'experiment.json')));
    }),
    command('stop', () => {
      const active = runner.active();
      if (!active.length) void vscode.window.showInformationMessage('Nothing is running.');
      runner.stopAll();
    }),
    command('openResults', (node?: Node) => openResults(loadFromDisk(node))),
    command('compareRuns', async () => {
      const dirs = dataDirs();
      if (!dirs || !existsSync(dirs.runs)) return void vscode.window.showInformationMessage('No runs yet.');
      const ids = readdirSync(dirs.runs);
      const picks = await vscode.window.showQuickPick(ids.sort().reverse(), { canPickMany: true, placeHolder: 'Runs to overlay in the results panel' });
      if (!picks?.length) return;
      for (const runId of picks) loadFromDisk({ kind: 'run', runId, runDir: path.join(dirs.runs, runId) });
      openResults(picks[0]);
    }),
    command('exportResults', exportResults),
    command('setupNativeBackend', () => setupNativeBackend(context, log)),
    command('showLog', () => output.show()),
    command('refresh', () => tree.refresh()),
    command('revealRun', (node?: Node) => {
      const dir = node?.kind === 'run' ? node.runDir : node?.kind === 'sweepRun' ? node.sweepDir : undefined;
      if (dir) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(dir));
    }),
    command('deleteRun', async (node?: Node) => {
      const dir = node?.kind === 'run' ? node.runDir : node?.kind === 'sweepRun' ? node.sweepDir : undefined;
      if (!dir) return;
      const ok = await vscode.window.showWarningMessage(`Delete ${path.basename(dir)} and all its files?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      rmSync(dir, { recursive: true, force: true });
      if (node?.kind === 'run') store.forget(node.runId);
      tree.refresh();
    }),
    { dispose: () => runner.stopAll() },
  );
  refreshStatus();
  log(`Sparse Attention Lab activated (trainer: ${path.join(context.extensionPath, 'dist', 'cli.js')})`);
}

export function deactivate(): void {
  // Trainers are stopped through the disposable registered in activate().
}
