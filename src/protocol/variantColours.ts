// One colour per sweep variant (and per run in order), the same in the results panel and the HTML
// report: the panel reads the VS Code theme variable (so it follows the theme), the report, which
// has no VS Code around it, uses the variable's Dark Modern value. Both index this one list, so the
// transformer and the MLP no longer swap colours between the two (issue 20).
export const VARIANT_PALETTE: readonly { cssVar: string; hex: string }[] = [
  { cssVar: '--vscode-charts-blue', hex: '#3794ff' },
  { cssVar: '--vscode-charts-orange', hex: '#d18616' },
  { cssVar: '--vscode-charts-green', hex: '#89d185' },
  { cssVar: '--vscode-charts-purple', hex: '#b180d7' },
  { cssVar: '--vscode-charts-yellow', hex: '#cca700' },
  { cssVar: '--vscode-charts-red', hex: '#f14c4c' },
];

/** The palette slot of the i-th variant (variants keep the sweep's order: main model first). */
export const variantSlot = (i: number) => i % VARIANT_PALETTE.length;

/** The report's colour for the i-th variant. */
export const variantHex = (i: number) => VARIANT_PALETTE[variantSlot(i)].hex;
