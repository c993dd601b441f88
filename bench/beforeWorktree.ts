// This project as it was before the ensemble trainer and the tabulated first layer (issue 11): a git
// worktree of that commit, built with this checkout's node_modules, so a sweep can be timed with the
// code users had before, on the same machine in the same bench run.
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';

/** The last commit before issue 11's work (f1c0100: issue 13's e2e tests). */
export const BEFORE_ISSUE_11 = 'f1c0100';

const ROOT = path.resolve(__dirname, '..');

/** The worktree's CLI, built; or why it could not be prepared. */
export function beforeIssueCli(log: (line: string) => void): { cli: string } | { skipped: string } {
  const dir = path.join(ROOT, '.cache', `bench-before-${BEFORE_ISSUE_11}`);
  try {
    if (!existsSync(path.join(dir, 'package.json'))) {
      log(`git worktree of ${BEFORE_ISSUE_11} in ${path.relative(ROOT, dir)}`);
      execFileSync('git', ['worktree', 'add', '--force', '--detach', dir, BEFORE_ISSUE_11], { cwd: ROOT, stdio: 'pipe' });
    }
    // Its dependencies are a subset of this checkout's (same versions): share them.
    if (!existsSync(path.join(dir, 'node_modules'))) symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    if (!existsSync(path.join(dir, 'dist', 'cli.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, stdio: 'pipe' });
    return { cli: path.join(dir, 'bin', 'sparse-attention.js') };
  } catch (err) {
    return { skipped: `could not prepare the worktree of ${BEFORE_ISSUE_11}: ${(err as Error).message.split('\n')[0]}` };
  }
}
