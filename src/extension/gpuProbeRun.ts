// Spawns the trainer's `gpu-probe --json` (with the node and environment runs get, so it sees what a
// run would see) and turns its validated line into the one message the user reads. No vscode import.
import { execFile } from 'node:child_process';
import { GpuProbeLine } from '../protocol/gpuProbe';

/** How a run's trainer is started (launchPlan's answer) and where the CLI is. */
export interface ProbeLaunch {
  execPath: string;
  env: NodeJS.ProcessEnv;
  cliPath: string;
}

export type ProbeOutcome = { ok: true; line: GpuProbeLine } | { ok: false; message: string };

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
const lastLine = (s: string) => lines(s).pop();

/** The line of a failed probe's stderr that names the cause: an error line, else the last one (never Node's version trailer). */
function causeLine(stderr: string): string | undefined {
  const all = lines(stderr).filter((l) => !/^Node\.js v\d/.test(l));
  return all.filter((l) => /^error:|^\w*Error\b/.test(l)).pop() ?? all.pop();
}

/** Runs the probe; never rejects. `message` names why there is no valid line. */
export function runGpuProbe(launch: ProbeLaunch, timeoutMs = 60_000): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const args = [launch.cliPath, 'gpu-probe', '--json'];
    execFile(launch.execPath, args, { env: launch.env, timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
      const out = lastLine(stdout);
      let json: unknown;
      try {
        json = out === undefined ? undefined : JSON.parse(out);
      } catch {
        json = undefined;
      }
      const line = GpuProbeLine.safeParse(json);
      if (line.success) return resolve({ ok: true, line: line.data });
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
      const why = e?.killed
        ? `it did not answer within ${timeoutMs / 1000} s`
        : e?.code === 'ENOENT'
          ? `${launch.execPath} was not found`
          : (causeLine(stderr) ?? (e ? e.message.split('\n')[0] : `it printed no valid result line (${out ?? 'nothing'})`));
      resolve({ ok: false, message: `The GPU probe (${launch.execPath} ${args.join(' ')}) failed: ${why}` });
    });
  });
}

/** The one message after set-up: the adapter and whether runs use it, or why there is none. */
export function probeMessage(line: GpuProbeLine): { level: 'info' | 'warning'; text: string } {
  if (!line.ok) {
    return line.cause === 'package-missing'
      ? { level: 'warning', text: `WebGPU was installed, but the trainer cannot find it: ${line.reason}` }
      : { level: 'warning', text: `WebGPU is installed, but no adapter was found: ${line.reason}. Runs keep using the other backends.` };
  }
  const a = line.adapter;
  const name = `${a.description || 'unnamed adapter'}${a.vendor ? ` (${[a.vendor, a.architecture].filter(Boolean).join(', ')})` : ''}`;
  if (!a.software) {
    return { level: 'info', text: `GPU backend ready: ${name}, a hardware adapter. Runs with backend "auto" or "webgpu" train on it.` };
  }
  if (line.usable) {
    return { level: 'info', text: `WebGPU is installed; its only adapter is ${name}, software on the CPU: backend "webgpu" uses it (SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU=1 is set), "auto" never does.` };
  }
  return {
    level: 'warning',
    text: `WebGPU is installed, but its only adapter is ${name}, software on the CPU (slower than WASM), so runs do not use it. Install a GPU driver with Vulkan (Linux, Windows), Metal (macOS) or D3D12 support.`,
  };
}
