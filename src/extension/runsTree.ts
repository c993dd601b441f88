// "Experiments & Runs": the workspace's experiment and sweep files, each with its runs (from disk
// and live from the store), status icons and live progress in the description.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunView } from '../protocol/panelMessages';
import { readSummary } from '../trainer/runFiles';
import { readSweepSummary } from '../trainer/sweepRunner';
import { diskRunStatus, diskSweepStatus, parseRunId, runBelongsTo } from './diskState';
import type { RunStore } from './runStore';

export type Node =
  | { kind: 'experiment'; file: vscode.Uri; name: string }
  | { kind: 'sweep'; file: vscode.Uri; name: string }
  | { kind: 'run'; runId: string; runDir: string }
  | { kind: 'sweepRun'; sweepDir: string; name: string };

const STATUS_ICON: Record<RunView['status'], [string, string?]> = {
  running: ['sync~spin'],
  succeeded: ['pass', 'testing.iconPassed'],
  'not-reached': ['circle-large-outline', 'list.warningForeground'],
  diverged: ['warning', 'list.warningForeground'],
  cancelled: ['circle-slash'],
  failed: ['error', 'testing.iconFailed'],
  interrupted: ['debug-disconnect', 'list.warningForeground'],
};

/** Context values the menus in package.json match: what can be stopped, deleted, resumed. */
const contextState = (status: string) => (status === 'running' ? 'running' : status === 'failed' ? 'failed' : status === 'interrupted' ? 'interrupted' : 'done');

function specName(file: vscode.Uri): string {
  try {
    const raw = JSON.parse(readFileSync(file.fsPath, 'utf8'));
    if (typeof raw.name === 'string') return raw.name;
  } catch {
    // a file being edited may be invalid JSON for a while
  }
  return path.basename(file.fsPath).replace(/\.(experiment|sweep)\.json$/, '');
}

export class RunsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly store: RunStore,
    private readonly dirs: () => { runs: string; sweeps: string } | undefined,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const files = await vscode.workspace.findFiles('**/*.{experiment,sweep}.json', '**/{node_modules,.sparse-attention}/**', 500);
      files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
      return files.map((file) =>
        file.fsPath.endsWith('.sweep.json') ? { kind: 'sweep', file, name: specName(file) } : { kind: 'experiment', file, name: specName(file) },
      );
    }
    const dirs = this.dirs();
    if (!dirs) return [];
    if (node.kind === 'experiment') {
      // Runs belong to the experiment file the trainer recorded (older runs: the exact name in the id).
      const onDisk = existsSync(dirs.runs) ? readdirSync(dirs.runs).filter((id) => runBelongsTo(path.join(dirs.runs, id), node.file.fsPath, node.name)) : [];
      const live = this.store
        .allRuns()
        .filter((r) => (r.experimentFile ? path.resolve(r.experimentFile) === path.resolve(node.file.fsPath) : parseRunId(r.runId)?.name === node.name))
        .map((r) => r.runId);
      const ids = [...new Set([...onDisk, ...live])];
      return ids.sort().reverse().map((runId) => ({ kind: 'run', runId, runDir: path.join(dirs.runs, runId) }));
    }
    if (node.kind === 'sweep') {
      const sweepDir = path.join(dirs.sweeps, node.name);
      return existsSync(sweepDir) || this.store.sweep(sweepDir) ? [{ kind: 'sweepRun', sweepDir, name: node.name }] : [];
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'experiment' || node.kind === 'sweep') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = node.file;
      item.iconPath = new vscode.ThemeIcon(node.kind === 'sweep' ? 'graph-line' : 'beaker');
      item.contextValue = node.kind;
      item.description = vscode.workspace.asRelativePath(node.file);
      item.command = { command: 'vscode.open', title: 'Open', arguments: [node.file] };
      return item;
    }
    if (node.kind === 'run') {
      const live = this.store.run(node.runId);
      const summary = live?.summary ?? readSummary(node.runDir);
      const status: RunView['status'] = live?.status ?? summary?.status ?? (diskRunStatus(node.runDir) === 'running' ? 'running' : 'interrupted');
      const item = new vscode.TreeItem(node.runId.replace(/^.*?-s(\d+)-/, 'seed $1 · '), vscode.TreeItemCollapsibleState.None);
      const [icon, colour] = STATUS_ICON[status];
      item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
      const last = live?.metrics.at(-1);
      const acc = summary?.testAccuracy ?? last?.testAccuracy;
      const interrupted = status === 'interrupted' ? ` · at step ${last?.step ?? '?'}` : '';
      item.description =
        status === 'running'
          ? `step ${last?.step ?? 0} · test ${acc?.toFixed(3) ?? '–'} · attn ${last?.attentionOnRelevant?.toFixed(2) ?? '–'}`
          : `${status}${interrupted} · test ${acc?.toFixed(3) ?? '–'}${summary ? ` · ${summary.backend}` : ''}`;
      item.tooltip = `${node.runId}\n${node.runDir}${live?.failure ? `\n${live.failure}` : ''}`;
      item.contextValue = `run-${contextState(status)}`;
      item.command = { command: 'sparseAttention.openResults', title: 'Open Results', arguments: [node] };
      return item;
    }
    const live = this.store.sweep(node.sweepDir);
    const summary = live?.summary ?? readSweepSummary(node.sweepDir);
    const status = live?.status ?? summary?.status ?? (diskSweepStatus(node.sweepDir) === 'running' ? 'running' : 'interrupted');
    const item = new vscode.TreeItem('m*(T) results', vscode.TreeItemCollapsibleState.None);
    const icon = { running: 'sync~spin', completed: 'graph', incomplete: 'warning', interrupted: 'debug-disconnect' }[status as string] ?? 'circle-slash';
    item.iconPath = new vscode.ThemeIcon(icon);
    item.description =
      status === 'running' ? `${live?.runsDone ?? 0}/${live?.plannedRuns ?? '?'} runs` : summary?.best ? `${status} · best fit: ${summary.best}` : status;
    item.tooltip = summary?.verdict ?? node.sweepDir;
    item.contextValue = `sweepRun-${contextState(status)}`;
    item.command = { command: 'sparseAttention.openResults', title: 'Open Results', arguments: [node] };
    return item;
  }
}
