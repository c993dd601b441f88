// The results panel: one webview panel, restored after a reload by a serializer. The host keeps the
// state (RunStore); the panel gets a snapshot when it says `ready` (also each time it is shown
// again, since it does not retain its context when hidden) and throttled live events after that.
import { offerOpen } from './exportChoice';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { type HostToPanel, PanelToHost, type SweepCellRef } from '../protocol/panelMessages';
import { readCellRuns } from './cellRuns';
import { resultsHtml } from './resultsHtml';
import type { RunStore } from './runStore';
import { Throttle } from './throttle';

export const RESULTS_VIEW_TYPE = 'sparseAttention.results';
/** Live updates reach the panel at most this often. */
const UPDATE_INTERVAL_MS = 250;

export class ResultsPanel {
  private static current: ResultsPanel | undefined;

  /** What the open panel shows ("run:<id>", "sweep:<folder>", "table"), as it last said. */
  static shownKey(): string | null | undefined {
    return ResultsPanel.current?.shown;
  }

  /** The editor column the results panel sits in, if it is open. */
  static column(): vscode.ViewColumn | undefined {
    return ResultsPanel.current?.panel.viewColumn;
  }
  private readonly disposables: vscode.Disposable[] = [];
  private readonly updates: Throttle<HostToPanel>;
  private ready = false;
  private shown: string | null | undefined;
  private focus: string | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  /** A cell to show (`show-cell`) once the page is ready and has its snapshot. */
  private pendingCell: SweepCellRef | undefined;

  static createOrShow(extensionUri: vscode.Uri, store: RunStore, log: (s: string) => void, focus?: string, preserveFocus = false): ResultsPanel {
    if (ResultsPanel.current) {
      ResultsPanel.current.focus = focus ?? ResultsPanel.current.focus;
      // Where it already is (not a new column each time), and without the keyboard when asked.
      ResultsPanel.current.panel.reveal(ResultsPanel.current.panel.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus);
      ResultsPanel.current.sendSnapshot();
      return ResultsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, 'Sparse Attention Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, ResultsPanel.options(extensionUri));
    ResultsPanel.current = new ResultsPanel(panel, extensionUri, store, log, focus);
    return ResultsPanel.current;
  }

  /**
   * Drill-down from outside the panel (a sweep cell in the tree): opens or reveals the panel on the
   * sweep and has it open the cell. The sweep must be in the store (its id is its folder).
   */
  static showCell(extensionUri: vscode.Uri, store: RunStore, log: (s: string) => void, cell: SweepCellRef): ResultsPanel {
    const panel = ResultsPanel.createOrShow(extensionUri, store, log, cell.sweepId);
    panel.pendingCell = cell;
    // A panel that is ready now gets it at once; a new or hidden one after the snapshot its `ready` asks for.
    panel.sendPendingCell();
    return panel;
  }

  /** Called by the serializer after a window reload, once the store holds what the panel showed. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, store: RunStore, log: (s: string) => void, focus?: string): void {
    panel.webview.options = ResultsPanel.options(extensionUri);
    ResultsPanel.current = new ResultsPanel(panel, extensionUri, store, log, focus);
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    // No retainContextWhenHidden: the panel re-renders from a snapshot instead of holding memory.
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly log: (s: string) => void,
    focus: string | undefined,
  ) {
    this.focus = focus;
    const webview = panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
    webview.html = resultsHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('results.js'),
      styleUri: asset('results.css'),
      title: 'Sparse Attention Results',
    });
    this.updates = new Throttle(UPDATE_INTERVAL_MS, (items) => {
      if (!this.ready) return;
      for (const m of items) void webview.postMessage(m);
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden panel loses its page; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
      { dispose: store.onChange((change) => this.onStoreChange(change)) },
    );
  }

  private onStoreChange(change: Parameters<Parameters<RunStore['onChange']>[0]>[0]): void {
    // A change without an event (a folder re-read from disk, a run forgotten or marked ended) has no
    // increment to send: a fresh snapshot, soon, says it all.
    if (!change.event) {
      this.snapshotTimer ??= setTimeout(() => {
        this.snapshotTimer = undefined;
        this.sendSnapshot();
      }, UPDATE_INTERVAL_MS);
      return;
    }
    if (change.kind === 'run') {
      const run = this.store.run(change.runId);
      if (change.event && run) this.updates.push({ type: 'run-event', runId: change.runId, label: run.label, event: change.event });
      if (change.event?.type === 'finished' || change.event?.type === 'failed') this.updates.flushNow();
    } else if (change.event) {
      this.updates.push({ type: 'sweep-event', sweepId: change.sweepId, event: change.event });
      if (change.event.type === 'sweep-summary') this.updates.flushNow();
    }
  }

  private sendSnapshot(): void {
    if (!this.ready) return;
    const msg: HostToPanel = { type: 'snapshot', runs: this.store.allRuns(), sweeps: this.store.allSweeps(), focus: this.focus };
    void this.panel.webview.postMessage(msg);
    this.sendPendingCell();
  }

  /** After a snapshot (the page needs the sweep before it can show one of its cells). */
  private sendPendingCell(): void {
    if (!this.ready || !this.pendingCell) return;
    const msg: HostToPanel = { type: 'show-cell', ...this.pendingCell };
    this.pendingCell = undefined;
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = PanelToHost.safeParse(raw);
    if (!parsed.success) {
      this.log(`results panel: ignored an invalid message: ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      this.ready = true;
      this.updates.dispose(); // the snapshot supersedes anything queued
      this.sendSnapshot();
    } else if (msg.type === 'open-cell') {
      this.openCell(msg);
    } else if (msg.type === 'shown') {
      this.shown = msg.selected;
    } else if (msg.type === 'log') {
      this.log(`results panel [${msg.level}]: ${msg.message}`);
    } else if (msg.type === 'export') {
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('.'), `${msg.name}.${msg.format}`),
        filters: { [msg.format.toUpperCase()]: [msg.format] },
      });
      if (!target) return;
      const data = msg.format === 'png' ? Buffer.from(msg.content.replace(/^data:image\/png;base64,/, ''), 'base64') : msg.content;
      writeFileSync(target.fsPath, data);
      offerOpen(`Exported ${vscode.workspace.asRelativePath(target)}`, target);
    }
  }

  /** Drill-down: reads the cell's run folders and sends them back. Only a sweep the store knows: its id is its folder. */
  private openCell(cell: { sweepId: string; variant: string; T: number; m: number }): void {
    const sweep = this.store.sweep(cell.sweepId);
    if (!sweep) {
      this.log(`results panel: asked for a cell of an unknown sweep ${cell.sweepId.slice(0, 200)}`);
      return;
    }
    try {
      const runs = readCellRuns(cell.sweepId, cell.variant, cell.T, cell.m, sweep.status === 'running');
      const msg: HostToPanel = { type: 'cell-runs', sweepId: cell.sweepId, variant: cell.variant, T: cell.T, m: cell.m, runs };
      void this.panel.webview.postMessage(msg);
    } catch (err) {
      this.log(`results panel: could not read the runs of ${cell.variant} T=${cell.T} m=${cell.m}: ${(err as Error).message}`);
    }
  }

  private dispose(): void {
    ResultsPanel.current = undefined;
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.updates.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
