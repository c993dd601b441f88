// Checks the house rules (rules.ts) with the TypeScript compiler's parser: functions and files over
// the line limits, and imports that cross rooms the wrong way. Used by test/house/*.test.ts (part of
// `npm test`) and runnable alone: `node --import tsx scripts/house/check.ts [root]` prints one line
// per violation (`file:line name (N lines)`, `file:line imports X`) and exits 1 if there is any.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { CHECKED_DIRS, IMPORT_RULES, type ImportRule, MAX_FILE_LINES, MAX_FUNCTION_LINES } from './rules';

export interface Violation {
  /** Repository-relative, with forward slashes. */
  file: string;
  line: number;
  text: string;
}

export const formatViolation = (v: Violation): string => `${v.file}:${v.line} ${v.text}`;

/** Every .ts/.tsx file (declaration files aside) under the given folders of `root`, repository-relative. */
export function sourceFiles(root: string, dirs: string[] = CHECKED_DIRS): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const child = `${rel}/${name}`;
      if (statSync(path.join(root, child)).isDirectory()) walk(child);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(child);
    }
  };
  dirs.forEach(walk);
  return out;
}

const parse = (root: string, file: string) =>
  ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);

/** Lines of a text, a final newline not counting as one more. */
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

type FunctionNode = ts.FunctionLikeDeclaration;

function isFunction(node: ts.Node): node is FunctionNode {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

/** What a reader calls the function: its own name, the variable or property it is assigned to, or its class's. */
function functionName(node: FunctionNode, sf: ts.SourceFile): string {
  const owner = node.parent && (ts.isClassLike(node.parent) ? node.parent.name?.getText(sf) : undefined);
  if (ts.isConstructorDeclaration(node)) return `${owner ?? 'class'}.constructor`;
  if (node.name) return owner ? `${owner}.${node.name.getText(sf)}` : node.name.getText(sf);
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) return p.name.getText(sf);
  if (p && ts.isBinaryExpression(p)) return p.left.getText(sf);
  if (p && ts.isCallExpression(p)) {
    const callee = ts.isPropertyAccessExpression(p.expression) ? p.expression.name.text : p.expression.getText(sf).replace(/\s+/g, ' ').slice(0, 40);
    return `(callback of ${callee})`;
  }
  return '(anonymous)';
}

/** Functions over MAX_FUNCTION_LINES and files over MAX_FILE_LINES. */
export function lengthViolations(root: string, files: string[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const sf = parse(root, file);
    const lines = lineCount(sf.text);
    if (lines > MAX_FILE_LINES) out.push({ file, line: 1, text: `file (${lines} lines)` });
    const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
    const visit = (node: ts.Node) => {
      if (isFunction(node) && node.body) {
        const first = lineOf(node.getStart(sf));
        const length = lineOf(node.end) - first + 1;
        if (length > MAX_FUNCTION_LINES) out.push({ file, line: first, text: `${functionName(node, sf)} (${length} lines)` });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** Every module a file names: import/export … from, import x = require(), require() and import() calls. */
export function importsOf(sf: ts.SourceFile): { line: number; specifier: string }[] {
  const out: { line: number; specifier: string }[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteralLike(spec)) out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, specifier: spec.text });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A specifier as the rules see it: a repository-relative path for relative imports, else the package name. */
export function importTarget(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

const matches = (target: string, never: string) =>
  never.endsWith('/') ? `${target}/`.startsWith(never) : target === never || target.startsWith(`${never}/`);

/** Imports that a rule forbids, in file order. */
export function importViolations(root: string, files: string[], rules: ImportRule[] = IMPORT_RULES): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const applying = rules.filter((r) => file.startsWith(r.from) && !(r.except && file in r.except));
    if (!applying.length) continue;
    for (const { line, specifier } of importsOf(parse(root, file))) {
      const target = importTarget(file, specifier);
      if (applying.some((r) => r.never.some((n) => matches(target, n)))) out.push({ file, line, text: `imports ${target}` });
    }
  }
  return out;
}

/** Both checks over the repository at `root`. */
export function houseViolations(root: string): Violation[] {
  const files = sourceFiles(root);
  return [...lengthViolations(root, files), ...importViolations(root, files)];
}

if (require.main === module) {
  const found = houseViolations(path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..')));
  for (const v of found) process.stdout.write(`${formatViolation(v)}\n`);
  process.exitCode = found.length ? 1 : 0;
}
