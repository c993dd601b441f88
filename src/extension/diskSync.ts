// Keeps the store and the runs tree in step with the disk, through ONE debouncer. Run and sweep
// folders are written by any process (a CLI run started in a terminal shows up while it trains); two
// sources report them: the editor's file watcher (fast, but it can miss events: a watcher restarted by
// the editor, a network disk) and a cheap poll of the two data folders (names and folder mtimes, once
// a second). The store's own changes (a trainer this window feeds live) go through the same debouncer,
// so the tree redraws at most once per window, and only the rows that changed (a full redraw a few
// times a second swallowed clicks on the tree's inline buttons).
// No vscode import: the host passes in the store, the tree and the watcher's events (diskWatchers.ts),
// so it is unit-tested directly.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { folderMtimes, folderOf } from './diskState';
import { type TreeChanges, noTreeChanges, noteStoreChange } from './treeRefresh';

export type FolderKind = 'run' | 'sweep';

/** What the sync reads and redraws; the host wires it to its store, runner and tree. */
export interface DiskSyncHost {
  /** The data folders (undefined without a workspace: nothing is watched then). */
  dataDirs(): { runs: string; sweeps: string } | undefined;
  /** Whether this window's runner feeds the run (id) or sweep (folder) live: its folder is not re-read. */
  fedLive(id: string): boolean;
  /** Whether the store holds it: only those are re-read (the tree lists the others from disk). */
  inStore(kind: FolderKind, id: string): boolean;
  /** Re-reads a folder into the store. */
  reload(kind: FolderKind, dir: string): void;
  /** Redraws the whole tree (a folder is gone: its experiment or sweep re-lists). */
  refreshAll(): void;
  refreshChanged(changes: TreeChanges): void;
}

/** A store change, as RunStore reports it. */
export type StoreChange = Parameters<typeof noteStoreChange>[1];

/** The debounce window: tree refreshes at most a few per second during training. */
export const SYNC_WINDOW_MS = 300;
/** The poll's cadence: a CLI-started run appears in the tree within about a second even when no watcher event comes. */
export const POLL_MS = 1000;

export class DiskSync {
  /** Folders changed on disk since the last flush. */
  private readonly folders = new Map<string, FolderKind>();
  /** Store changes since the last flush. */
  private changes = noTreeChanges();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set while a flush re-reads folders: the store changes that causes join this flush's refresh. */
  private flushing = false;
  /** Folder → mtime at the last poll. */
  private readonly seen = new Map<string, number>();
  private readonly poller: ReturnType<typeof setInterval>;

  constructor(private readonly host: DiskSyncHost) {
    this.poller = setInterval(() => this.poll(), POLL_MS);
  }

  /** A path the file watcher reported (created, changed or deleted). */
  notePath(fsPath: string): void {
    const dirs = this.host.dataDirs();
    const hit = dirs && folderOf(fsPath, dirs);
    if (hit) this.noteFolder(hit.dir, hit.kind);
  }

  noteStoreChange(change: StoreChange): void {
    noteStoreChange(this.changes, change);
    this.schedule();
  }

  /** Compares the two data folders' entries with the last poll; new or touched folders are synced. */
  poll(): void {
    const d = this.host.dataDirs();
    if (!d) return;
    for (const [kind, root] of [['run', d.runs], ['sweep', d.sweeps]] as const) {
      for (const [dir, mtime] of folderMtimes(root)) {
        if (this.seen.get(dir) === mtime) continue;
        this.seen.set(dir, mtime);
        this.noteFolder(dir, kind);
      }
    }
  }

  dispose(): void {
    clearInterval(this.poller);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private noteFolder(dir: string, kind: FolderKind): void {
    this.folders.set(dir, kind);
    this.schedule();
  }

  private schedule(): void {
    if (this.flushing) return;
    this.timer ??= setTimeout(() => this.flush(), SYNC_WINDOW_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const folders = new Map(this.folders);
    this.folders.clear();
    this.flushing = true;
    try {
      this.reloadForeign(folders);
    } finally {
      this.flushing = false;
    }
    const changes = this.changes;
    this.changes = noTreeChanges();
    // A folder that is gone leaves its experiment or sweep, which a full refresh re-lists.
    let gone = false;
    for (const [dir, kind] of folders) {
      gone ||= !existsSync(dir);
      if (kind === 'run') changes.runs.add(path.basename(dir));
      else changes.sweeps.set(dir, true);
    }
    if (gone) this.host.refreshAll();
    else this.host.refreshChanged(changes);
  }

  /** Folders written by a trainer this window does not own (CLI, another window) are re-read from disk; the ones fed live are left alone. */
  private reloadForeign(folders: ReadonlyMap<string, FolderKind>): void {
    for (const [dir, kind] of folders) {
      const id = kind === 'run' ? path.basename(dir) : dir;
      if (!this.host.fedLive(id) && this.host.inStore(kind, id) && existsSync(dir)) this.host.reload(kind, dir);
    }
  }
}
