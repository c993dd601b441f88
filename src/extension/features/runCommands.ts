// Runs: Run Experiment, Run Again, Stop, Delete, Reveal, Compare Runs.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTrainerRecord } from '../../trainer/runFiles';
import { loadRun } from '../diskState';
import type { Node } from '../runsTree';
import type { Services } from '../services';
import { pickSpecFile, requireTrust, validateOrReport } from './specFiles';
import { track } from './trainerProgress';

export function registerRunCommands(s: Services, refreshStatus: () => void): vscode.Disposable[] {
  const runExperiment = async (arg?: unknown) => {
    if (!requireTrust()) return;
    const file = await pickSpecFile(arg, 'experiment');
    const dirs = s.dataDirs();
    if (!file || !dirs || !validateOrReport(s, file, 'experiment')) return;
    const handle = s.runner.startRun(file.fsPath, dirs.runs);
    track(s, handle, `Training ${path.basename(file.fsPath)}`, () => {
      const run = handle.id ? s.store.run(handle.id) : undefined;
      const m = run?.metrics.at(-1);
      if (run?.summary) return `${run.summary.status}, test accuracy ${run.summary.testAccuracy?.toFixed(3)} (${run.summary.backend})`;
      return m ? `step ${m.step}, test accuracy ${m.testAccuracy.toFixed(3)}, attention on relevant ${m.attentionOnRelevant?.toFixed(2) ?? '–'}` : 'starting…';
    }, refreshStatus);
  };

  const dirOf = (node?: Node) => (node?.kind === 'run' ? node.runDir : node?.kind === 'sweepRun' ? node.sweepDir : undefined);

  return [
    s.command('run', runExperiment),
    s.command('runAgain', async (node?: Node) => {
      if (node?.kind !== 'run' || !requireTrust()) return;
      // The experiment file the run came from, so its new runs sit under the same experiment;
      // the run's own resolved copy when that file is gone.
      const recorded = readTrainerRecord(node.runDir)?.experimentFile;
      const file = recorded && existsSync(recorded) ? recorded : path.join(node.runDir, 'experiment.json');
      await runExperiment(vscode.Uri.file(file));
    }),
    s.command('stop', () => {
      if (!s.runner.active().length) void vscode.window.showInformationMessage('Nothing is running.');
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
    s.command('compareRuns', async () => {
      const dirs = s.dataDirs();
      if (!dirs || !existsSync(dirs.runs)) return void vscode.window.showInformationMessage('No runs yet.');
      const picks = await vscode.window.showQuickPick(readdirSync(dirs.runs).sort().reverse(), { canPickMany: true, placeHolder: 'Runs to overlay in the results panel' });
      if (!picks?.length) return;
      for (const runId of picks) if (!s.store.run(runId)) loadRun(s.store, path.join(dirs.runs, runId));
      s.openResults(picks[0]);
    }),
  ];
}
