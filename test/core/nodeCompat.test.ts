// The trainer on Node 24, where @tensorflow/tfjs-node 4.22.0 breaks: it calls the legacy
// `util.isNullOrUndefined` & co., removed in Node 23 (fixed upstream in tensorflow/tfjs#8609, not yet
// released). The real package cannot be installed here (it downloads libtensorflow), so a stand-in
// makes the same calls when it loads, and registers no backend, as a broken native install would.
//
// Node 24 itself comes from the npm registry (the `node` package), fetched by scripts/ensure-node24.sh
// BEFORE the tests (`npm test` runs it first), and cached outside the repo's node_modules in
// <repo>/.cache/node24 (SPARSE_ATTENTION_NODE24_HOME moves it; SPARSE_ATTENTION_NODE24=<binary> uses a
// Node 24 you already have). This test never fetches: without the cached binary it fails in one line.
// Needs `npm run build` first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { LEGACY_UTIL_FUNCTIONS, addMissingLegacyUtil } from '../../src/core/train/legacyUtilShim';
import nodeUtil = require('node:util');

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const LEGACY = Object.keys(LEGACY_UTIL_FUNCTIONS);
/** Removed from `util` in Node 23 (isArray stays, deprecated). */
const REMOVED_IN_23 = LEGACY.filter((n) => n !== 'isArray');

/** The cached Node 24 binary (SPARSE_ATTENTION_NODE24, else what scripts/ensure-node24.sh installed). */
function cachedNode24(): string {
  const home = process.env.SPARSE_ATTENTION_NODE24_HOME ?? path.join(ROOT, '.cache', 'node24');
  const bin = process.env.SPARSE_ATTENTION_NODE24 || path.join(home, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const version = existsSync(bin) ? (spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 }).stdout ?? '').trim() : '';
  if (!/^v24\./.test(version)) {
    throw new Error(`no Node 24 at ${bin} (${version ? `it says ${version}` : 'missing'}): run bash scripts/ensure-node24.sh (npm test runs it first)`);
  }
  return bin;
}

/**
 * node_modules/@tensorflow/tfjs-node whose index.js, like the real 4.22.0, calls the legacy util.is*
 * functions as it loads, records the answers in $STAND_IN_MARKER, and registers no backend.
 */
function writeStandIn(root: string): string {
  const dir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '0.0.0-stand-in', main: 'index.js' }));
  writeFileSync(
    path.join(dir, 'index.js'),
    `const util = require('util');
const answers = {
  isArray: util.isArray([]) && !util.isArray({ length: 0 }),
  isBoolean: util.isBoolean(false) && !util.isBoolean(0),
  isBuffer: util.isBuffer(Buffer.alloc(1)) && !util.isBuffer(new Uint8Array(1)),
  isDate: util.isDate(new Date()) && !util.isDate(Date.now()),
  isError: util.isError(new TypeError('x')) && !util.isError({ message: 'x' }),
  isFunction: util.isFunction(() => 0) && !util.isFunction({}),
  isNull: util.isNull(null) && !util.isNull(undefined),
  isNullOrUndefined: util.isNullOrUndefined(null) && util.isNullOrUndefined(undefined) && !util.isNullOrUndefined(0),
  isNumber: util.isNumber(NaN) && !util.isNumber('1'),
  isObject: util.isObject({}) && !util.isObject(null) && !util.isObject(() => 0),
  isPrimitive: util.isPrimitive('s') && util.isPrimitive(null) && !util.isPrimitive({}),
  isRegExp: util.isRegExp(/x/) && !util.isRegExp('x'),
  isString: util.isString('') && !util.isString(String),
  isSymbol: util.isSymbol(Symbol()) && !util.isSymbol('s'),
  isUndefined: util.isUndefined(undefined) && !util.isUndefined(null),
};
require('fs').writeFileSync(process.env.STAND_IN_MARKER, JSON.stringify({ node: process.version, answers }));
`,
  );
  return path.join(root, 'node_modules');
}

function tinyExperiment(dir: string): string {
  const file = path.join(dir, 'tiny.experiment.json');
  writeFileSync(file, JSON.stringify({
    version: 1, name: 'tiny', task: { kind: 'majority', T: 8, s: 3 }, data: { trainSize: 200, testSize: 300 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 }, training: { learningRate: 0.01, maxSteps: 200, evalEvery: 20, targetAccuracy: 0.97 },
  }));
  return file;
}

describe('the trainer under Node 24', () => {
  let node24 = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-node24-'));
  const modules = writeStandIn(dir);
  const marker = path.join(dir, 'stand-in.json');
  const env = { ...process.env, SPARSE_ATTENTION_NATIVE_MODULES: modules, STAND_IN_MARKER: marker };
  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
    node24 = cachedNode24();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the stand-in reproduces the bug: on Node 24 without the shim it throws', () => {
    const r = spawnSync(node24, ['-e', `require(${JSON.stringify(path.join(modules, '@tensorflow/tfjs-node'))})`], { env, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /util\.isNullOrUndefined is not a function|util\.\w+ is not a function/);
  });

  it('`run --backend auto` loads the native package without the util error, then trains on WASM', { timeout: 180_000 }, () => {
    rmSync(marker, { force: true });
    const r = spawnSync(node24, [CLI, 'run', tinyExperiment(dir), '--json', '--backend', 'auto', '--out', path.join(dir, 'runs')], {
      cwd: dir, env, encoding: 'utf8', timeout: 150_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const started = lines.find((l) => l.type === 'started');
    assert.match(started.backendSkipped.join('\n'), /@tensorflow\/tfjs-node loaded but its backend did not start/);
    assert.doesNotMatch(started.backendSkipped.join('\n'), /is not a function/);
    const summary = lines[lines.length - 1];
    assert.equal(summary.type, 'summary');
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.backend, 'wasm');
    const seen = JSON.parse(readFileSync(marker, 'utf8'));
    assert.match(seen.node, /^v24\./);
    assert.deepEqual(Object.keys(seen.answers).sort(), [...LEGACY].sort());
    for (const [name, ok] of Object.entries(seen.answers)) assert.equal(ok, true, `util.${name} answered wrongly`);
  });

  it('util stays untouched through a WASM run; the native load adds exactly the removed functions', { timeout: 180_000 }, () => {
    const report = path.join(dir, 'util-report.json');
    const script = `
const util = require('util');
const missing = () => ${JSON.stringify(LEGACY)}.filter((n) => util[n] === undefined);
const { main } = require(${JSON.stringify(CLI)});
(async () => {
  const atStart = missing();
  const wasm = await main(['run', ${JSON.stringify(tinyExperiment(dir))}, '--json', '--backend', 'wasm', '--out', ${JSON.stringify(path.join(dir, 'runs'))}]);
  const afterWasm = missing();
  const isArray = util.isArray;
  const auto = await main(['run', ${JSON.stringify(tinyExperiment(dir))}, '--json', '--backend', 'auto', '--out', ${JSON.stringify(path.join(dir, 'runs'))}]);
  require('fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({ atStart, wasm, afterWasm, auto, afterNative: missing(), isArrayKept: util.isArray === isArray }));
  process.exit(0);
})();
`;
    const r = spawnSync(node24, ['-e', script], { cwd: dir, env, encoding: 'utf8', timeout: 150_000 });
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    assert.deepEqual(rep.atStart, REMOVED_IN_23);
    assert.equal(rep.wasm, 0);
    assert.deepEqual(rep.afterWasm, REMOVED_IN_23, 'a WASM-only run leaves util alone');
    assert.equal(rep.auto, 0);
    assert.deepEqual(rep.afterNative, []);
    assert.equal(rep.isArrayKept, true, 'the existing (deprecated) util.isArray is not replaced');
  });
});

describe('legacy util shim', () => {
  const samples: unknown[] = [
    null, undefined, 0, NaN, 1.5, '', 's', true, false, Symbol('s'), 10n, [], [1], {}, { length: 0 }, () => 0, function named() {},
    new Date(), /re/, new RegExp('x'), new Error('e'), new TypeError('t'), Object.create(Error.prototype), Buffer.alloc(2), new Uint8Array(2),
    Object.create(null), new Map(),
  ];

  it("matches Node 20's own legacy util functions on every sample", () => {
    const util = nodeUtil as unknown as Record<string, (v: unknown) => boolean>;
    for (const [name, fn] of Object.entries(LEGACY_UTIL_FUNCTIONS)) {
      assert.equal(typeof util[name], 'function', `this Node (${process.version}) still has util.${name} to compare with`);
      samples.forEach((v, i) => assert.equal(fn(v), util[name](v), `util.${name}(sample ${i})`));
    }
  });

  it('adds only the missing functions and never replaces one', () => {
    const own = () => true;
    const target: Record<string, unknown> = { isNumber: own, isArray: own, other: 1 };
    const added = addMissingLegacyUtil(target);
    assert.deepEqual(added.sort(), LEGACY.filter((n) => n !== 'isNumber' && n !== 'isArray').sort());
    assert.equal(target.isNumber, own);
    assert.equal(target.isArray, own);
    assert.equal(target.other, 1);
    assert.equal((target.isNullOrUndefined as (v: unknown) => boolean)(undefined), true);
    assert.deepEqual(addMissingLegacyUtil(target), [], 'a second call adds nothing');
  });

  it('touches util only when a native package is about to load', async () => {
    const util = nodeUtil as unknown as Record<string, unknown>;
    const removed = ['isNullOrUndefined', 'isBoolean'];
    const saved = Object.fromEntries(LEGACY.map((n) => [n, util[n]]));
    const root = mkdtempSync(path.join(tmpdir(), 'sa-shim-'));
    const marker = path.join(root, 'stand-in.json');
    try {
      for (const n of removed) delete util[n]; // as on Node 23+
      delete process.env.SPARSE_ATTENTION_NATIVE_MODULES;
      assert.equal((await selectBackend('cpu')).name, 'cpu');
      assert.equal((await selectBackend('auto')).name, 'wasm', 'no native package anywhere');
      for (const n of removed) assert.equal(util[n], undefined, `util.${n} still absent after CPU/WASM selection`);

      process.env.SPARSE_ATTENTION_NATIVE_MODULES = writeStandIn(root);
      process.env.STAND_IN_MARKER = marker;
      const info = await selectBackend('auto');
      assert.equal(info.name, 'wasm');
      assert.match(info.skipped.join('\n'), /tfjs-node loaded but its backend did not start/);
      for (const n of removed) assert.equal(util[n], LEGACY_UTIL_FUNCTIONS[n], `util.${n} added`);
      for (const n of LEGACY.filter((n) => !removed.includes(n))) assert.equal(util[n], saved[n], `util.${n} not replaced`);
      assert.ok(Object.values(JSON.parse(readFileSync(marker, 'utf8')).answers).every((ok) => ok === true));
    } finally {
      for (const n of LEGACY) util[n] = saved[n];
      delete process.env.SPARSE_ATTENTION_NATIVE_MODULES;
      delete process.env.STAND_IN_MARKER;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
