// Trains ensembles on long-lived ensemble processes (`sparse-attention ensemble-process`, forked
// here), at most one ensemble per process at a time; the run pool decides how many run at once. A
// process that dies takes only its ensemble's unfinished members with it (the finished ones have
// their summary.json); the next ensemble gets a fresh process.
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { BackendChoice } from '../core/train/backend';
import { EnsembleReport, type EnsembleCommand } from '../protocol/ensembleMessages';
import type { EnsembleLaunch, RunRequest, RunResult } from './runPool';
import { readSummary } from '../store/runFolder';

interface EnsembleProcess {
  child: ChildProcess;
  /** The last 4000 characters of its stderr: the reason given for members that never finished. */
  stderr: string;
  exited: boolean;
}

interface LauncherOptions {
  cliPath: string;
  backend: BackendChoice;
  env?: () => NodeJS.ProcessEnv;
}

/** Forks one ensemble process; `onExit` lets the launcher forget it. */
function forkEnsembleProcess(opts: LauncherOptions, onExit: (p: EnsembleProcess) => void): EnsembleProcess {
  const child = fork(opts.cliPath, ['ensemble-process', '--backend', opts.backend], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [], env: opts.env?.() ?? process.env });
  const p: EnsembleProcess = { child, stderr: '', exited: false };
  child.stderr!.on('data', (d) => {
    p.stderr = (p.stderr + d).slice(-4000);
  });
  child.on('error', (err) => {
    p.stderr += `\n${err.message}`;
  });
  child.on('exit', () => {
    p.exited = true;
    onExit(p);
  });
  return p;
}

/** One result per member: its summary.json if it finished, else why it did not. */
function memberResults(reqs: RunRequest[], p: EnsembleProcess, failure: string | undefined, refused: boolean): RunResult[] {
  return reqs.map((r) => {
    const summary = readSummary(path.join(r.out, r.runId));
    if (summary) return { ok: true, summary };
    const last = p.stderr.trim().split('\n').pop();
    return { ok: false, reason: failure ?? (last || `ensemble process exited with ${p.child.exitCode ?? p.child.signalCode}`), ...(refused ? { refused } : {}) };
  });
}

/** Sends one ensemble to `p` and resolves when it reports back or exits; `onIdle` when it may take another. */
function trainOn(p: EnsembleProcess, jobId: number, reqs: RunRequest[], signal: AbortSignal, onIdle: () => void): Promise<RunResult[]> {
  return new Promise((resolve) => {
    let failure: string | undefined;
    let refused = false;
    const send = (cmd: EnsembleCommand) => {
      if (p.child.connected) p.child.send(cmd, (err) => err && p.child.kill('SIGTERM'));
    };
    const stop = () => send({ type: 'stop' });
    const finish = () => {
      signal.removeEventListener('abort', stop);
      p.child.off('message', onMessage);
      p.child.off('exit', finish);
      if (!p.exited) onIdle();
      resolve(memberResults(reqs, p, failure, refused));
    };
    const onMessage = (msg: unknown) => {
      const report = EnsembleReport.safeParse(msg);
      if (!report.success || report.data.jobId !== jobId) return;
      if (report.data.type === 'job-failed') {
        failure = report.data.message;
        refused = report.data.refused === true;
      }
      finish();
    };
    p.child.on('message', onMessage);
    p.child.on('exit', finish);
    signal.addEventListener('abort', stop, { once: true });
    send({ type: 'train', jobId, out: reqs[0].out, runs: reqs.map((r) => ({ runId: r.runId, spec: r.spec })) });
    if (signal.aborted) stop();
  });
}

export function ensembleLauncher(opts: LauncherOptions): { launch: EnsembleLaunch; close: () => void } {
  const idle: EnsembleProcess[] = [];
  const all = new Set<EnsembleProcess>();
  let nextJob = 0;
  const forget = (p: EnsembleProcess) => {
    all.delete(p);
    const at = idle.indexOf(p);
    if (at >= 0) idle.splice(at, 1);
  };
  const start = () => {
    const p = forkEnsembleProcess(opts, forget);
    all.add(p);
    return p;
  };
  const launch: EnsembleLaunch = (reqs, signal) => {
    const p = idle.pop() ?? start();
    return trainOn(p, nextJob++, reqs, signal, () => idle.push(p));
  };
  // Idle processes exit when their channel closes; busy ones finish (cancel) their ensemble first.
  const close = () => {
    for (const p of all) if (p.child.connected) p.child.disconnect();
  };
  return { launch, close };
}
