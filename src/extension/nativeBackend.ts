// "Set Up Native TensorFlow Backend": installs @tensorflow/tfjs-node (or -gpu when an NVIDIA GPU is
// visible) into the extension's global storage with npm. Its install script downloads libtensorflow;
// when that host is unreachable the user is told so plainly, and runs keep using WASM.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const TFJS_VERSION = '4.22.0';

/** The folder whose node_modules the trainer searches (SPARSE_ATTENTION_NATIVE_MODULES). */
export function nativeModulesDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'native', 'node_modules');
}

/** tfjs-node-gpu needs CUDA and cuDNN; nvidia-smi answering is the cheap sign of a usable GPU. */
function hasNvidiaGpu(): Promise<boolean> {
  return new Promise((resolve) => execFile('nvidia-smi', ['-L'], { timeout: 5000 }, (err, out) => resolve(!err && /GPU \d/.test(out))));
}

export async function setupNativeBackend(context: vscode.ExtensionContext, log: (s: string) => void): Promise<void> {
  const gpu = await hasNvidiaGpu();
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const prefix = path.dirname(nativeModulesDir(context));
  mkdirSync(prefix, { recursive: true });
  if (!existsSync(path.join(prefix, 'package.json'))) writeFileSync(path.join(prefix, 'package.json'), '{"private":true}\n');
  log(gpu ? 'NVIDIA GPU found: installing the GPU build (needs CUDA 11.2 and cuDNN 8.1 on this machine).' : 'No NVIDIA GPU found: installing the CPU build.');
  const ok = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${pkg}@${TFJS_VERSION}`, cancellable: true },
    (progress, token) =>
      new Promise<boolean>((resolve) => {
        const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
        const child = spawn(npm, ['install', '--no-audit', '--no-fund', `${pkg}@${TFJS_VERSION}`, `@tensorflow/tfjs@${TFJS_VERSION}`], { cwd: prefix });
        let output = '';
        const onData = (d: Buffer) => {
          output += d.toString();
          const line = d.toString().trim().split('\n').pop();
          if (line) {
            log(line);
            progress.report({ message: line.slice(0, 80) });
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        token.onCancellationRequested(() => child.kill());
        child.on('error', (err) => {
          log(`npm could not start: ${err.message}`);
          resolve(false);
        });
        child.on('exit', (code) => {
          if (code === 0) return resolve(true);
          const unreachable = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo|storage\.googleapis/i.test(output);
          void vscode.window
            .showErrorMessage(
              unreachable
                ? `${pkg} could not download libtensorflow (its download host is unreachable from this machine). Training keeps using the WASM backend.`
                : `Installing ${pkg} failed (npm exit code ${code}). Training keeps using the WASM backend.`,
              'Open Log',
            )
            .then((choice) => choice && vscode.commands.executeCommand('sparseAttention.showLog'));
          resolve(false);
        });
      }),
  );
  if (ok) {
    void vscode.window.showInformationMessage(`${pkg} installed. New runs with backend "auto" use it (it needs a real node: see the sparseAttention.nodePath setting).`);
  }
}
