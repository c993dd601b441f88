// The set-up command's probe: the real bundled CLI spawned as the extension spawns it (SwiftShader
// from Debian's chromium package), its line turned into the one message the user reads.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { probeMessage, runGpuProbe } from '../../src/extension/gpuProbeRun';
import { launchPlan } from '../../src/extension/launchPlan';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const SWIFTSHADER = { LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };
const limits = { maxBufferSize: 1, maxStorageBufferBindingSize: 1 };

describe('GPU set-up probe', () => {
  it('finds SwiftShader through the CLI and says it is software, usable only with the allowance', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...SWIFTSHADER };
    delete env.SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU;
    const r = await runGpuProbe({ execPath: process.execPath, env, cliPath: CLI });
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.line.ok && r.line.adapter.architecture, 'swiftshader');
    const m = probeMessage(r.line);
    assert.equal(m.level, 'warning');
    assert.match(m.text, /only adapter is SwiftShader.*software on the CPU.*runs do not use it/);
    const allowed = await runGpuProbe({ execPath: process.execPath, env: { ...env, SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU: '1' }, cliPath: CLI });
    assert.ok(allowed.ok && allowed.line.usable);
    assert.match(probeMessage(allowed.line).text, /backend "webgpu" uses it.*"auto" never does/);
  });

  it('passes sparseAttention.gpuAdapter to the trainer as SPARSE_ATTENTION_GPU_ADAPTER', async () => {
    const plan = launchPlan({ cliPath: CLI, backend: 'webgpu', cwd: '.', gpuAdapter: 'NoSuchGpu' }, false);
    assert.equal(plan.env.SPARSE_ATTENTION_GPU_ADAPTER, 'NoSuchGpu');
    const r = await runGpuProbe({ execPath: plan.execPath, env: { ...plan.env, ...SWIFTSHADER }, cliPath: CLI });
    assert.ok(r.ok && !r.line.ok);
    assert.match(probeMessage(r.line).text, /no adapter was found: no WebGPU adapter named "NoSuchGpu"/);
  });

  it('a probe that cannot run names the cause in one line', async () => {
    const r = await runGpuProbe({ execPath: process.execPath, env: process.env, cliPath: '/nonexistent/cli.js' });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /^The GPU probe .* failed: .*Cannot find module/);
    assert.doesNotMatch(!r.ok ? r.message : '', /\n/);
    const gone = await runGpuProbe({ execPath: '/nonexistent/node', env: process.env, cliPath: CLI });
    assert.match(!gone.ok ? gone.message : '', /failed: \/nonexistent\/node was not found$/);
  });

  it('a hardware adapter: ready for auto and webgpu', () => {
    const m = probeMessage({ ok: true, usable: true, limits, adapter: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', software: false } });
    assert.deepEqual(m, { level: 'info', text: 'GPU backend ready: NVIDIA H200 (nvidia, hopper), a hardware adapter. Runs with backend "auto" or "webgpu" train on it.' });
  });
});
