// Starts trainer processes (the bundled CLI, forked with an IPC channel) for runs and sweeps, feeds
// their validated events into the RunStore, and stops them on request. No vscode import: the host
// passes in its settings, so this is unit-tested against the real CLI.
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { backendStartLine } from '../protocol/backendLabel';
import { RunEvent, RunSummary, TrainerCommand } from '../protocol/runEvents';
import { SweepEvent } from '../protocol/sweepEvents';
import { runLabel } from './diskState';
import { type LaunchSettings, launchPlan } from './launchPlan';

export { type LaunchSettings, MIN_NODE_MAJOR, type NodeVersionProbe, findNodeOnPath, launchPlan, probeNodeVersion } from './launchPlan';
import type { RunStore } from './runStore';

export interface TrainerHandle {
  kind: 'run' | 'sweep';
  file: string;
  /** The run id or sweep folder once the trainer has said `started`. */
  id?: string;
  stop(): void;
  done: Promise<TrainerExit>;
}

export interface TrainerExit {
  code: number | null;
  /** The signal that ended it (SIGKILL from the OOM killer or a user, …), if any. */
  signal?: NodeJS.Signals | null;
  /** The trainer's last stderr lines: the field-named problems of bad input, or the failure reason. */
  stderr: string;
}

export class TrainerRunner {
  private handles = new Set<TrainerHandle>();

  constructor(
    private readonly settings: () => LaunchSettings,
    private readonly store: RunStore,
    private readonly log: (line: string) => void,
  ) {}

  active(): TrainerHandle[] {
    return [...this.handles];
  }

  startRun(file: string, outDir: string): TrainerHandle {
    const label = path.basename(file).replace(/\.experiment\.json$|\.json$/, '');
    let runId: string | undefined;
    const handle = this.spawn('run', file, ['run', file, '--json', '--out', outDir], (msg) => {
      const summary = RunSummary.safeParse(msg);
      if (summary.success) return true; // the final summary repeats the `finished` event
      const e = RunEvent.safeParse(msg);
      if (!e.success) return false;
      if (e.data.type === 'started') {
        runId = e.data.runId;
        handle.id = runId;
        this.log(`${runId}: ${backendStartLine(e.data)}`);
      }
      if (runId) this.store.applyRunEvent(runId, runLabel(runId), e.data, file);
      return true;
    });
    handle.done.then((exit) => {
      if (runId) {
        // Killed by a signal, the trainer wrote no summary: it was interrupted, not a failed run.
        const step = this.store.run(runId)?.metrics.at(-1)?.step ?? 0;
        if (exit.signal) this.store.markRunEnded(runId, 'interrupted', `the trainer was killed (${exit.signal}) at step ${step}`);
        else this.store.markRunEnded(runId, exit.code === 130 ? 'cancelled' : 'failed', exit.stderr.split('\n').filter(Boolean).pop());
      }
    });
    return handle;
  }

  /** `processes`: the sweep's parallel training processes on this machine (the CLI's `--workers`; its default when undefined). */
  startSweep(file: string, outDir: string, processes?: number): TrainerHandle {
    const name = path.basename(file).replace(/\.sweep\.json$|\.json$/, '');
    let sweepId: string | undefined;
    const handle = this.spawn('sweep', file, ['sweep', file, '--json', '--out', outDir, ...(processes ? ['--workers', String(processes)] : [])], (msg) => {
      const e = SweepEvent.safeParse(msg);
      if (!e.success) return false;
      if (e.data.type === 'sweep-started') {
        sweepId = e.data.sweepDir;
        handle.id = sweepId;
      }
      if (sweepId) this.store.applySweepEvent(sweepId, name, e.data);
      return true;
    });
    handle.done.then((exit) => {
      if (sweepId) this.store.markSweepEnded(sweepId, exit.signal ? 'interrupted' : exit.code === 130 ? 'cancelled' : 'failed');
    });
    return handle;
  }

  stopAll(): void {
    for (const h of this.handles) h.stop();
  }

  private spawn(kind: 'run' | 'sweep', file: string, args: string[], onMessage: (msg: unknown) => boolean): TrainerHandle {
    const plan = launchPlan(this.settings());
    const s = this.settings();
    if (plan.note) this.log(plan.note);
    const fullArgs = [...args, '--backend', plan.backend];
    this.log(`$ ${plan.execPath} ${s.cliPath} ${fullArgs.join(' ')}`);
    const child: ChildProcess = fork(s.cliPath, fullArgs, {
      cwd: s.cwd,
      execPath: plan.execPath,
      env: plan.env,
      execArgv: [], // not the host's own flags (e.g. an inspector or a loader)
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr = (stderr + text).slice(-8000);
      for (const line of text.split('\n')) if (line.trim()) this.log(line);
    });
    child.on('message', (msg) => {
      if (!onMessage(msg)) this.log(`ignored an invalid message from the trainer: ${JSON.stringify(msg).slice(0, 200)}`);
    });
    const handle: TrainerHandle = {
      kind,
      file,
      stop: () => {
        const stop: TrainerCommand = { type: 'stop' };
        if (child.connected) child.send(stop);
        else child.kill('SIGTERM');
      },
      done: new Promise((resolve) => {
        child.on('error', (err) => {
          stderr += `\n${err.message}`;
        });
        child.on('exit', (code, signal) => {
          this.handles.delete(handle);
          this.log(`trainer exited with ${code ?? signal}`);
          resolve({ code: code ?? (signal ? 1 : null), signal, stderr: stderr.trim() });
        });
      }),
    };
    this.handles.add(handle);
    return handle;
  }
}
