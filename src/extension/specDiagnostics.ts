// The CLI's cross-field rules (s ≤ T, relevant bits inside T, …) as problems in the editor's Problems
// view and squiggles on the JSON: the editor validates spec files with the JSON Schema, which cannot
// express rules between fields, so a file with s > T showed 0 problems until the form or the CLI said
// so. The rules are the CLI's own (core/spec/specProblems.ts crossFieldProblems); this file only finds
// where each problem's value sits in the text.
import { type Node, findNodeAtLocation, parseTree } from 'jsonc-parser';
import * as vscode from 'vscode';
import { ExperimentSchema } from '../core/spec/experimentSpec';
import { crossFieldProblems } from '../core/spec/specProblems';
import { SweepSchema } from '../core/spec/sweepSpec';

const SPEC_FILE = /\.(experiment|sweep)\.json$/;

function diagnosticsOf(doc: vscode.TextDocument): vscode.Diagnostic[] {
  const text = doc.getText();
  const tree = parseTree(text);
  if (!tree) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return []; // broken JSON: the JSON language service reports it
  }
  const schema = doc.uri.fsPath.endsWith('.sweep.json') ? SweepSchema : ExperimentSchema;
  return crossFieldProblems(schema, raw).map((p) => {
    // The value at the path, else the nearest enclosing one that exists, else the whole object.
    let node: Node | undefined;
    for (let n = p.path.length; n >= 0 && !node; n--) node = n ? findNodeAtLocation(tree, p.path.slice(0, n)) : tree;
    const at = node ?? tree;
    const range = new vscode.Range(doc.positionAt(at.offset), doc.positionAt(at.offset + at.length));
    const d = new vscode.Diagnostic(range, p.message, vscode.DiagnosticSeverity.Error);
    d.source = 'sparse-attention';
    return d;
  });
}

/** Keeps a diagnostic collection in step with every open experiment and sweep file. */
export function registerSpecDiagnostics(): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection('sparse-attention');
  const check = (doc: vscode.TextDocument) => {
    if (SPEC_FILE.test(doc.uri.fsPath)) collection.set(doc.uri, diagnosticsOf(doc));
  };
  vscode.workspace.textDocuments.forEach(check);
  return [
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
  ];
}
