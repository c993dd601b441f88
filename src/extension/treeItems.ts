// How each node of the "Experiments & Runs" tree is drawn: label, icon, description, tooltip, the
// context value the menus in package.json match, and the command a click runs. Live state comes from
// the RunStore; a folder the store has not seen is read from disk (src/store/).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunView } from '../protocol/panelMessages';
import { readSummary, runFolderStatus } from '../store/runFolder';
import { readSweepSummary, sweepFolderStatus } from '../store/sweepFolder';
import { runRowLabel, runStamp } from './diskState';
import type { RunStore } from './runStore';
import type { Node } from './treeNodes';

/** What drawing a node needs besides the node. */
export interface TreeItemContext {
  store: RunStore;
  /** Whether a sweep is still running (as the store knows it, else as its folder says). */
  sweepAlive(sweepDir: string): boolean;
}

const STATUS_ICON: Record<RunView['status'], [string, string?]> = {
  running: ['sync~spin'],
  succeeded: ['pass', 'testing.iconPassed'],
  'not-reached': ['circle-large-outline', 'list.warningForeground'],
  diverged: ['warning', 'list.warningForeground'],
  cancelled: ['circle-slash'],
  failed: ['error', 'testing.iconFailed'],
  interrupted: ['debug-disconnect', 'list.warningForeground'],
};

/** Context values the menus in package.json match: what can be stopped, cancelled, deleted, resumed. */
const contextState = (status: string) => (status === 'running' ? 'running' : status === 'failed' ? 'failed' : status === 'interrupted' ? 'interrupted' : 'done');

/** The tree item for `node`, with `id` (its key in the tree's node cache) as the item's id. */
export function treeItem(node: Node, id: string | undefined, ctx: TreeItemContext): vscode.TreeItem {
  const item =
    node.kind === 'queued' ? queuedItem(node)
    : node.kind === 'sweepGroup' ? sweepGroupItem(node)
    : node.kind === 'experiment' || node.kind === 'sweep' ? specFileItem(node)
    : node.kind === 'run' ? runItem(node, ctx)
    : sweepRunItem(node, ctx.store);
  item.id = id;
  return item;
}

function queuedItem(node: Extract<Node, { kind: 'queued' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(`queued #${node.position}`, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('clock');
  item.description = 'waiting for a free slot';
  item.tooltip = `${node.file}\nStarts when a run ends (setting: Sparse Attention › Max Concurrent Runs).`;
  item.contextValue = 'run-queued';
  return item;
}

function sweepGroupItem(node: Extract<Node, { kind: 'sweepGroup' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.iconPath = new vscode.ThemeIcon(node.path.m !== undefined ? 'symbol-number' : node.path.T !== undefined ? 'symbol-ruler' : 'symbol-class');
  item.description = node.description;
  item.contextValue = 'sweepGroup';
  // A cell (m under T) opens its runs in the results panel, as a click in its success table does;
  // the twistie still expands it to its seeds.
  if (node.path.T !== undefined && node.path.m !== undefined) {
    item.command = { command: 'sparseAttention.openCell', title: 'Open Sweep Cell', arguments: [node] };
    item.tooltip = `${node.path.variant}, T = ${node.path.T}, m = ${node.path.m}: click to see this cell's runs in the results panel`;
  }
  return item;
}

function specFileItem(node: Extract<Node, { kind: 'experiment' | 'sweep' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
  item.resourceUri = node.file;
  item.iconPath = new vscode.ThemeIcon(node.kind === 'sweep' ? 'graph-line' : 'beaker');
  item.contextValue = node.kind;
  item.description = vscode.workspace.asRelativePath(node.file);
  // Through our command: it opens the file beside the results panel, never in its place.
  item.command = { command: 'sparseAttention.openSpecFile', title: 'Open', arguments: [node.file] };
  return item;
}

function runItem(node: Extract<Node, { kind: 'run' }>, ctx: TreeItemContext): vscode.TreeItem {
  const live = ctx.store.run(node.runId);
  const summary = live?.summary ?? readSummary(node.runDir);
  // A cell run with no summary is still training while its sweep is (pool workers may share one process).
  const alive = runFolderStatus(node.runDir) === 'running' || (node.cell !== undefined && ctx.sweepAlive(path.dirname(path.dirname(node.runDir))));
  const status: RunView['status'] = live?.status ?? summary?.status ?? (alive ? 'running' : 'interrupted');
  // Label and status first, the id's stamp last: at the default sidebar width the status used to be cut off.
  const item = new vscode.TreeItem(node.cell ? `seed ${node.cell.seed}` : (node.label ?? runRowLabel(node.runId)), vscode.TreeItemCollapsibleState.None);
  const [icon, colour] = STATUS_ICON[status];
  item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
  const last = live?.metrics.at(-1);
  const acc = summary?.testAccuracy ?? last?.testAccuracy;
  const interrupted = status === 'interrupted' ? ` · at step ${last?.step ?? '?'}` : '';
  item.description =
    status === 'running'
      ? `step ${last?.step ?? 0} · test ${acc?.toFixed(3) ?? '–'} · attn ${last?.attentionOnRelevant?.toFixed(2) ?? '–'}`
      : `${status}${interrupted} · test ${acc?.toFixed(3) ?? '–'}${summary ? ` · ${summary.backend}` : ''}`;
  const stamp = node.label && !node.cell ? runStamp(node.runId) : undefined;
  if (stamp) item.description += ` · ${stamp}`;
  item.tooltip = `${node.label ? `${node.label}\n` : ''}${node.runId}\n${node.runDir}${live?.failure ? `\n${live.failure}` : ''}`;
  // A sweep's cell run belongs to its sweep: opened and revealed, not re-run, cancelled or deleted alone.
  item.contextValue = node.cell ? `cellRun-${contextState(status)}` : `run-${contextState(status)}`;
  item.command = { command: 'sparseAttention.openResults', title: 'Open Results', arguments: [node] };
  return item;
}

function sweepRunItem(node: Extract<Node, { kind: 'sweepRun' }>, store: RunStore): vscode.TreeItem {
  const live = store.sweep(node.sweepDir);
  const summary = live?.summary ?? readSweepSummary(node.sweepDir);
  const status = live?.status ?? summary?.status ?? (sweepFolderStatus(node.sweepDir) === 'running' ? 'running' : 'interrupted');
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
