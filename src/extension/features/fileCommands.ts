// New Experiment / New Sweep, and the watchers that keep the tree (and an open results panel) in step
// with the disk: new spec files, and run or sweep folders written by any process — a CLI run started
// in a terminal shows up while it trains.
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { folderMtimes, folderOf, loadRun, loadSweep } from '../diskState';
import type { Services } from '../services';
import { NEW_EXPERIMENT, NEW_SWEEP } from '../templates';
import { noTreeChanges } from '../treeRefresh';

export function registerFileCommands(s: Services): vscode.Disposable[] {
  const newFile = async (kind: 'experiment' | 'sweep') => {
    const ws = s.workspaceDir();
    if (!ws) return void vscode.window.showWarningMessage('Open a folder first: experiments are files in the workspace.');
    const name = await vscode.window.showInputBox({
      prompt: `Name of the new ${kind}`,
      value: kind === 'sweep' ? 'my-sweep' : 'my-experiment',
      validateInput: (v) => (/^[A-Za-z0-9._-]+$/.test(v) ? undefined : 'Use letters, digits, ".", "_" and "-"'),
    });
    if (!name) return;
    const file = path.join(ws, `${name}.${kind}.json`);
    if (existsSync(file)) return void vscode.window.showErrorMessage(`${path.basename(file)} already exists.`);
    writeFileSync(file, JSON.stringify(kind === 'sweep' ? NEW_SWEEP(name) : NEW_EXPERIMENT(name), null, 2) + '\n');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    s.form.load(doc);
    s.tree.refresh();
  };

  // Folders written by a trainer this window does not own (CLI, another window) are re-read from
  // disk, a few times a second at most; the ones this window's runner feeds live are left alone.
  const pending = new Map<string, 'run' | 'sweep'>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    for (const [dir, kind] of pending) {
      const id = kind === 'run' ? path.basename(dir) : dir;
      const owned = s.runner.active().some((h) => h.id === id);
      const shown = kind === 'run' ? s.store.run(id) : s.store.sweep(id);
      if (!owned && shown && existsSync(dir)) (kind === 'run' ? loadRun : loadSweep)(s.store, dir);
    }
    // Only the rows of the folders that changed (a full redraw a few times a second, while a run
    // writes its events, swallowed clicks on the tree's inline buttons); a folder that is gone
    // leaves its experiment or sweep, which a full refresh re-lists.
    const changes = noTreeChanges();
    let gone = false;
    for (const [dir, kind] of pending) {
      gone ||= !existsSync(dir);
      if (kind === 'run') changes.runs.add(path.basename(dir));
      else changes.sweeps.set(dir, true);
    }
    pending.clear();
    if (gone) s.tree.refresh();
    else s.tree.refreshChanged(changes);
  };
  const onDisk = (uri: vscode.Uri) => {
    const dirs = s.dataDirs();
    const hit = dirs && folderOf(uri.fsPath, dirs);
    if (!hit) return;
    pending.set(hit.dir, hit.kind);
    timer ??= setTimeout(flush, 300);
  };
  const watchers: vscode.Disposable[] = [];
  const dirs = s.dataDirs();
  const ws = s.workspaceDir();
  if (dirs && ws) {
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
    watchers.push(w, w.onDidCreate(onDisk), w.onDidChange(onDisk), w.onDidDelete(onDisk));
  }
  // File watchers can miss events (a watcher restarted by the editor, a network disk): a cheap poll of
  // the two folders (names and folder mtimes, once a second) catches new and finished runs anyway.
  const seen = new Map<string, number>();
  const poll = setInterval(() => {
    const d = s.dataDirs();
    if (!d) return;
    for (const [kind, root] of [['run', d.runs], ['sweep', d.sweeps]] as const) {
      for (const [dir, mtime] of folderMtimes(root)) {
        if (seen.get(dir) === mtime) continue;
        seen.set(dir, mtime);
        pending.set(dir, kind);
        timer ??= setTimeout(flush, 300);
      }
    }
  }, 1000);
  const specs = vscode.workspace.createFileSystemWatcher('**/*.{experiment,sweep}.json');
  return [
    ...watchers,
    specs,
    specs.onDidCreate(() => s.tree.refresh()),
    specs.onDidDelete(() => s.tree.refresh()),
    { dispose: () => (clearInterval(poll), timer && clearTimeout(timer)) },
    s.command('newExperiment', () => newFile('experiment')),
    s.command('newSweep', () => newFile('sweep')),
  ];
}
