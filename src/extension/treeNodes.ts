// The rows of the "Experiments & Runs" tree as data: what each node is, and the key that names it
// among its siblings (runsTree.ts builds ids from these keys; treeItems.ts draws the nodes).
// No vscode value import (only the Uri type), so the tree's helpers stay testable.
import type * as vscode from 'vscode';

/** A run waiting in the editor's queue (it has no run id until its trainer starts). */
export interface QueuedRun {
  queueId: string;
  file: string;
}

/** Where a group node sits in a sweep's runs: a variant, a T under it, or an m under that. */
export interface GroupPath {
  variant: string;
  T?: number;
  m?: number;
}

export type Node =
  | { kind: 'experiment'; file: vscode.Uri; name: string }
  | { kind: 'sweep'; file: vscode.Uri; name: string }
  /** `cell`: a run of a sweep's cell (its folder is under the sweep; it cannot be re-run or cancelled alone). */
  /** `label`: what tells it from the experiment's other runs ("T = 12 · seed 1", runLabels.ts). */
  | { kind: 'run'; runId: string; runDir: string; cell?: { seed: number }; label?: string }
  | { kind: 'queued'; queueId: string; file: string; position: number }
  | { kind: 'sweepRun'; sweepDir: string; name: string }
  | { kind: 'sweepGroup'; sweepDir: string; path: GroupPath; label: string; description?: string };

/** A node's key among its siblings; a node's id is its parent's id, `›`, then this. */
export function localKey(node: Node): string {
  switch (node.kind) {
    case 'experiment':
    case 'sweep':
      return `${node.kind}:${node.file.fsPath}`;
    case 'run':
      return `run:${node.runDir}`;
    case 'queued':
      return `queued:${node.queueId}`;
    case 'sweepRun':
      return 'sweepRun';
    case 'sweepGroup':
      return `group:${node.path.variant}:${node.path.T ?? ''}:${node.path.m ?? ''}`;
  }
}
