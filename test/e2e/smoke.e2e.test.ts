// Proves the e2e harness on a throwaway probe extension: package a VSIX, install it into code-server,
// open the workbench in Chromium, run the probe's command from the palette, find its webview and
// check the canvas it painted. Run: node --import tsx --test test/e2e/smoke.e2e.test.ts
// The first run installs code-server (scripts/ensure-code-server.sh): a minute or two.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { canvasInkedPixels, clickActivityBar, findFrameWith, packageVsix, runCommand, screenshot, waitForFile } from './codeServer';
import { e2eSuite } from './e2eSuite';

const PROBE_COMMAND = 'E2E Probe: Hello';

/** A minimal extension: one command that opens a webview whose canvas has a red square on transparent. */
function writeProbeExtension(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'e2e-probe',
    displayName: 'E2E Probe',
    description: 'Throwaway extension that proves the e2e harness.',
    publisher: 'e2e',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.90.0' },
    main: './extension.js',
    activationEvents: [],
    contributes: { commands: [{ command: 'e2eProbe.hello', title: 'Hello', category: 'E2E Probe' }] },
  };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(dir, 'README.md'), '# E2E Probe\n\nThrowaway extension for the e2e harness smoke test.\n');
  writeFileSync(
    path.join(dir, 'extension.js'),
    `const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('e2eProbe.hello', () => {
    const panel = vscode.window.createWebviewPanel('e2eProbe', 'E2E Probe', vscode.ViewColumn.One, { enableScripts: true });
    panel.webview.html = \`<!DOCTYPE html><html><body>
<h1 id="probe-title">E2E Probe</h1>
<canvas id="probe-canvas" width="240" height="120" style="border:1px solid #888"></canvas>
<script>
  const ctx = document.getElementById('probe-canvas').getContext('2d');
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(60, 30, 120, 60);
  document.body.dataset.painted = 'yes';
</script></body></html>\`;
    // A file the test can wait for: proves the extension host ran the command.
    const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
    if (folder) fs.writeFileSync(path.join(folder.uri.fsPath, 'probe-ran.txt'), 'hello from the extension host\\n');
  }));
};
exports.deactivate = () => {};
`,
  );
}

describe('e2e harness smoke: code-server + Chromium + probe extension', () => {
  const suite = e2eSuite('sa-e2e-smoke-');
  const { phase, tmp, workspace } = suite;

  it('runs a palette command that opens a webview with a painted canvas', { timeout: 4 * 60_000 }, () =>
    suite.guard('smoke-failure', async () => {
      const vsix = await phase('package probe VSIX', () => {
        const dir = path.join(tmp, 'probe');
        writeProbeExtension(dir);
        return packageVsix(dir, path.join(tmp, 'e2e-probe.vsix'));
      });
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      writeFileSync(path.join(workspace, 'hello.txt'), 'a throwaway workspace\n');
      const page = await suite.open();

      await phase('activity bar', async () => {
        await clickActivityBar(page, 'Search');
        await clickActivityBar(page, 'Explorer');
      });
      await phase('run command', () => runCommand(page, PROBE_COMMAND, 60_000));
      const ran = await phase('wait for marker file', () => waitForFile(path.join(workspace, 'probe-ran.txt'), 30_000));
      assert.match(ran, /hello from the extension host/);

      const frame = await phase('find webview frame', () => findFrameWith(page, 'body[data-painted="yes"] #probe-canvas', 30_000));
      const inked = await canvasInkedPixels(frame, '#probe-canvas');
      assert.equal(inked, 120 * 60, 'the red square (120x60) is the only ink on a transparent canvas');
      const centre = await frame.$eval('#probe-canvas', (el) =>
        Array.from((el as HTMLCanvasElement).getContext('2d')!.getImageData(120, 60, 1, 1).data),
      );
      assert.deepEqual(centre, [255, 0, 0, 255]);

      const shot = await phase('screenshot', () => screenshot(page, 'smoke-probe-webview'));
      process.stderr.write(`[e2e] screenshot: ${shot}\n`);

      // A built-in command while the webview has focus: the palette must still open, and the panel go.
      await phase('close editors', async () => {
        assert.ok((await page.locator('iframe.webview').count()) > 0, 'the webview iframe is there before');
        await runCommand(page, 'View: Close All Editors');
        await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 15_000 });
      });

      await phase('stop', async () => {
        await suite.wb!.browser.close();
        suite.wb = undefined;
        const pid = suite.server!.pid;
        await suite.server!.stop();
        suite.server = undefined;
        assert.throws(() => process.kill(-pid, 0), /ESRCH/, 'no process of code-server’s group is left');
      });
    }));
});
