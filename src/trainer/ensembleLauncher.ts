// Trains ensembles on long-lived worker processes (`sparse-attention ensemble-worker`), at most one
// ensemble per worker at a time; the run pool decides how many run at once. A worker that dies takes
// only its ensemble's unfinished members with it (the finished ones have their summary.json); the
// next ensemble gets a fresh worker.
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { BackendChoice } from '../core/train/backend';
import { EnsembleReport, type EnsembleCommand } from '../protocol/ensembleMessages';
import type { EnsembleLaunch, RunResult } from './runPool';
import { readSummary } from '../store/runFolder';

interface Worker {
  child: ChildProcess;
  stderr: string;
  exited: boolean;
}

export function ensembleLauncher(opts: { cliPath: string; backend: BackendChoice; env?: () => NodeJS.ProcessEnv }): { launch: EnsembleLaunch; close: () => void } {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let nextJob = 0;

  const start = (): Worker => {
    const child = fork(opts.cliPath, ['ensemble-worker', '--backend', opts.backend], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [], env: opts.env?.() ?? process.env });
    const w: Worker = { child, stderr: '', exited: false };
    child.stderr!.on('data', (d) => {
      w.stderr = (w.stderr + d).slice(-4000);
    });
    child.on('error', (err) => {
      w.stderr += `\n${err.message}`;
    });
    child.on('exit', () => {
      w.exited = true;
      all.delete(w);
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
    });
    all.add(w);
    return w;
  };

  const launch: EnsembleLaunch = (reqs, signal) =>
    new Promise((resolve) => {
      const w = idle.pop() ?? start();
      const jobId = nextJob++;
      const out = reqs[0].out;
      let failure: string | undefined;
      const results = (): RunResult[] =>
        reqs.map((r) => {
          const summary = readSummary(path.join(r.out, r.runId));
          if (summary) return { ok: true, summary };
          const last = w.stderr.trim().split('\n').pop();
          return { ok: false, reason: failure ?? (last || `ensemble worker exited with ${w.child.exitCode ?? w.child.signalCode}`) };
        });
      const send = (cmd: EnsembleCommand) => {
        if (w.child.connected) w.child.send(cmd, (err) => err && w.child.kill('SIGTERM'));
      };
      const stop = () => send({ type: 'stop' });
      const finish = () => {
        signal.removeEventListener('abort', stop);
        w.child.off('message', onMessage);
        w.child.off('exit', onExit);
        if (!w.exited) idle.push(w);
        resolve(results());
      };
      const onMessage = (msg: unknown) => {
        const report = EnsembleReport.safeParse(msg);
        if (!report.success || report.data.jobId !== jobId) return;
        if (report.data.type === 'job-failed') failure = report.data.message;
        finish();
      };
      const onExit = () => finish();
      w.child.on('message', onMessage);
      w.child.on('exit', onExit);
      signal.addEventListener('abort', stop, { once: true });
      send({ type: 'train', jobId, out, runs: reqs.map((r) => ({ runId: r.runId, spec: r.spec })) });
      if (signal.aborted) stop();
    });

  // Idle workers exit when their channel closes; busy ones finish (cancel) their ensemble first.
  const close = () => {
    for (const w of all) if (w.child.connected) w.child.disconnect();
  };
  return { launch, close };
}
