// One writer per sweep folder. Two sweeps on one folder (Resume Sweep meeting a CLI sweep still
// running, two windows) trained the same runs twice, doubled every event and collided on temporary
// files; so a sweep takes this lock before it writes anything and holds it to the end.
//
// The lock is proper-lockfile's: a directory <sweepDir>/sweep.lock made atomically with mkdir, whose
// mtime a heartbeat refreshes (every LOCK_UPDATE_MS); a lock whose heartbeat is older than
// LOCK_STALE_MS is stale and taken over. Beside it, sweep.lock.json names the holder (pid, host,
// since) so a refused sweep can say who holds the folder, and a lock left by a process that is gone
// (same host: process.kill(pid, 0)) is taken over at once instead of after the stale delay.
import { mkdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { writeJsonAtomic } from './jsonFiles';
import { SWEEP_FILES } from './sweepFolder';

/** A heartbeat older than this marks the lock stale (a hung or vanished holder on another host). */
export const LOCK_STALE_MS = 60_000;
/** How often the holder refreshes its heartbeat; well under the stale delay, so a busy loop survives. */
const LOCK_UPDATE_MS = 10_000;

/** Who holds a sweep folder: written beside the lock by the sweep that took it. */
export interface SweepLockHolder {
  pid: number;
  hostname: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

export type SweepLock =
  | {
      ok: true;
      /** One line when a stale lock was taken over (for stderr), else undefined. */
      tookOver?: string;
      /** Aborted when the lock was lost mid-sweep (its heartbeat failed, or another process took it). */
      lost: AbortSignal;
      /** Removes the holder file, then the lock; safe to call twice; does nothing once lost. */
      release: () => Promise<void>;
    }
  | { ok: false; refusal: string };

const lockDir = (sweepDir: string) => path.join(sweepDir, SWEEP_FILES.lock);
const holderFile = (sweepDir: string) => path.join(sweepDir, SWEEP_FILES.lockHolder);

/** The recorded holder; undefined when absent or unreadable (a holder that has not written it yet). */
export function readLockHolder(sweepDir: string): SweepLockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(holderFile(sweepDir), 'utf8'));
    return Number.isInteger(h.pid) && typeof h.hostname === 'string' && typeof h.since === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

const holderText = (h: SweepLockHolder | undefined) => (h ? `pid ${h.pid} on ${h.hostname} since ${h.since}` : 'a sweep that has not recorded its pid yet');

/** Whether the holder's process is gone: only knowable on its own host (EPERM: alive, another user's). */
function holderGone(h: SweepLockHolder): boolean {
  if (h.hostname !== hostname()) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Removes the lock of a holder that is gone (another sweep may have removed it first). */
function removeDeadLock(sweepDir: string): void {
  try {
    rmdirSync(lockDir(sweepDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Why the lock found in the folder may be taken over, or undefined when there is none or its holder
 * lives. A dead holder's lock is removed here (proper-lockfile would wait for the stale delay); a
 * stale heartbeat is left for proper-lockfile to remove.
 */
function staleReason(sweepDir: string): string | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockDir(sweepDir)).mtimeMs;
  } catch {
    return undefined;
  }
  const holder = readLockHolder(sweepDir);
  if (holder && holderGone(holder)) {
    removeDeadLock(sweepDir);
    return `took over the lock of ${holderText(holder)}: that process is gone`;
  }
  const age = Date.now() - mtimeMs;
  if (age > LOCK_STALE_MS) return `took over the lock of ${holderText(holder)}: its heartbeat stopped ${Math.round(age / 1000)} s ago`;
  return undefined;
}

/** Removes `dir` and its parents up to `top` (the folders the lock created) while they are empty. */
function removeEmptyUpTo(dir: string, top: string): void {
  for (let d = dir; d.startsWith(top); d = path.dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (the sweep wrote its files), or already gone
    }
  }
}

/**
 * Takes the lock on `sweepDir` (created if absent; nothing else is written before the lock is held).
 * Refused, with one line naming the holder, while another live sweep holds it.
 */
export async function takeSweepLock(sweepDir: string): Promise<SweepLock> {
  const dir = path.resolve(sweepDir);
  const firstCreated = mkdirSync(dir, { recursive: true });
  const reason = staleReason(dir);
  // Loaded here, not at start-up: it hooks process exit and signals (to remove held locks even on
  // process.exit), which only the sweep command wants, not the trainers the same bundle runs.
  const { lock } = await import('proper-lockfile');
  const lost = new AbortController();
  let unlock: () => Promise<void>;
  try {
    unlock = await lock(dir, {
      lockfilePath: lockDir(dir),
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      onCompromised: (err) => lost.abort(err),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const refusal = `sweep folder ${dir} is in use by ${holderText(readLockHolder(dir))} (another sweep); wait for it or stop it`;
    return { ok: false, refusal };
  }
  const holder: SweepLockHolder = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
  writeJsonAtomic(holderFile(dir), holder);
  let released = false;
  const release = async () => {
    // A lost lock may be another sweep's by now: its files are not ours to remove.
    if (released || lost.signal.aborted) return;
    released = true;
    // The holder file first: a holder file without a lock means nothing, a lock without one is a
    // holder that has not recorded itself yet.
    rmSync(holderFile(dir), { force: true });
    await unlock().catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ERELEASED') throw err; // lost while releasing: nothing left to remove
    });
    // A sweep that stopped before writing (an unreachable queue) leaves no empty folder behind.
    if (firstCreated) removeEmptyUpTo(dir, firstCreated);
  };
  return { ok: true, tookOver: reason && `sweep folder ${dir}: ${reason}`, lost: lost.signal, release };
}
