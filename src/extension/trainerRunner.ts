// Starts trainer processes (the bundled CLI, forked with an IPC channel) for runs and sweeps, feeds
// their validated events into the RunStore, and stops them on request. No vscode import: the host
// passes in its settings, so this is unit-tested against the real CLI.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice } from '../core/backend';
import { RunEvent, RunSummary, TrainerCommand } from '../protocol/runEvents';
import { SweepEvent } from '../protocol/sweepEvents';
import type { RunStore } from './runStore';

export interface LaunchSettings {
  /** dist/cli.js of the extension. */
  cliPath: string;
  backend: BackendChoice;
  /** A real `node` (setting or PATH); native tfjs-node cannot load into the editor's Electron runtime. */
  nodePath?: string;
  /** Where "Set Up Native TensorFlow Backend" installed @tensorflow/tfjs-node(-gpu). */
  nativeModulesDir?: string;
  cwd: string;
}

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
  /** The trainer's last stderr lines: the field-named problems of bad input, or the failure reason. */
  stderr: string;
}

/** First `node` on PATH, if any. */
export function findNodeOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** How to start the trainer: a real node when there is one, else the editor's runtime as node (WASM only). */
export function launchPlan(s: LaunchSettings, runningInElectron = !!process.versions.electron) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (s.nativeModulesDir) env.SPARSE_ATTENTION_NATIVE_MODULES = s.nativeModulesDir;
  let execPath = s.nodePath;
  let backend = s.backend;
  let note: string | undefined;
  if (!execPath && runningInElectron) {
    env.ELECTRON_RUN_AS_NODE = '1';
    execPath = process.execPath;
    if (backend === 'auto' || backend === 'tensorflow' || backend === 'tensorflow-gpu') {
      note = `no real node found (setting sparseAttention.nodePath or PATH): training on the editor's runtime with the WASM backend; native TensorFlow needs a real node`;
      backend = backend === 'auto' ? 'wasm' : backend;
    }
  }
  return { execPath: execPath ?? process.execPath, env, backend, note };
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
      }
      if (runId) this.store.applyRunEvent(runId, label, e.data);
      return true;
    });
    handle.done.then((exit) => {
      if (runId) this.store.markRunEnded(runId, exit.code === 130 ? 'cancelled' : 'failed');
    });
    return handle;
  }

  startSweep(file: string, outDir: string, workers: number, successRate: number): TrainerHandle {
    const name = path.basename(file).replace(/\.sweep\.json$|\.json$/, '');
    let sweepId: string | undefined;
    const handle = this.spawn('sweep', file, ['sweep', file, '--json', '--out', outDir, '--workers', String(workers)], (msg) => {
      const e = SweepEvent.safeParse(msg);
      if (!e.success) return false;
      if (e.data.type === 'sweep-started') {
        sweepId = e.data.sweepDir;
        handle.id = sweepId;
      }
      if (sweepId) this.store.applySweepEvent(sweepId, name, successRate, e.data);
      return true;
    });
    handle.done.then((exit) => {
      if (sweepId) this.store.markSweepEnded(sweepId, exit.code === 130 ? 'cancelled' : 'failed');
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
          resolve({ code: code ?? (signal ? 1 : null), stderr: stderr.trim() });
        });
      }),
    };
    this.handles.add(handle);
    return handle;
  }
}
