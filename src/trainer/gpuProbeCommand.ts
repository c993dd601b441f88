// `sparse-attention gpu-probe`: asks Dawn which WebGPU adapter it would train on, without training.
// It answers the user ("is my GPU usable, and if not, why?") and the editor's "Set Up GPU Backend",
// which spawns it with `--json` after installing the package.
import { InvalidArgumentError } from 'commander';
import {
  ADAPTER_ENV,
  ALLOW_SOFTWARE_ENV,
  WEBGPU_PACKAGE,
  WEBGPU_VERSION,
  type WebGpuProbe,
  probeWebGpu,
  softwareAllowed,
} from '../core/train/webgpuBackend';
import { resolveOptional } from '../core/train/optionalPackages';
import type { GpuProbeLine } from '../protocol/gpuProbe';

export interface GpuProbeOptions {
  adapter?: string;
  json?: boolean;
}

/** What the command reads from the world (injected by the tests). */
export interface GpuProbeDeps {
  resolve: (name: string) => { file: string } | { why: string };
  probe: (adapterName?: string) => Promise<WebGpuProbe>;
  allowSoftware: () => boolean;
  write: (stream: 'stdout' | 'stderr', line: string) => void;
}

const defaultDeps: GpuProbeDeps = {
  resolve: resolveOptional,
  probe: probeWebGpu,
  allowSoftware: softwareAllowed,
  write: (stream, line) => process[stream].write(`${line}\n`),
};

/** `--adapter`: Dawn's adapter name, passed on as `adapter=NAME`; a control character would cut it. */
export function parseAdapterName(v: string): string {
  const name = v.trim();
  if (!name) throw new InvalidArgumentError('must be a non-empty adapter name (e.g. "NVIDIA"); omit it to let Dawn choose');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InvalidArgumentError(`must not contain control characters (got ${JSON.stringify(v)})`);
  return name;
}

export const MISSING_PACKAGE = `the "${WEBGPU_PACKAGE}" package is not installed: run "Sparse Attention: Set Up GPU Backend" in the editor, or \`npm install ${WEBGPU_PACKAGE}@${WEBGPU_VERSION}\` where the CLI is installed (with -g for a global CLI), or set SPARSE_ATTENTION_NATIVE_MODULES to a node_modules folder that holds it`;

/** The probe's answer as the JSON line's shape (human output is derived from it; `sweep --backend webgpu` asks it first). */
export async function probeLine(opts: GpuProbeOptions, deps: GpuProbeDeps = defaultDeps): Promise<GpuProbeLine> {
  if ('why' in deps.resolve(WEBGPU_PACKAGE)) return { ok: false, usable: false, cause: 'package-missing', reason: MISSING_PACKAGE };
  let found: WebGpuProbe;
  try {
    found = await deps.probe(opts.adapter);
  } catch (err) {
    return { ok: false, usable: false, cause: 'no-adapter', reason: (err as Error).message.split('\n')[0] };
  }
  const { adapter, limits } = found;
  if (!adapter.software || deps.allowSoftware()) return { ok: true, adapter, limits, usable: true };
  const reason = `software adapter (on the CPU, slower than WASM): used only with ${ALLOW_SOFTWARE_ENV}=1; install a GPU driver with Vulkan (Linux), Metal (macOS) or D3D12 (Windows) support for a hardware one`;
  return { ok: true, adapter, limits, usable: false, cause: 'software-only', reason };
}

/** "SwiftShader driver 5.0.0 (google, swiftshader) — software, on the CPU: …" */
export function humanLine(line: GpuProbeLine): string {
  if (!line.ok) return `error: ${line.reason}`;
  const a = line.adapter;
  const who = [a.vendor, a.architecture].filter(Boolean).join(', ');
  const name = `${a.description || 'unnamed adapter'}${who ? ` (${who})` : ''}`;
  const use = !a.software
    ? 'hardware: `--backend auto` and `--backend webgpu` use it'
    : line.usable
      ? `software, on the CPU: \`--backend webgpu\` uses it (${ALLOW_SOFTWARE_ENV}=1); \`auto\` never does`
      : `software, on the CPU: used only with ${ALLOW_SOFTWARE_ENV}=1`;
  return `WebGPU adapter: ${name} — ${use}`;
}

/** Exit 0 when a run could use the adapter, 2 otherwise; one line either way. */
export async function gpuProbeCommand(opts: GpuProbeOptions, deps: GpuProbeDeps = defaultDeps): Promise<number> {
  // Set the variable too, so anything else in this process that probes asks for the same adapter.
  if (opts.adapter) process.env[ADAPTER_ENV] = opts.adapter;
  const line = await probeLine(opts, deps);
  if (opts.json) deps.write('stdout', JSON.stringify(line));
  else deps.write(line.usable ? 'stdout' : 'stderr', humanLine(line));
  return line.usable ? 0 : 2;
}
