// Which runtime starts the trainer: a real node (>= 20, version-checked) from the setting or PATH,
// else the editor's own runtime as node with the WASM backend, and the note that says why.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice } from '../core/train/backend';
import { ADAPTER_ENV } from '../core/train/webgpuBackend';

export interface LaunchSettings {
  /** dist/cli.js of the extension. */
  cliPath: string;
  backend: BackendChoice;
  /** A real `node` (setting or PATH); native tfjs-node cannot load into the editor's Electron runtime. */
  nodePath?: string;
  /** Where "Set Up Native TensorFlow Backend" installed @tensorflow/tfjs-node(-gpu). */
  nativeModulesDir?: string;
  /** sparseAttention.queueUrl: sweeps run on a Redis queue's workers. Passed in the environment, never on the command line (which every user of the machine can read). */
  queueUrl?: string;
  /** sparseAttention.gpuAdapter: Dawn's adapter name for WebGPU runs (SPARSE_ATTENTION_GPU_ADAPTER). */
  gpuAdapter?: string;
  cwd: string;
}

/** First `node` on PATH, if any. */
export function findNodeOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The oldest node major the trainer runs on (package.json engines). */
export const MIN_NODE_MAJOR = 20;

/** `node --version` of a binary ("v20.11.1"), or undefined when it does not run. */
export type NodeVersionProbe = (nodePath: string) => string | undefined;

const nodeVersions = new Map<string, string | undefined>();

/** Runs `<nodePath> --version` once per path (a short timeout: it blocks the extension host). */
export const probeNodeVersion: NodeVersionProbe = (nodePath) => {
  if (!nodeVersions.has(nodePath)) {
    let version: string | undefined;
    try {
      version = execFileSync(nodePath, ['--version'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true }).trim();
    } catch {
      version = undefined;
    }
    nodeVersions.set(nodePath, version);
  }
  return nodeVersions.get(nodePath);
};

const nodeMajor = (version: string | undefined) => Number(/^v(\d+)\./.exec(version ?? '')?.[1] ?? NaN);

/**
 * How to start the trainer: a real node (>= 20) when there is one, else the editor's runtime as node
 * (WASM only). `probe` answers `node --version` (injected by tests).
 */
export function launchPlan(s: LaunchSettings, runningInElectron = !!process.versions.electron, probe: NodeVersionProbe = probeNodeVersion) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (s.nativeModulesDir) env.SPARSE_ATTENTION_NATIVE_MODULES = s.nativeModulesDir;
  if (s.queueUrl) env.SPARSE_ATTENTION_QUEUE_URL = s.queueUrl;
  else delete env.SPARSE_ATTENTION_QUEUE_URL;
  if (s.gpuAdapter) env[ADAPTER_ENV] = s.gpuAdapter;
  let execPath = s.nodePath;
  let backend = s.backend;
  let note: string | undefined;
  let unusable: string | undefined; // why the chosen node was passed over
  if (execPath) {
    const version = probe(execPath);
    if (version === undefined) unusable = `node at ${execPath} did not run (\`${execPath} --version\` failed)`;
    else if (!(nodeMajor(version) >= MIN_NODE_MAJOR)) unusable = `node at ${execPath} is ${version}`;
    if (unusable) execPath = undefined;
  }
  // Native addons (libtensorflow, Dawn's dawn.node) need a real node, not the editor's Electron.
  const native = backend === 'auto' || backend === 'tensorflow' || backend === 'tensorflow-gpu' || backend === 'webgpu';
  if (!execPath && runningInElectron) {
    env.ELECTRON_RUN_AS_NODE = '1';
    execPath = process.execPath;
    if (unusable) {
      note = native
        ? `${unusable}; the trainer needs Node ≥ ${MIN_NODE_MAJOR}: training on the editor's runtime with the WASM backend (set sparseAttention.nodePath to a newer node for native TensorFlow or WebGPU)`
        : `${unusable}; the trainer needs Node ≥ ${MIN_NODE_MAJOR}: training on the editor's runtime (set sparseAttention.nodePath to a newer node)`;
    } else if (native) {
      note = `no real node found (setting sparseAttention.nodePath or PATH): training on the editor's runtime with the WASM backend; native TensorFlow and WebGPU need a real node`;
    }
    if (backend === 'auto') backend = 'wasm';
  } else if (unusable) {
    note = `${unusable}; the trainer needs Node ≥ ${MIN_NODE_MAJOR}: training on this process's own node (${process.version}) instead`;
  }
  return { execPath: execPath ?? process.execPath, env, backend, note };
}
