// Installs one npm package into the folder the trainer searches (SPARSE_ATTENTION_NATIVE_MODULES)
// without ever leaving it half-installed: npm works in a staging folder beside it, and only a complete
// install is moved into place (a rename on the same disk). A failed or cancelled npm leaves the
// previous state untouched and the staging folder removed. No vscode import: tested with a fake npm.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type NpmResult, type NpmRunOptions, runNpm } from './npmInstall';

export interface StagedInstallOptions extends Omit<NpmRunOptions, 'cwd'> {
  /** The node_modules folder the package ends up in (…/native/node_modules). */
  modulesDir: string;
  name: string;
  version: string;
}

interface PackageJson {
  private?: boolean;
  dependencies?: Record<string, string>;
}

/** npm's own bookkeeping in a node_modules folder: never a package to carry along. */
const BOOKKEEPING = new Set(['.bin', '.package-lock.json']);

/**
 * Moves the packages npm hoisted beside `name` into `name`'s own node_modules, so the one folder we
 * move holds everything it requires and nothing already in the target (another package's `debug`,
 * say) is replaced. `--install-strategy=shallow` usually does this already; older npm ignores it.
 */
function selfContain(stagedModules: string, name: string): void {
  const inner = path.join(stagedModules, name, 'node_modules');
  for (const entry of readdirSync(stagedModules)) {
    if (entry === name || BOOKKEEPING.has(entry)) continue;
    const names = entry.startsWith('@') ? readdirSync(path.join(stagedModules, entry)).map((s) => `${entry}/${s}`) : [entry];
    for (const dep of names) {
      const to = path.join(inner, dep);
      if (existsSync(to)) continue;
      mkdirSync(path.dirname(to), { recursive: true });
      renameSync(path.join(stagedModules, dep), to);
    }
  }
}

/** Swaps `staged` in for `modulesDir/name`; the old copy is restored if the swap fails. */
function moveIntoPlace(staged: string, modulesDir: string, name: string): void {
  mkdirSync(modulesDir, { recursive: true });
  const target = path.join(modulesDir, name);
  const old = existsSync(target) ? `${target}.old-${process.pid}-${Date.now()}` : undefined;
  if (old) renameSync(target, old);
  try {
    renameSync(staged, target);
  } catch (err) {
    if (old) renameSync(old, target);
    throw new Error(`could not move ${name} into ${modulesDir} (${(err as Error).message}); is a trainer using it? Stop running trainers and try again`);
  }
  // A leftover old copy (Windows keeps a loaded dawn.node open) is harmless: nothing resolves it.
  try {
    if (old) rmSync(old, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // left for the next install to replace
  }
}

/**
 * Lists the package in the folder's package.json, so that a later `npm install` there (the native
 * TensorFlow set-up) keeps it instead of pruning it as extraneous.
 */
function recordDependency(prefix: string, name: string, version: string): void {
  const file = path.join(prefix, 'package.json');
  const pkg: PackageJson = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { private: true };
  pkg.dependencies = { ...pkg.dependencies, [name]: version };
  writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
}

/** `npm install name@version` into `modulesDir`, all or nothing. */
export async function stagedInstall(o: StagedInstallOptions): Promise<NpmResult> {
  const prefix = path.dirname(o.modulesDir);
  mkdirSync(path.dirname(prefix), { recursive: true });
  // Beside the prefix, so the final move is a rename on the same disk.
  const staging = mkdtempSync(path.join(path.dirname(prefix), `.staging-${o.name}-`));
  try {
    writeFileSync(path.join(staging, 'package.json'), '{"private":true}\n');
    const args = ['install', '--no-audit', '--no-fund', '--install-strategy=shallow', `${o.name}@${o.version}`];
    const r = await runNpm(args, { cwd: staging, onLine: o.onLine, signal: o.signal, env: o.env });
    if (!r.ok) return r;
    const stagedModules = path.join(staging, 'node_modules');
    if (!existsSync(path.join(stagedModules, o.name, 'package.json'))) {
      return { ok: false, kind: 'failed', code: 0, message: `npm reported success but installed no ${o.name}`, output: r.output };
    }
    selfContain(stagedModules, o.name);
    try {
      moveIntoPlace(path.join(stagedModules, o.name), o.modulesDir, o.name);
    } catch (err) {
      return { ok: false, kind: 'failed', message: (err as Error).message, output: r.output };
    }
    mkdirSync(prefix, { recursive: true });
    recordDependency(prefix, o.name, o.version);
    return r;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
