// Which editor column a spec file opens in from the tree: never the results panel's. VS Code opens a
// file in the active group; when that was the panel's group (the user had just clicked in the panel),
// the file took the panel's place and the results were hidden behind it.
import * as vscode from 'vscode';

/** The first column that is not `resultsColumn` (One, else Two). */
export function specColumn(resultsColumn: vscode.ViewColumn | undefined): vscode.ViewColumn {
  return resultsColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
}
