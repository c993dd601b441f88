// The "Experiment" sidebar: a form over the experiment or sweep file in the active editor (or the
// last one edited). Edits from the form are validated with the CLI's schema and written back to the
// document, one write at a time; edits to the document by hand are re-sent to the form. With no file
// open, the form's content is kept and Save asks where to write it: input is never thrown away.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ExperimentSchema, experimentJsonSchema } from '../core/spec/experimentSpec';
import { parseSpecText, parseWithSchema } from '../core/spec/specProblems';
import { SweepSchema, sweepJsonSchema } from '../core/spec/sweepSpec';
import { FormToHost, type HostToForm } from '../protocol/panelMessages';
import { formHtml } from './formHtml';
import { keyOrder, writeSpecText } from './specTextEdits';
import { NEW_EXPERIMENT } from './templates';

const isSpecFile = (doc: vscode.TextDocument) => /\.(experiment|sweep)\.json$/.test(doc.uri.fsPath);
const kindOf = (uri: vscode.Uri): 'experiment' | 'sweep' => (uri.fsPath.endsWith('.sweep.json') ? 'sweep' : 'experiment');

/** The JSON Schema the form is drawn from: the one the editor validates the file with, so the two cannot disagree. */
const jsonSchemas = { experiment: experimentJsonSchema() as Record<string, unknown>, sweep: sweepJsonSchema() as Record<string, unknown> };

export class ExperimentFormProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private doc: vscode.TextDocument | undefined;
  /** The form's content when no file is open (what Save writes). */
  private unsaved: Record<string, unknown> | undefined;
  /** Writes back to the document run one after another; while any is pending, echoes are ignored. */
  private writes: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  /** The text the form last wrote: its change event is our own echo, not a hand edit, and must not reload the form. */
  private lastWritten: string | undefined;
  /** The file's key order when it was loaded (specTextEdits.ts puts a retyped key back in its place). */
  private order: Map<string, string[]> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (s: string) => void,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.window.registerWebviewViewProvider('sparseAttention.experiment', this),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e && isSpecFile(e.document)) this.load(e.document);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Our own writes come back as change events, sometimes after the write has settled: reloading
        // then re-drew the form under the user's fingers (focus lost, newer keystrokes reverted).
        if (this.pendingWrites === 0 && this.doc && e.document === this.doc && e.document.getText() !== this.lastWritten) this.load(e.document);
      }),
    ];
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [root] };
    view.webview.html = formHtml({
      cspSource: view.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(root, 'form.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(root, 'form.css')).toString(),
    });
    view.webview.onDidReceiveMessage((raw) => this.onMessage(raw));
    view.onDidDispose(() => (this.view = undefined));
  }

  private post(msg: HostToForm): void {
    void this.view?.webview.postMessage(msg);
  }

  load(doc: vscode.TextDocument): void {
    this.doc = doc;
    this.order = keyOrder(doc.getText());
    const kind = kindOf(doc.uri);
    const parsed = parseSpecText(kind === 'sweep' ? SweepSchema : ExperimentSchema, doc.getText());
    let raw: Record<string, unknown> = {};
    try {
      raw = JSON.parse(doc.getText());
    } catch {
      // invalid JSON: the form shows the problem and an empty form until the text parses
    }
    this.post({ type: 'load', file: vscode.workspace.asRelativePath(doc.uri), kind, spec: raw, problems: parsed.ok ? [] : parsed.problems, trusted: vscode.workspace.isTrusted, schema: jsonSchemas[kind] });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = FormToHost.safeParse(raw);
    if (!parsed.success) {
      this.log(`experiment form: ignored an invalid message: ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      const active = vscode.window.activeTextEditor?.document;
      const doc = this.doc ?? (active && isSpecFile(active) ? active : undefined);
      if (doc) this.load(doc);
      else this.post({ type: 'load', file: null, kind: 'experiment', spec: NEW_EXPERIMENT('my-experiment'), problems: [], trusted: vscode.workspace.isTrusted, schema: jsonSchemas.experiment });
      return;
    }
    if (msg.type === 'edit') {
      const kind = this.doc ? kindOf(this.doc.uri) : 'experiment';
      const check = parseWithSchema(kind === 'sweep' ? SweepSchema : ExperimentSchema, msg.spec);
      this.post({ type: 'problems', problems: check.ok ? [] : check.problems });
      if (this.doc) await this.enqueueWrite(this.doc, msg.spec);
      else this.unsaved = msg.spec;
      return;
    }
    if (msg.type === 'save') {
      await this.writes;
      if (this.doc) await this.doc.save();
      else await this.saveAs();
      return;
    }
    if (this.doc) await this.doc.save();
    await vscode.commands.executeCommand(msg.type === 'run' ? 'sparseAttention.run' : 'sparseAttention.runSweep', this.doc?.uri);
  }

  /** Save with no file open: ask where, write the form's content there, and open it. */
  private async saveAs(): Promise<void> {
    const spec: Record<string, unknown> = this.unsaved ?? NEW_EXPERIMENT('my-experiment');
    const kind = spec.kind === 'sweep' ? 'sweep' : 'experiment';
    const name = typeof spec.name === 'string' && spec.name ? spec.name : `my-${kind}`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${name}.${kind}.json`) : undefined,
      filters: { [kind === 'sweep' ? 'Sweep' : 'Experiment']: ['json'] },
      saveLabel: `Save ${kind}`,
    });
    if (!target) return;
    // The editor's schema, the tree and Run find files by their double extension.
    const file = /\.(experiment|sweep)\.json$/.test(target.fsPath) ? target.fsPath : target.fsPath.replace(/(\.json)?$/, `.${kind}.json`);
    writeFileSync(file, JSON.stringify(spec, null, 2) + '\n');
    this.log(`experiment form: saved ${path.basename(file)}`);
    this.unsaved = undefined;
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    this.load(doc);
  }

  private enqueueWrite(doc: vscode.TextDocument, spec: Record<string, unknown>): Promise<void> {
    this.pendingWrites++;
    this.writes = this.writes
      .then(() => this.writeBack(doc, spec))
      .catch((err) => this.log(`experiment form: could not write ${doc.uri.fsPath}: ${(err as Error).message}`))
      .finally(() => this.pendingWrites--);
    return this.writes;
  }

  private async writeBack(doc: vscode.TextDocument, spec: Record<string, unknown>): Promise<void> {
    const text = writeSpecText(doc.getText(), spec, this.order);
    if (text === doc.getText()) return;
    this.lastWritten = text;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    await vscode.workspace.applyEdit(edit);
  }
}
