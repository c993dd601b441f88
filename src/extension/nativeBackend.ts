// "Set Up Native TensorFlow Backend": installs @tensorflow/tfjs-node (or -gpu when an NVIDIA GPU is
// visible) into the extension's global storage with npm. Its install script downloads libtensorflow;
// when that host is unreachable the user is told so plainly, and runs keep using WASM.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isUnreachable, npmNotFound, runNpm } from './npmInstall';
import { showErrorWithLog, withNpmProgress } from './npmProgress';

export const TFJS_VERSION = '4.22.0';

/** The folder whose node_modules the trainer searches (SPARSE_ATTENTION_NATIVE_MODULES). */
export function nativeModulesDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'native', 'node_modules');
}

/** tfjs-node-gpu needs CUDA and cuDNN; nvidia-smi answering is the cheap sign of a usable GPU. */
function hasNvidiaGpu(): Promise<boolean> {
  return new Promise((resolve) => execFile('nvidia-smi', ['-L'], { timeout: 5000 }, (err, out) => resolve(!err && /GPU \d/.test(out))));
}

const FALLBACK = 'Training keeps using the WASM backend.';

export async function setupNativeBackend(context: vscode.ExtensionContext, log: (s: string) => void): Promise<void> {
  const gpu = await hasNvidiaGpu();
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const prefix = path.dirname(nativeModulesDir(context));
  mkdirSync(prefix, { recursive: true });
  if (!existsSync(path.join(prefix, 'package.json'))) writeFileSync(path.join(prefix, 'package.json'), '{"private":true}\n');
  log(gpu ? 'NVIDIA GPU found: installing the GPU build (needs CUDA 11.2 and cuDNN 8.1 on this machine).' : 'No NVIDIA GPU found: installing the CPU build.');
  const args = ['install', '--no-audit', '--no-fund', `${pkg}@${TFJS_VERSION}`, `@tensorflow/tfjs@${TFJS_VERSION}`];
  log(`$ npm ${args.join(' ')}  (in ${prefix})`);
  const r = await withNpmProgress(`Installing ${pkg}@${TFJS_VERSION}`, log, (onLine, signal) => runNpm(args, { cwd: prefix, onLine, signal }));
  if (r.ok) {
    void vscode.window.showInformationMessage(`${pkg} installed. New runs with backend "auto" use it (it needs a real node: see the sparseAttention.nodePath setting).`);
    return;
  }
  log(`npm: ${r.message}`);
  if (r.kind === 'cancelled') return;
  if (r.kind === 'npm-missing') return showErrorWithLog(npmNotFound('native TensorFlow backend', 'Set Up Native TensorFlow Backend', FALLBACK));
  if (r.kind === 'no-start') return showErrorWithLog(`${r.message}. ${FALLBACK}`);
  showErrorWithLog(
    isUnreachable(r.output)
      ? `${pkg} could not download libtensorflow (its download host is unreachable from this machine). ${FALLBACK}`
      : `Installing ${pkg} failed (${r.message}). ${FALLBACK}`,
  );
}
