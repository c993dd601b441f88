// Sweeps: Run Sweep, and Resume Sweep for one that was interrupted (finished runs are reused).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTrainerRecord } from '../../store/trainerRecord';
import { SWEEP_FILES } from '../../store/sweepFolder';
import type { Node } from '../runsTree';
import type { Services } from '../services';
import { pickSpecFile, requireTrust, validateOrReport } from './specFiles';
import { track } from './trainerProgress';
import { progressText } from '../../protocol/sweepProgress';
import { longSweepQuestion, planSweep } from '../sweepPlanning';
import { trainerSettings } from '../services';

/**
 * A sweep the plan estimates above `sparseAttention.confirmSweepsLongerThanMinutes` starts only when
 * the user says so (a modal with the plan's runs and time); no plan (a queue, an error) asks nothing.
 */
async function confirmLongSweep(s: Services, file: string, outDir: string, processes?: number): Promise<boolean> {
  const threshold = s.config().get<number>('confirmSweepsLongerThanMinutes') ?? 10;
  if (threshold <= 0) return true;
  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Planning ${path.basename(file)} (runs and time on this machine)…` },
    () => planSweep(trainerSettings(s.context, s.config(), s.workspaceDir()), file, outDir, processes),
  );
  if ('why' in plan) {
    s.log(`no plan before the sweep (${plan.why}); starting it without an estimate`);
    return true;
  }
  s.log(`plan of ${path.basename(file)}: ${plan.plannedRuns} runs, estimate ${plan.estimatedSeconds === null ? 'none' : `${Math.round(plan.estimatedSeconds)} s`}`);
  const question = longSweepQuestion(plan, threshold);
  if (!question) return true;
  const go = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, 'Start Sweep');
  return go === 'Start Sweep';
}

export function registerSweepCommands(s: Services, refreshStatus: () => void): vscode.Disposable[] {
  const start = async (file: string, outDir: string) => {
    // sparseAttention.maxWorkers: the sweep's parallel training processes on this machine; 0 lets
    // the CLI choose (1 when its ensembles train on a GPU, else the number of cores).
    const processes = s.config().get<number>('maxWorkers') || undefined;
    if (!(await confirmLongSweep(s, file, outDir, processes))) return;
    const handle = s.runner.startSweep(file, outDir, processes);
    track(s, handle, `Sweep ${path.basename(file)}`, () => {
      const sweep = handle.id ? s.store.sweep(handle.id) : undefined;
      if (sweep?.summary) return `${sweep.summary.status}: ${sweep.summary.verdict ?? 'no fit (too few context lengths)'}`;
      return sweep ? progressText(sweep, sweep.plannedRuns, Date.now()) : 'starting…';
    }, refreshStatus);
    s.openResults();
  };

  return [
    s.command('runSweep', async (arg?: unknown) => {
      if (!requireTrust()) return;
      const file = await pickSpecFile(arg, 'sweep');
      const dirs = s.dataDirs();
      if (!file || !dirs || !validateOrReport(s, file, 'sweep')) return;
      await start(file.fsPath, dirs.sweeps);
    }),
    s.command('resumeSweep', async (node?: Node) => {
      if (node?.kind !== 'sweepRun' || !requireTrust()) return;
      // The sweep file it was started from; else the resolved copy the sweep keeps (same name, same
      // folder, so every finished run is reused).
      const recorded = readTrainerRecord(node.sweepDir)?.experimentFile;
      const file = recorded && existsSync(recorded) ? recorded : path.join(node.sweepDir, SWEEP_FILES.sweep);
      if (!validateOrReport(s, vscode.Uri.file(file), 'sweep')) return;
      await start(file, path.dirname(node.sweepDir));
    }),
  ];
}
