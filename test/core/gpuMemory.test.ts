// On WebGPU the device bounds an ensemble (issue 21): one tensor per buffer binding, all of a step's
// tensors within the free memory, at most MAX_GPU_ENSEMBLE members; the sweep plans from it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { MAX_ENSEMBLE, memberStepBytes } from '../../src/core/train/ensembleTraining';
import { GPU_MEMORY_ENV, MAX_GPU_ENSEMBLE, deviceBudget, freeDeviceBytes, gpuMemoryProblem, gpuMembersWithin, memberLargestTensorBytes } from '../../src/core/train/gpuMemory';
import { capacityLine, ensembleCapacity } from '../../src/trainer/ensembleCapacity';
import type { GpuAdapter } from '../../src/protocol/runEvents';

/** The full protocol's largest context length (examples/and-sweep-full.sweep.json): T = 500, m up to 100, full batch. */
const protocolSpec = (T = 500, m = 100, layers = 1) =>
  ExperimentSchema.parse({
    version: 1,
    name: 'p',
    task: { kind: 'and', T, s: 3, inputBias: 'balanced' },
    data: { trainSize: m, testSize: 1000 },
    model: { arch: 'transformer', layers, heads: 16, dModel: 64, mlpRatio: 1, init: 'normal-0.02' },
    training: { learningRate: 0.001, weightDecay: 0.0001, batchSize: 'full', maxSteps: 1000, evalEvery: 50 },
    seed: 0,
  });

const GiB = 2 ** 30;
const hardware: GpuAdapter = { vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon', software: false };
const software: GpuAdapter = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', software: true };
const probe = (adapter: GpuAdapter, binding = 2 * GiB) => ({ adapter, limits: { maxBufferSize: binding, maxStorageBufferBindingSize: binding } });

describe('ensembles sized for a GPU', () => {
  it('one tabulated layer has no per-token tensor: its largest is the attention over the positions', () => {
    assert.equal(memberLargestTensorBytes(protocolSpec()), 4 * 100 * 16 * 501);
    // Two layers attend every query row: B·n·H·n (m = 50: at m = 100 the schema refuses two layers, ~19 GiB a step).
    assert.equal(memberLargestTensorBytes(protocolSpec(500, 50, 2)), 4 * 50 * 501 * 16 * 501);
  });

  it('holds every (m, seed) of a protocol context length (500 members) on a large GPU, beyond the WASM cap', () => {
    const budget = { bytes: 110 * GiB, bindingBytes: 2 * GiB, source: 'test' };
    const K = gpuMembersWithin(protocolSpec(), budget);
    assert.ok(K >= 500 && K > MAX_ENSEMBLE, `only ${K} members`);
    assert.equal(gpuMemoryProblem(protocolSpec(), 500, budget), undefined);
  });

  it('is bounded by free memory, by one buffer binding, and by MAX_GPU_ENSEMBLE', () => {
    const spec = protocolSpec();
    const byMemory = { bytes: 10 * memberStepBytes(spec) + 64 * 2 ** 20, bindingBytes: 8 * GiB, source: 'test' };
    assert.equal(gpuMembersWithin(spec, byMemory), 10);
    const byBinding = { bytes: 1000 * GiB, bindingBytes: 7 * memberLargestTensorBytes(spec), source: 'test' };
    assert.equal(gpuMembersWithin(spec, byBinding), 7);
    const tiny = protocolSpec(10, 10);
    assert.equal(gpuMembersWithin(tiny, { bytes: 1000 * GiB, bindingBytes: 8 * GiB, source: 'test' }), MAX_GPU_ENSEMBLE);
    assert.equal(gpuMembersWithin(spec, { bytes: 1, bindingBytes: 1, source: 'test' }), 1, 'at least one member');
  });

  it('keeps a two-layer ensemble\'s batched attention within one WebGPU dispatch (member · sample · head ≤ 65535)', () => {
    const huge = { bytes: 1000 * GiB, bindingBytes: 8 * GiB, source: 'test' };
    // Two layers attend from every row: 40 samples × 16 heads per member → at most 102 members.
    assert.equal(gpuMembersWithin(protocolSpec(10, 40, 2), huge), Math.floor(65535 / (40 * 16)));
    // One tabulated layer multiplies member · head matrices only: the cap is MAX_GPU_ENSEMBLE.
    assert.equal(gpuMembersWithin(protocolSpec(10, 40, 1), huge), MAX_GPU_ENSEMBLE);
  });

  it('names what does not fit: the members asked for, the most that fit, and where the budget came from', () => {
    const spec = protocolSpec();
    const budget = { bytes: 10 * memberStepBytes(spec) + 64 * 2 ** 20, bindingBytes: 8 * GiB, source: 'nvidia-smi' };
    const problem = gpuMemoryProblem(spec, 64, budget);
    assert.match(problem ?? '', /^64 members need more than this GPU offers \(at most 10 fit: \d+ MiB usable, from nvidia-smi/);
    assert.equal(gpuMemoryProblem(spec, 10, budget), undefined);
  });

  it('estimates free memory: the override, the host for a software adapter, else an assumption that says so', () => {
    assert.deepEqual(freeDeviceBytes(hardware, { [GPU_MEMORY_ENV]: '24' }), { bytes: 24 * GiB, source: `${GPU_MEMORY_ENV}=24` });
    assert.match(freeDeviceBytes(software, {}).source, /host's free memory/);
    const unknown = freeDeviceBytes(hardware, {});
    assert.equal(unknown.bytes, 4 * GiB);
    assert.match(unknown.source, new RegExp(`assumed .*${GPU_MEMORY_ENV}`));
    assert.equal(freeDeviceBytes(hardware, { [GPU_MEMORY_ENV]: 'lots' }).bytes, 4 * GiB, 'a bad override is ignored');
    const budget = deviceBudget(probe(hardware, 3 * GiB), { [GPU_MEMORY_ENV]: '10' });
    assert.equal(budget.bytes, Math.floor(0.8 * 10 * GiB));
    assert.equal(budget.bindingBytes, 3 * GiB);
  });
});

describe('the sweep\'s ensemble capacity', () => {
  it('on webgpu with a hardware adapter: from the device, and says so', async () => {
    process.env[GPU_MEMORY_ENV] = '100';
    try {
      const c = await ensembleCapacity('auto', 'webgpu', async () => probe(hardware));
      assert.ok(c.gpu);
      assert.ok(c.maxMembers(protocolSpec()) >= 500);
      assert.match(capacityLine(c) ?? '', /^ensembles on WebGPU · AMD Radeon \(amd, rdna-3\): 81920 MiB usable \(from SPARSE_ATTENTION_GPU_MEMORY=100\)/);
      const fixed = await ensembleCapacity(200, 'webgpu', async () => probe(hardware));
      assert.equal(fixed.maxMembers(protocolSpec()), 200);
    } finally {
      delete process.env[GPU_MEMORY_ENV];
    }
  });

  it('never plans for a software adapter under auto, nor without the allowance', async () => {
    const auto = await ensembleCapacity('auto', 'auto', async () => probe(software));
    assert.equal(auto.gpu, undefined);
    assert.equal(auto.maxMembers(protocolSpec(10, 10)), MAX_ENSEMBLE);
    delete process.env.SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU;
    assert.equal((await ensembleCapacity('auto', 'webgpu', async () => probe(software))).gpu, undefined);
    process.env.SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU = '1';
    try {
      assert.ok((await ensembleCapacity('auto', 'webgpu', async () => probe(software))).gpu);
    } finally {
      delete process.env.SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU;
    }
  });

  it('on WASM, or when no adapter answers: the heap bound and the 64-member cap', async () => {
    const wasm = await ensembleCapacity('auto', 'wasm', async () => probe(hardware));
    assert.equal(wasm.gpu, undefined);
    assert.equal(wasm.maxMembers(protocolSpec(10, 10)), MAX_ENSEMBLE);
    const none = await ensembleCapacity('auto', 'webgpu', async () => {
      throw new Error('WebGPU found no GPU adapter');
    });
    assert.equal(none.gpu, undefined);
    assert.equal(capacityLine(none), undefined);
  });
});
