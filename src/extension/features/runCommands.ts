// Runs: Run Experiment (through the queue), Run Again, Cancel Run (one run), Stop (all), Delete,
// Reveal, Compare Runs.
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { backendLabel } from '../../protocol/backendLabel';
import { readTrainerRecord } from '../../store/trainerRecord';
import { RUN_FILES } from '../../store/runFolder';
import { compareRunItems } from '../compareRunItems';
import { loadRun } from '../diskState';
import type { Node } from '../runsTree';
import type { Services } from '../services';
import { revealWhenStarted } from './revealResults';
import { pickSpecFile, requireTrust, validateOrReport } from './specFiles';
import { track } from './trainerProgress';

export function registerRunCommands(s: Services, refreshStatus: () => void): vscode.Disposable[] {
  const runExperiment = (arg?: unknown) => startExperiment(s, arg, refreshStatus);
  const dirOf = (node?: Node) => (node?.kind === 'run' ? node.runDir : node?.kind === 'sweepRun' ? node.sweepDir : undefined);
  return [
    s.command('run', runExperiment),
    s.command('runAgain', async (node?: Node) => {
      if (node?.kind !== 'run' || !requireTrust()) return;
      // The experiment file the run came from, so its new runs sit under the same experiment;
      // the run's own resolved copy when that file is gone.
      const recorded = readTrainerRecord(node.runDir)?.experimentFile;
      const file = recorded && existsSync(recorded) ? recorded : path.join(node.runDir, RUN_FILES.experiment);
      await runExperiment(vscode.Uri.file(file));
    }),
    s.command('cancelRun', (node?: Node) => cancelRun(s, node)),
    s.command('stop', () => {
      if (!s.runner.active().length && !s.slots.waiting().length) void vscode.window.showInformationMessage('Nothing is running.');
      // Waiting runs first, so no waiting run takes the slot a stopped one frees.
      s.slots.stopAll();
      s.runner.stopAll();
    }),
    s.command('revealRun', (node?: Node) => {
      const dir = dirOf(node);
      if (dir) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(dir));
    }),
    s.command('deleteRun', async (node?: Node) => {
      const dir = dirOf(node);
      if (!dir) return;
      const ok = await vscode.window.showWarningMessage(`Delete ${path.basename(dir)} and all its files?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      rmSync(dir, { recursive: true, force: true });
      s.store.forget(node?.kind === 'run' ? node.runId : dir);
      s.tree.refresh();
    }),
    s.command('compareRuns', () => compareRuns(s)),
  ];
}

/** Run Experiment: the run waits for a free run slot; its progress notification appears when it starts. */
async function startExperiment(s: Services, arg: unknown, refreshStatus: () => void): Promise<void> {
  if (!requireTrust()) return;
  const file = await pickSpecFile(arg, 'experiment');
  const dirs = s.dataDirs();
  if (!file || !dirs || !validateOrReport(s, file, 'experiment')) return;
  const title = `Training ${path.basename(file.fsPath)}`;
  const start = () => {
    const handle = s.runner.startRun(file.fsPath, dirs.runs);
    track(s, handle, title, () => {
      const run = handle.id ? s.store.run(handle.id) : undefined;
      const m = run?.metrics.at(-1);
      if (run?.summary) return `${run.summary.status}, test accuracy ${run.summary.testAccuracy?.toFixed(3)} (${backendLabel(run.summary.backend, run.summary.adapter)})`;
      return m ? `step ${m.step}, test accuracy ${m.testAccuracy.toFixed(3)}, attention on relevant ${m.attentionOnRelevant?.toFixed(2) ?? '–'}` : 'starting…';
    }, refreshStatus);
    revealWhenStarted(s, handle);
    return handle;
  };
  const id = s.slots.add({ file: file.fsPath, start });
  const place = s.slots.position(id);
  if (place !== undefined) vscode.window.setStatusBarMessage(`$(clock) ${title}: queued (#${place}); it starts when a running run ends`, 5000);
}

/** One run, waiting or running, stopped without touching the others. */
function cancelRun(s: Services, node?: Node): void {
  if (node?.kind === 'queued') {
    if (!s.slots.cancel(node.queueId)) void vscode.window.showInformationMessage('That run has already left the queue.');
    return;
  }
  if (node?.kind !== 'run') return;
  const entry = s.slots.running().find((e) => e.handle?.id === node.runId);
  if (entry) return void s.slots.cancel(entry.id);
  // A run the slots do not hold (e.g. started before a window reload): stop its trainer directly.
  const handle = s.runner.active().find((h) => h.kind === 'run' && h.id === node.runId);
  if (handle) handle.stop();
  else void vscode.window.showInformationMessage(`${node.runId} is not running.`);
}

/** Compare Runs: the picked runs (single or a sweep's, by label; compareRunItems.ts) overlaid in the results panel. */
async function compareRuns(s: Services): Promise<void> {
  const dirs = s.dataDirs();
  const items = dirs ? compareRunItems(dirs) : [];
  if (!items.some((i) => i.kind === 'run')) return void vscode.window.showInformationMessage('No runs yet.');
  const picks = await vscode.window.showQuickPick(
    items.map((i) => (i.kind === 'separator' ? { label: i.label, kind: vscode.QuickPickItemKind.Separator } : { label: i.label, detail: i.detail, runDir: i.runDir })),
    { canPickMany: true, matchOnDetail: true, placeHolder: 'Runs to overlay in the results panel (type to filter: a label, T = 8, an id)' },
  );
  const dirsPicked = (picks ?? []).flatMap((p) => ('runDir' in p && p.runDir ? [p.runDir] : []));
  if (!dirsPicked.length) return;
  const ids = dirsPicked.map((dir) => loadRun(s.store, dir));
  s.openResults(ids[0]);
}
