// "Set Up GPU Backend": installs Dawn's `webgpu` package (its dawn.node ships prebuilt inside the npm
// package: no download at install time, no CUDA) into the folder the trainer searches
// (SPARSE_ATTENTION_NATIVE_MODULES, shared with the native TensorFlow set-up), then probes for an
// adapter with the trainer itself and says what it found.
// Only `webgpu` is installed: @tensorflow/tfjs-backend-webgpu is bundled into dist/cli.js, because it
// must register on the bundle's own tfjs-core instance (a copy installed here would register on
// another engine, which training never sees).
import * as vscode from 'vscode';
import { WEBGPU_PACKAGE, WEBGPU_VERSION } from '../core/train/webgpuBackend';
import { type LaunchSettings, launchPlan } from './launchPlan';
import { nativeModulesDir } from './nativeBackend';
import { isUnreachable, npmNotFound, type NpmResult } from './npmInstall';
import { showErrorWithLog, withNpmProgress } from './npmProgress';
import { probeMessage, runGpuProbe } from './gpuProbeRun';
import { stagedInstall } from './stagedInstall';

const COMMAND = 'Set Up GPU Backend';
const FALLBACK = 'Nothing was changed; runs keep using the other backends.';

/** The one line that names why the install failed. */
function installFailure(r: Exclude<NpmResult, { ok: true }>): string {
  const spec = `${WEBGPU_PACKAGE}@${WEBGPU_VERSION}`;
  if (r.kind === 'npm-missing') return npmNotFound('GPU (WebGPU) backend', COMMAND, FALLBACK);
  if (r.kind === 'no-start') return `${r.message}. ${FALLBACK}`;
  if (isUnreachable(r.output)) return `Installing ${spec} failed: the npm registry is unreachable from this machine. ${FALLBACK}`;
  return `Installing ${spec} failed (${r.message}). ${FALLBACK}`;
}

export async function setupGpuBackend(context: vscode.ExtensionContext, log: (s: string) => void, settings: () => LaunchSettings): Promise<void> {
  const modulesDir = nativeModulesDir(context);
  const spec = `${WEBGPU_PACKAGE}@${WEBGPU_VERSION}`;
  log(`installing ${spec} into ${modulesDir} (staged first: a failed install changes nothing)`);
  const r = await withNpmProgress(`Installing ${spec} (WebGPU through Dawn)`, log, (onLine, signal) =>
    stagedInstall({ modulesDir, name: WEBGPU_PACKAGE, version: WEBGPU_VERSION, onLine, signal }),
  );
  if (!r.ok) {
    log(`npm: ${r.message}`);
    if (r.kind !== 'cancelled') showErrorWithLog(installFailure(r));
    return;
  }
  const s = settings();
  const plan = launchPlan(s);
  if (plan.note) log(plan.note);
  const probe = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Looking for a WebGPU adapter' }, () =>
    runGpuProbe({ execPath: plan.execPath, env: plan.env, cliPath: s.cliPath }),
  );
  if (!probe.ok) {
    log(probe.message);
    return showErrorWithLog(`${spec} is installed, but ${probe.message.replace(/^The GPU probe/, 'the GPU probe')}`);
  }
  log(`gpu-probe: ${JSON.stringify(probe.line)}`);
  const { level, text } = probeMessage(probe.line);
  const show = level === 'info' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(text, 'Open Log').then((choice) => choice && vscode.commands.executeCommand('sparseAttention.showLog'));
}
