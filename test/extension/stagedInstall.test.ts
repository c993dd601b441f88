// The GPU set-up's all-or-nothing install against a fake `npm` on PATH: a complete install is moved
// into place (its hoisted dependencies carried inside it, nothing else replaced); a failed, cancelled
// or empty one leaves the previous state as it was and no staging folder behind.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { npmSpawn } from '../../src/extension/npmInstall';
import { stagedInstall } from '../../src/extension/stagedInstall';

/** A fake npm (a POSIX shell script): FAKE_NPM=ok|fail|unreachable|hang|empty; it always writes part of the package first. */
const FAKE_NPM = `#!/bin/sh
echo "$@" > "$FAKE_NPM_ARGS"
mkdir -p node_modules/webgpu
echo '{"name":"webgpu","version":"0.6.2"}' > node_modules/webgpu/package.json.partial
case "$FAKE_NPM" in
  fail) echo "npm error code E404" >&2; exit 1 ;;
  unreachable) echo "npm error getaddrinfo ENOTFOUND registry.npmjs.org" >&2; exit 1 ;;
  hang) echo "started"; sleep 30; exit 0 ;;
  empty) rm -rf node_modules; echo "up to date"; exit 0 ;;
esac
mv node_modules/webgpu/package.json.partial node_modules/webgpu/package.json
mkdir -p node_modules/debug node_modules/@webgpu/types
echo '{"name":"debug","version":"4.4.0"}' > node_modules/debug/package.json
echo '{"name":"@webgpu/types","version":"0.1.72"}' > node_modules/@webgpu/types/package.json
echo "added 4 packages"
`;

function setup(mode: string) {
  const root = mkdtempSync(path.join(tmpdir(), 'sa-staged-'));
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'npm'), FAKE_NPM);
  chmodSync(path.join(bin, 'npm'), 0o755);
  const storage = path.join(root, 'storage');
  const modulesDir = path.join(storage, 'native', 'node_modules');
  // What an earlier set-up left: tfjs-node's own `debug`, an older webgpu, and the folder's package.json.
  mkdirSync(path.join(modulesDir, 'debug'), { recursive: true });
  writeFileSync(path.join(modulesDir, 'debug', 'package.json'), '{"name":"debug","version":"3.0.0"}');
  mkdirSync(path.join(modulesDir, 'webgpu'));
  writeFileSync(path.join(modulesDir, 'webgpu', 'package.json'), '{"name":"webgpu","version":"0.6.1"}');
  writeFileSync(path.join(storage, 'native', 'package.json'), '{"private":true,"dependencies":{"@tensorflow/tfjs-node":"4.22.0"}}\n');
  const argsFile = path.join(root, 'args');
  const env = { ...process.env, PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin`, FAKE_NPM: mode, FAKE_NPM_ARGS: argsFile };
  return { root, storage, modulesDir, env, argsFile };
}

const version = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
/** Nothing but the native folder itself is left in the storage folder (no staging, no old copies). */
const leftovers = (storage: string) => readdirSync(storage).filter((e) => e !== 'native');
const install = (s: ReturnType<typeof setup>, signal?: AbortSignal, onLine?: (l: string) => void) =>
  stagedInstall({ modulesDir: s.modulesDir, name: 'webgpu', version: '0.6.2', env: s.env, signal, onLine });

describe('staged install', () => {
  it('moves a complete install into place, its dependencies inside it, and records it', async () => {
    const s = setup('ok');
    const r = await install(s);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.match(readFileSync(s.argsFile, 'utf8'), /^install .*webgpu@0\.6\.2/);
    assert.equal(version(path.join(s.modulesDir, 'webgpu')), '0.6.2');
    assert.equal(version(path.join(s.modulesDir, 'webgpu', 'node_modules', 'debug')), '4.4.0');
    assert.ok(existsSync(path.join(s.modulesDir, 'webgpu', 'node_modules', '@webgpu', 'types', 'package.json')));
    assert.equal(version(path.join(s.modulesDir, 'debug')), '3.0.0', "another package's dependency is never replaced");
    assert.deepEqual(readdirSync(s.modulesDir).sort(), ['debug', 'webgpu']);
    const pkg = JSON.parse(readFileSync(path.join(s.storage, 'native', 'package.json'), 'utf8'));
    assert.deepEqual(pkg.dependencies, { '@tensorflow/tfjs-node': '4.22.0', webgpu: '0.6.2' });
    assert.deepEqual(leftovers(s.storage), []);
  });

  for (const mode of ['fail', 'unreachable', 'empty']) {
    it(`npm ${mode}: the previous install stays as it was, nothing staged is left`, async () => {
      const s = setup(mode);
      const before = readFileSync(path.join(s.storage, 'native', 'package.json'), 'utf8');
      const r = await install(s);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.kind, 'failed');
      if (mode === 'unreachable') assert.match(r.output, /ENOTFOUND/);
      if (mode === 'empty') assert.match(!r.ok ? r.message : '', /installed no webgpu/);
      assert.equal(version(path.join(s.modulesDir, 'webgpu')), '0.6.1');
      assert.deepEqual(readdirSync(path.join(s.modulesDir, 'webgpu')), ['package.json']);
      assert.equal(readFileSync(path.join(s.storage, 'native', 'package.json'), 'utf8'), before);
      assert.deepEqual(leftovers(s.storage), []);
    });
  }

  it('cancelled: npm is killed, the previous install stays', async () => {
    const s = setup('hang');
    const abort = new AbortController();
    const r = await install(s, abort.signal, (line) => line === 'started' && abort.abort());
    assert.equal(!r.ok && r.kind, 'cancelled');
    assert.equal(version(path.join(s.modulesDir, 'webgpu')), '0.6.1');
    assert.deepEqual(leftovers(s.storage), []);
  });

  it('no npm on PATH: npm-missing, nothing changed', async () => {
    const s = setup('ok');
    const r = await stagedInstall({ modulesDir: s.modulesDir, name: 'webgpu', version: '0.6.2', env: { ...s.env, PATH: path.join(s.root, 'nothing') } });
    assert.equal(!r.ok && r.kind, 'npm-missing');
    assert.equal(version(path.join(s.modulesDir, 'webgpu')), '0.6.1');
    assert.deepEqual(leftovers(s.storage), []);
  });
});

describe('npmSpawn', () => {
  it('goes through cmd.exe on Windows with every argument quoted, and refuses anything else', () => {
    assert.deepEqual(npmSpawn(['install', 'webgpu@0.6.2'], 'linux'), { command: 'npm', args: ['install', 'webgpu@0.6.2'], shell: false });
    assert.deepEqual(npmSpawn(['install', 'webgpu@0.6.2'], 'win32'), { command: 'npm.cmd', args: ['"install"', '"webgpu@0.6.2"'], shell: true });
    assert.throws(() => npmSpawn(['install', 'a & calc'], 'win32'), /refusing to pass/);
  });
});
