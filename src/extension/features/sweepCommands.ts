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

export function registerSweepCommands(s: Services, refreshStatus: () => void): vscode.Disposable[] {
  const start = (file: string, outDir: string) => {
    // sparseAttention.maxWorkers: the sweep's parallel training processes on this machine; 0 lets
    // the CLI choose (1 when its ensembles train on a GPU, else the number of cores).
    const processes = s.config().get<number>('maxWorkers') || undefined;
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
      start(file.fsPath, dirs.sweeps);
    }),
    s.command('resumeSweep', async (node?: Node) => {
      if (node?.kind !== 'sweepRun' || !requireTrust()) return;
      // The sweep file it was started from; else the resolved copy the sweep keeps (same name, same
      // folder, so every finished run is reused).
      const recorded = readTrainerRecord(node.sweepDir)?.experimentFile;
      const file = recorded && existsSync(recorded) ? recorded : path.join(node.sweepDir, SWEEP_FILES.sweep);
      if (!validateOrReport(s, vscode.Uri.file(file), 'sweep')) return;
      start(file, path.dirname(node.sweepDir));
    }),
  ];
}
