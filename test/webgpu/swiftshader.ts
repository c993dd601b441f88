// The environment that lets Dawn find SwiftShader, Google's Vulkan on the CPU that Debian's
// chromium package ships (scripts/ensure-system-packages.sh installs chromium before `npm test`).
// The Vulkan loader reads these variables when the process starts, so WebGPU work in the tests runs
// in CHILD processes given this environment. A missing driver fails the tests (never skips them):
// the WebGPU backend must be tested on every machine that runs `npm test`.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const CHROMIUM_LIB = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = path.join(CHROMIUM_LIB, 'vk_swiftshader_icd.json');
export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin/sparse-attention.js');
/** Kills a hung child; a generous bound that only turns a hang into a failure, never a timing check. */
const HANG_MS = 240_000;

/** The process environment minus the variables that change which adapter the product takes. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU;
  delete env.SPARSE_ATTENTION_GPU_ADAPTER;
  delete env.VK_DRIVER_FILES;
  return env;
}

/** SwiftShader as the only Vulkan driver; `allowSoftware` sets the product's allowance to train on it. */
export function swiftShaderEnv(allowSoftware: boolean): NodeJS.ProcessEnv {
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(`SwiftShader's Vulkan driver ${SWIFTSHADER_ICD} is missing: install Debian's chromium package (apt-get install chromium; scripts/ensure-test-deps.sh does)`);
  }
  const env = { ...baseEnv(), LD_LIBRARY_PATH: CHROMIUM_LIB, VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  return allowSoftware ? { ...env, SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU: '1' } : env;
}

/** A Vulkan loader that finds no driver at all: Dawn then has no adapter. */
export function noAdapterEnv(): NodeJS.ProcessEnv {
  return { ...baseEnv(), LD_LIBRARY_PATH: CHROMIUM_LIB, VK_ICD_FILENAMES: path.join(ROOT, 'test/webgpu/no-such-driver.json'), SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU: '1' };
}

/** The built CLI in a child process with `env`. */
export function cli(args: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: HANG_MS });
}

/** A TypeScript script of this folder run by tsx in a child process with `env`. */
export function tsxScript(script: string, args: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: HANG_MS });
}

/**
 * Dawn prints the Vulkan loader's complaints to stderr from native code ("Warning: …" and an
 * indented "at CheckVkSuccessImpl (…)"), which the product cannot intercept; these are the lines
 * that remain: the product's own.
 */
export function productLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^Warning: /.test(l) && !/^\s+at \S+ \(.*\)$/.test(l));
}
