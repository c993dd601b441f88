// scripts/ensure-system-packages.sh, which `npm test` runs first: silent when everything is there,
// the exact apt-get command when something is missing and it may not install, and one apt-get
// update + install of exactly the missing packages as root. apt-get is a fake on PATH that records
// its arguments, so nothing is installed; a missing package is simulated with SA_CHECK_EXTRA.
// Run: node --import tsx --test test/core/systemPackages.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'ensure-system-packages.sh');
const FAKE = 'sa-no-such-command-4821:sa-fake-package';

describe('ensure-system-packages.sh', () => {
  let dir: string;
  let calls: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'system-packages-'));
    calls = path.join(dir, 'apt-calls');
    const fake = path.join(dir, 'apt-get');
    writeFileSync(fake, `#!/bin/sh\necho "$*" >> "${calls}"\n`);
    chmodSync(fake, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (env: Record<string, string>) => {
    rmSync(calls, { force: true });
    const r = spawnSync('bash', [SCRIPT], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env }, timeout: 30_000 });
    return { status: r.status, stderr: r.stderr, stdout: r.stdout, apt: existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [] };
  };

  it('says nothing and calls no apt-get when everything is installed', () => {
    const r = run({ SA_CHECK_EXTRA: 'node:nodejs' });
    assert.equal(r.stderr, '', 'a missing system package on this machine? install what it names');
    assert.equal(r.status, 0);
    assert.deepEqual(r.apt, []);
  });

  it('without permission to install, stops and prints the exact command', () => {
    const r = run({ SA_CHECK_EXTRA: FAKE, SA_NO_APT: '1' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^\[setup\] missing Debian packages: sa-fake-package \(needed by SA_CHECK_EXTRA\)/);
    assert.ok(r.stderr.split('\n').includes('  sudo apt-get install -y sa-fake-package'), r.stderr);
    assert.deepEqual(r.apt, [], 'apt-get is never called');
    assert.equal(r.stdout, '');
  });

  it('as root, runs apt-get update once and installs exactly the missing packages, with one line saying so', () => {
    // SA_UID=0: the root path with the stand-in apt-get, whoever runs the tests.
    const r = run({ SA_CHECK_EXTRA: `${FAKE} node:nodejs sa-other-missing-9137:sa-fake-package`, SA_UID: '0' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '[setup] installing missing Debian packages: sa-fake-package (needed by SA_CHECK_EXTRA)\n');
    assert.deepEqual(r.apt, ['update -qq', 'install -y -qq sa-fake-package']);
  });
});
