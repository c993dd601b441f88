// "Experiments & Runs": the workspace's experiment and sweep files, each with its runs (from disk
// and live from the store), status icons and live progress in the description. What the nodes are:
// treeNodes.ts; how each is drawn: treeItems.ts; which rows a change redraws: treeRefresh.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRunId } from '../store/runId';
import { SWEEP_FILES, readSweepEvents, sweepFolderStatus, sweepRunsDir } from '../store/sweepFolder';
import { runBelongsTo } from './diskState';
import { labelRunRows } from './runRowLabels';
import type { RunStore } from './runStore';
import { type CellTally, type VariantGroup, cellKey, cellTallies, describeCell, groupSweepRuns, variantOrder } from './sweepRunGroups';
import { treeItem } from './treeItems';
import { NodeCache } from './treeNodeCache';
import { type GroupPath, type Node, type QueuedRun, localKey } from './treeNodes';
import { type IndexedNode, type TreeChanges, nodesToRefresh } from './treeRefresh';

export type { Node, QueuedRun } from './treeNodes';

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
  private readonly changed = new vscode.EventEmitter<Node | Node[] | undefined>();
  private readonly eventsCache = new Map<string, { stamp: string; order: string[]; tallies: Map<string, CellTally> }>();
  /** Every node handed out, by id, so a refresh can name the very object VS Code holds. */
  private readonly nodes = new NodeCache<Node>();
  /** The experiment files that had waiting runs at the last queue change. */
  private queuedFiles = new Set<string>();
  /** Each sweep's cells as last refreshed (see sweepShapeChanged). */
  private readonly sweepShapes = new Map<string, string>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly store: RunStore,
    private readonly dirs: () => { runs: string; sweeps: string } | undefined,
    /** The editor's waiting runs, oldest first. */
    private readonly queued: () => QueuedRun[] = () => [],
  ) {}

  /** Redraws the whole tree: for a change of the set of experiment and sweep files (or a user's Refresh). */
  refresh(): void {
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  /** Redraws only the rows the changes touch (see treeRefresh.ts), so clicks on other rows are not lost. */
  refreshChanged(changes: TreeChanges): void {
    // A sweep whose cells look the same as last time redraws only its progress row.
    for (const [dir, structural] of changes.sweeps) if (structural && !this.sweepShapeChanged(dir)) changes.sweeps.set(dir, false);
    const keys = nodesToRefresh(changes, this.indexedNodes(), (runId) => this.store.run(runId)?.experimentFile);
    const nodes = keys.map((k) => this.nodes.get(k)).filter((n): n is Node => n !== undefined);
    if (nodes.length) this.changed.fire(nodes);
  }

  /** The queue changed: the experiments whose waiting runs differ (before or after) re-list their children. */
  queueChanged(): void {
    const now = new Set(this.queued().map((q) => path.resolve(q.file)));
    const experimentFiles = new Set([...this.queuedFiles, ...now]);
    this.queuedFiles = now;
    this.refreshChanged({ runs: new Set(), sweeps: new Map(), experimentFiles });
  }

  /**
   * Whether what a sweep's subtree shows (its cell folders, verdicts, alive or not) differs from the
   * last time this was asked: its events file changes on every run's progress, its cells far less often.
   */
  private sweepShapeChanged(sweepDir: string): boolean {
    const runsDir = sweepRunsDir(sweepDir);
    const folders = existsSync(runsDir) ? readdirSync(runsDir).sort().join('/') : '';
    const tallies = [...this.sweepEvents(sweepDir).tallies].map(([k, t]) => `${k}=${t.successes}/${t.trials}${t.status}`).join('/');
    const shape = `${folders}|${tallies}|${this.sweepAlive(sweepDir)}`;
    const changed = this.sweepShapes.get(sweepDir) !== shape;
    this.sweepShapes.set(sweepDir, shape);
    return changed;
  }

  private indexedNodes(): IndexedNode[] {
    const sweeps = this.dirs()?.sweeps;
    return this.nodes.entries().map(([key, n]): IndexedNode => {
      if (n.kind === 'experiment') return { key, kind: 'experiment', file: n.file.fsPath };
      if (n.kind === 'run') return { key, kind: 'run', runId: n.runId };
      if (n.kind === 'sweepRun') return { key, kind: 'sweepRun', sweepDir: n.sweepDir };
      if (n.kind === 'sweep' && sweeps) return { key, kind: 'sweep', sweepDir: path.join(sweeps, n.name) };
      return { key, kind: 'other' };
    });
  }

  async getChildren(node?: Node): Promise<Node[]> {
    const parent = node ? this.nodes.keyOf(node) : undefined;
    return (await this.listChildren(node)).map((child) => {
      const key = parent === undefined ? localKey(child) : `${parent}\u203a${localKey(child)}`;
      return this.nodes.intern(key, child);
    });
  }

  private async listChildren(node?: Node): Promise<Node[]> {
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
      // Waiting runs first (they are the newest), numbered by their place in the whole queue.
      const waiting: Node[] = this.queued()
        .map((q, i) => ({ kind: 'queued' as const, queueId: q.queueId, file: q.file, position: i + 1 }))
        .filter((q) => path.resolve(q.file) === path.resolve(node.file.fsPath));
      return [...waiting, ...labelRunRows(ids.sort().reverse(), dirs.runs, this.store, node.name)];
    }
    if (node.kind === 'sweep') {
      const sweepDir = path.join(dirs.sweeps, node.name);
      if (!existsSync(sweepDir) && !this.store.sweep(sweepDir)) return [];
      return [{ kind: 'sweepRun', sweepDir, name: node.name }, ...this.sweepGroups(sweepDir)];
    }
    if (node.kind === 'sweepGroup') return this.sweepGroups(node.sweepDir, node.path);
    return [];
  }

  /**
   * The level below `at` in a sweep's runs (read from its runs folder, so finished and live cells
   * alike): variants when there are several, then "T = …", then "m = …" with the cell's verdict, then
   * the cell's runs by seed.
   */
  private sweepGroups(sweepDir: string, at?: GroupPath): Node[] {
    const runsDir = sweepRunsDir(sweepDir);
    if (!existsSync(runsDir)) return [];
    const groups: VariantGroup[] = groupSweepRuns(readdirSync(runsDir), this.sweepEvents(sweepDir).order);
    const group = (p: GroupPath, label: string, description?: string): Node => ({ kind: 'sweepGroup', sweepDir, path: p, label, description });
    const runsOf = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
    if (!at) {
      if (groups.length > 1) return groups.map((g) => group({ variant: g.variant }, g.variant, runsOf(g.lengths.reduce((n, t) => n + t.sizes.reduce((k, s) => k + s.runs.length, 0), 0))));
      at = groups.length ? { variant: groups[0].variant } : undefined;
      if (!at) return [];
    }
    const variant = groups.find((g) => g.variant === at!.variant);
    if (!variant) return [];
    if (at.T === undefined) {
      return variant.lengths.map((t) => group({ variant: variant.variant, T: t.T }, `T = ${t.T}`, `${t.sizes.length} size${t.sizes.length === 1 ? '' : 's'}`));
    }
    const length = variant.lengths.find((t) => t.T === at!.T);
    if (!length) return [];
    if (at.m === undefined) {
      const { tallies } = this.sweepEvents(sweepDir);
      return length.sizes.map((s) => group({ ...at!, m: s.m }, `m = ${s.m}`, describeCell(tallies.get(cellKey(variant.variant, length.T, s.m)), s.runs.length)));
    }
    const size = length.sizes.find((s) => s.m === at!.m);
    return (size?.runs ?? []).map((r): Node => ({ kind: 'run', runId: r.runId, runDir: path.join(runsDir, r.runId), cell: { seed: r.seed } }));
  }

  /**
   * A sweep's variant order and cell verdicts, re-read only when its events.jsonl changed: the tree
   * redraws a few times a second while a sweep runs.
   */
  private sweepEvents(sweepDir: string): { order: string[]; tallies: Map<string, CellTally> } {
    let stamp = '';
    try {
      const st = statSync(path.join(sweepDir, SWEEP_FILES.events));
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      // no events yet
    }
    const cached = this.eventsCache.get(sweepDir);
    if (cached && cached.stamp === stamp) return cached;
    const events = stamp ? readSweepEvents(sweepDir) : [];
    const fresh = { stamp, order: variantOrder(events), tallies: cellTallies(events) };
    this.eventsCache.set(sweepDir, fresh);
    return fresh;
  }

  private sweepAlive(sweepDir: string): boolean {
    const live = this.store.sweep(sweepDir);
    return live ? live.status === 'running' : sweepFolderStatus(sweepDir) === 'running';
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return treeItem(node, this.nodes.keyOf(node), { store: this.store, sweepAlive: (dir) => this.sweepAlive(dir) });
  }
}
