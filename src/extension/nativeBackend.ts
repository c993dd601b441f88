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

/**
 * How to spawn `npm <args>`. On Windows npm is `npm.cmd`, and Node >= 20.12.2 refuses to spawn a
 * .cmd/.bat without a shell (CVE-2024-27980), so it goes through cmd.exe: each argument is then
 * double-quoted, and only plain package specs/flags are accepted, so nothing reaches cmd.exe unquoted.
 */
export function npmSpawn(args: string[], platform: NodeJS.Platform = process.platform): { command: string; args: string[]; shell: boolean } {
  if (platform !== 'win32') return { command: 'npm', args, shell: false };
  for (const a of args) if (!/^[\w@./=:-]+$/.test(a)) throw new Error(`refusing to pass ${JSON.stringify(a)} to npm through cmd.exe`);
  return { command: 'npm.cmd', args: args.map((a) => `"${a}"`), shell: true };
}

/** What to tell the user when npm itself is missing. */
const NPM_NOT_FOUND =
  'npm was not found, so the native TensorFlow backend cannot be installed. Install Node.js with npm (from nodejs.org, or your OS package manager, e.g. `sudo apt install nodejs npm` or `brew install node`), or add the folder holding npm to the PATH the editor starts with, then restart the editor and run "Set Up Native TensorFlow Backend" again. Training keeps using the WASM backend.';

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
        const npm = npmSpawn(['install', '--no-audit', '--no-fund', `${pkg}@${TFJS_VERSION}`, `@tensorflow/tfjs@${TFJS_VERSION}`]);
        log(`$ ${npm.command} ${npm.args.join(' ')}  (in ${prefix})`);
        const child = spawn(npm.command, npm.args, { cwd: prefix, shell: npm.shell, windowsHide: true });
        let settled = false;
        const fail = (message: string) => {
          if (settled) return;
          settled = true;
          void vscode.window
            .showErrorMessage(message, 'Open Log')
            .then((choice) => choice && vscode.commands.executeCommand('sparseAttention.showLog'));
          resolve(false);
        };
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
        child.on('error', (err: NodeJS.ErrnoException) => {
          log(`npm could not start: ${err.message}`);
          fail(err.code === 'ENOENT' ? NPM_NOT_FOUND : `npm could not start (${err.message}). Training keeps using the WASM backend.`);
        });
        child.on('exit', (code) => {
          if (code === 0) {
            settled = true;
            return resolve(true);
          }
          // Through cmd.exe a missing npm is not ENOENT but cmd's own complaint and exit code 1.
          if (npm.shell && /is not recognized as an internal or external command/i.test(output)) return fail(NPM_NOT_FOUND);
          const unreachable = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo|storage\.googleapis/i.test(output);
          fail(
            unreachable
              ? `${pkg} could not download libtensorflow (its download host is unreachable from this machine). Training keeps using the WASM backend.`
              : `Installing ${pkg} failed (npm exit code ${code}). Training keeps using the WASM backend.`,
          );
        });
      }),
  );
  if (ok) {
    void vscode.window.showInformationMessage(`${pkg} installed. New runs with backend "auto" use it (it needs a real node: see the sparseAttention.nodePath setting).`);
  }
}
