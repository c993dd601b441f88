// `sparse-attention gpu-probe`: through the built bin on SwiftShader (Debian's chromium package) and
// with the Vulkan driver pointing nowhere; the package-missing path with an injected resolver (the
// `webgpu` package is in our own node_modules, so it cannot be made unresolvable from outside).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { GpuProbeLine } from '../../src/protocol/gpuProbe';
import { type GpuProbeDeps, gpuProbeCommand, parseAdapterName } from '../../src/trainer/gpuProbeCommand';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const SWIFTSHADER = { LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };

function probe(args: string[], env: Record<string, string>, bin = BIN) {
  const base = { ...process.env };
  delete base.SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU;
  delete base.SPARSE_ATTENTION_GPU_ADAPTER;
  return spawnSync(process.execPath, [bin, 'gpu-probe', ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
}
/** Our own lines (Dawn itself may print "Warning: Couldn't load Vulkan…" on stderr). */
const ours = (s: string) => s.split('\n').filter((l) => l.startsWith('error:') || l.startsWith('WebGPU adapter:'));

describe('gpu-probe', () => {
  it('on SwiftShader: a software adapter, refused (exit 2) without the allowance', () => {
    const r = probe([], SWIFTSHADER);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = ours(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^WebGPU adapter: SwiftShader.* \(google, swiftshader\) — software, on the CPU: used only with SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU=1$/);
  });

  it('on SwiftShader with SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU=1: usable (exit 0), one valid JSON line', () => {
    const r = probe(['--json'], { ...SWIFTSHADER, SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU: '1' });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.equal(out.length, 1);
    const line = GpuProbeLine.parse(JSON.parse(out[0]));
    assert.ok(line.ok);
    assert.equal(line.usable, true);
    assert.equal(line.adapter.architecture, 'swiftshader');
    assert.equal(line.adapter.software, true);
    assert.ok(line.limits.maxBufferSize > 0);
  });

  it('with no Vulkan driver: exit 2, one line naming the driver', () => {
    const r = probe([], { VK_ICD_FILENAMES: '/nonexistent', LD_LIBRARY_PATH: '/usr/lib/chromium' });
    assert.equal(r.status, 2);
    const lines = ours(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: WebGPU found no GPU adapter: install the GPU driver/);
    const json = probe(['--json'], { VK_ICD_FILENAMES: '/nonexistent', LD_LIBRARY_PATH: '/usr/lib/chromium' });
    assert.equal(json.status, 2);
    const line = GpuProbeLine.parse(JSON.parse(json.stdout.trim()));
    assert.equal(line.ok, false);
    assert.equal(line.cause, 'no-adapter');
  });

  it('--adapter naming none Dawn has: exit 2, one line listing what it has', () => {
    const r = probe(['--adapter', 'NoSuchGpu'], SWIFTSHADER);
    assert.equal(r.status, 2);
    const lines = ours(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: no WebGPU adapter named "NoSuchGpu": .*SwiftShader/);
  });

  it('rejects an empty or control-character --adapter with one line', () => {
    assert.throws(() => parseAdapterName('  '), /non-empty adapter name/);
    assert.throws(() => parseAdapterName('a\nb'), /control characters/);
    assert.equal(parseAdapterName(' NVIDIA '), 'NVIDIA');
    const r = probe(['--adapter', ''], {});
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--adapter <name>' argument '' is invalid\. must be a non-empty adapter name/);
  });

  it('package missing (the bundle copied where no node_modules has webgpu): exit 2, one line saying how to install it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-noweb-'));
    copyFileSync(CLI, path.join(dir, 'cli.js'));
    mkdirSync(path.join(dir, 'empty'));
    const r = probe([], { SPARSE_ATTENTION_NATIVE_MODULES: path.join(dir, 'empty') }, path.join(dir, 'cli.js'));
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: the "webgpu" package is not installed: run "Sparse Attention: Set Up GPU Backend" in the editor, or `npm install webgpu@0\.6\.2`/);
  });

  it('package missing (injected resolver): never probes; --json says package-missing', async () => {
    const written: string[] = [];
    let probed = false;
    const deps: GpuProbeDeps = {
      resolve: () => ({ why: "Cannot find module 'webgpu'" }),
      probe: async () => {
        probed = true;
        throw new Error('unreachable');
      },
      allowSoftware: () => true,
      write: (stream, line) => written.push(`${stream}:${line}`),
    };
    assert.equal(await gpuProbeCommand({}, deps), 2);
    assert.equal(probed, false);
    assert.deepEqual(written.length, 1);
    assert.match(written[0], /^stderr:error: the "webgpu" package is not installed: run "Sparse Attention: Set Up GPU Backend".*npm install webgpu@0\.6\.2/);
    written.length = 0;
    assert.equal(await gpuProbeCommand({ json: true }, deps), 2);
    const line = GpuProbeLine.parse(JSON.parse(written[0].slice('stdout:'.length)));
    assert.equal(line.ok === false && line.cause, 'package-missing');
  });

  it('a hardware adapter is usable without the allowance (injected probe)', async () => {
    const written: string[] = [];
    const deps: GpuProbeDeps = {
      resolve: () => ({ file: '/x/webgpu/index.js' }),
      probe: async () => ({ adapter: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', software: false }, limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 1 } }),
      allowSoftware: () => false,
      write: (stream, line) => written.push(`${stream}:${line}`),
    };
    assert.equal(await gpuProbeCommand({}, deps), 0);
    assert.deepEqual(written, ['stdout:WebGPU adapter: NVIDIA H200 (nvidia, hopper) — hardware: `--backend auto` and `--backend webgpu` use it']);
  });
});
