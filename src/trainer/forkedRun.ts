// The real RunLauncher: each run is a child process (the CLI's `run --json`), so a crash or an
// out-of-memory in one run cannot take the sweep down, and runs use all cores.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice } from '../core/train/backend';
import { readSummary } from '../store/runFolder';
import type { RunLauncher } from './sweepRunner';

export function forkLauncher(opts: { cliPath: string; backend: BackendChoice; specDir: string; env?: () => NodeJS.ProcessEnv }): RunLauncher {
  mkdirSync(opts.specDir, { recursive: true });
  return (req, signal) =>
    new Promise((resolve) => {
      const specFile = path.join(opts.specDir, `${req.runId}.experiment.json`);
      writeFileSync(specFile, JSON.stringify(req.spec, null, 2) + '\n');
      const args = ['run', specFile, '--out', req.out, '--run-id', req.runId, '--backend', opts.backend, '--json'];
      const child = fork(opts.cliPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [], env: opts.env?.() ?? process.env });
      let stderr = '';
      child.stderr!.on('data', (d) => {
        stderr = (stderr + d).slice(-4000);
      });
      const stop = () => {
        // A run that is dying as we ask must not take the sweep down with an unhandled send error.
        if (child.connected) child.send({ type: 'stop' }, (err) => err && child.kill('SIGTERM'));
      };
      signal.addEventListener('abort', stop, { once: true });
      child.on('error', (err) => {
        stderr += `\n${err.message}`;
      });
      child.on('exit', (code, sig) => {
        signal.removeEventListener('abort', stop);
        const summary = readSummary(path.join(req.out, req.runId));
        if ((code === 0 || code === 130) && summary) return resolve({ ok: true, summary });
        const last = stderr.trim().split('\n').pop();
        // Exit 2 is the CLI's refusal of its input (InputError: a bad spec, a step over the backend's memory).
        resolve({ ok: false, reason: last || `trainer exited with ${code ?? sig}`, ...(code === 2 ? { refused: true } : {}) });
      });
    });
}
