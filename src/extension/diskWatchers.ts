// The editor's side of the disk sync (diskSync.ts): the file watchers that feed it, and its wiring to
// the store, the runner and the tree. New or deleted spec files re-list the tree at once.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadRun, loadSweep } from './diskState';
import { DiskSync } from './diskSync';
import type { DataDirs, Services } from './services';

/** Starts syncing the store and the tree with the disk; everything it holds is in the disposables. */
export function syncWithDisk(s: Services): vscode.Disposable[] {
  const sync = new DiskSync({
    dataDirs: s.dataDirs,
    fedLive: (id) => s.runner.active().some((h) => h.id === id),
    inStore: (kind, id) => (kind === 'run' ? s.store.run(id) : s.store.sweep(id)) !== undefined,
    reload: (kind, dir) => void (kind === 'run' ? loadRun : loadSweep)(s.store, dir),
    refreshAll: () => s.tree.refresh(),
    refreshChanged: (changes) => s.tree.refreshChanged(changes),
  });
  const unsubscribe = s.store.onChange((change) => sync.noteStoreChange(change));
  const dirs = s.dataDirs();
  const ws = s.workspaceDir();
  const specs = vscode.workspace.createFileSystemWatcher('**/*.{experiment,sweep}.json');
  return [
    ...(dirs && ws ? watchDataFolders(ws, dirs, (uri) => sync.notePath(uri.fsPath)) : []),
    specs,
    specs.onDidCreate(() => s.tree.refresh()),
    specs.onDidDelete(() => s.tree.refresh()),
    { dispose: unsubscribe },
    sync,
  ];
}

/** A watcher on the run and sweep folders, reporting every created, changed or deleted path. */
function watchDataFolders(ws: string, dirs: DataDirs, onPath: (uri: vscode.Uri) => void): vscode.Disposable[] {
  // Relative to the workspace folder when inside it: VS Code then serves the events from its own
  // recursive watcher, which also sees the folder being created. A pattern based on a folder that
  // does not exist yet (a fresh workspace) may never fire.
  const base = path.dirname(dirs.runs);
  const rel = path.relative(ws, base);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const pattern = inside
    ? new vscode.RelativePattern(vscode.workspace.workspaceFolders![0], `${rel.split(path.sep).join('/')}/{runs,sweeps}/**`)
    : new vscode.RelativePattern(vscode.Uri.file(base), '{runs,sweeps}/**');
  const w = vscode.workspace.createFileSystemWatcher(pattern);
  return [w, w.onDidCreate(onPath), w.onDidChange(onPath), w.onDidDelete(onPath)];
}
