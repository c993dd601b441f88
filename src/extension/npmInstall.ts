// Runs `npm install` for the editor's set-up commands (native TensorFlow, GPU). No vscode import: the
// progress notification is npmProgress.ts's; this part is unit-tested with a fake npm on PATH.
import { spawn } from 'node:child_process';

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

/** How an npm run ended: `npm-missing` (no npm to start), `no-start`, `failed` (non-zero exit) or `cancelled`. */
export type NpmResult =
  | { ok: true; output: string }
  | { ok: false; kind: 'npm-missing' | 'no-start' | 'failed' | 'cancelled'; code?: number | null; message: string; output: string };

export interface NpmRunOptions {
  cwd: string;
  /** Each chunk's last line (for the log and the progress notification). */
  onLine?: (line: string) => void;
  /** Aborting kills npm (the notification's Cancel). */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** npm's output says the registry (or a download host) could not be reached. */
export const isUnreachable = (output: string) => /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|getaddrinfo|storage\.googleapis/i.test(output);

/** Runs `npm <args>` in `cwd` and says how it ended; never rejects. */
export function runNpm(args: string[], opts: NpmRunOptions): Promise<NpmResult> {
  return new Promise((resolve) => {
    const npm = npmSpawn(args);
    // Its own process group on POSIX, so Cancel also ends what npm started (install scripts).
    const detached = process.platform !== 'win32';
    const child = spawn(npm.command, npm.args, { cwd: opts.cwd, shell: npm.shell, windowsHide: true, env: opts.env ?? process.env, detached });
    let output = '';
    let settled = false;
    const done = (r: NpmResult) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', cancel);
      resolve(r);
    };
    const cancel = () => {
      try {
        if (detached && child.pid) process.kill(-child.pid, 'SIGTERM');
        else child.kill();
      } catch {
        child.kill(); // the group is already gone
      }
    };
    if (opts.signal?.aborted) cancel();
    opts.signal?.addEventListener('abort', cancel);
    const onData = (d: Buffer) => {
      output += d.toString();
      const line = d.toString().trim().split('\n').pop();
      if (line) opts.onLine?.(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, kind: err.code === 'ENOENT' ? 'npm-missing' : 'no-start', message: `npm could not start: ${err.message}`, output }),
    );
    child.on('exit', (code) => {
      if (opts.signal?.aborted) return done({ ok: false, kind: 'cancelled', code, message: 'cancelled', output });
      if (code === 0) return done({ ok: true, output });
      // Through cmd.exe a missing npm is not ENOENT but cmd's own complaint and exit code 1.
      if (npm.shell && /is not recognized as an internal or external command/i.test(output)) {
        return done({ ok: false, kind: 'npm-missing', code, message: 'npm was not found', output });
      }
      done({ ok: false, kind: 'failed', code, message: `npm exit code ${code}`, output });
    });
  });
}

/** What to tell the user when npm itself is missing; `what` names the backend, `fallback` what runs use meanwhile. */
export const npmNotFound = (what: string, command: string, fallback: string) =>
  `npm was not found, so the ${what} cannot be installed. Install Node.js with npm (from nodejs.org, or your OS package manager, e.g. \`sudo apt install nodejs npm\` or \`brew install node\`), or add the folder holding npm to the PATH the editor starts with, then restart the editor and run "${command}" again. ${fallback}`;
