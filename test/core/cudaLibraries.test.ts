// tfjs-node-gpu without its CUDA 11 libraries: which are missing, the one line that says so, and
// backend selection with a stand-in package that fails the way a dlopen failure surfaces from a
// native addon (the real package cannot be installed here: it downloads libtensorflow).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackendUnavailable, selectBackend } from '../../src/core/train/backend';
import { CUDA_11_LIBRARIES, cudaDiagnosis, libraryInError, missingCudaLibraries } from '../../src/core/train/cudaLibraries';
import { writeStandInGpuPackage } from './standInGpuPackage';

const DLOPEN_ERROR = 'libcudart.so.11.0: cannot open shared object file: No such file or directory';

describe('missingCudaLibraries', () => {
  it('lists what the finder does not find, in TensorFlow order, the driver first', () => {
    const present = new Set(['libcuda.so.1', 'libcublas.so.11', 'libcublasLt.so.11', 'libcufft.so.10', 'libcurand.so.10', 'libcusolver.so.11', 'libcusparse.so.11']);
    const find = (s: string): string | undefined => (present.has(s) ? `/x/${s}` : undefined);
    assert.deepEqual(missingCudaLibraries(find), ['libcudart.so.11.0', 'libcudnn.so.8']);
    assert.deepEqual(missingCudaLibraries(() => undefined), ['libcuda.so.1', ...Object.keys(CUDA_11_LIBRARIES)]);
    assert.deepEqual(missingCudaLibraries((s) => `/x/${s}`), []);
  });

  it('covers the eight libraries libtensorflow 2.9.1 (CUDA 11.2, cuDNN 8.1) opens', () => {
    assert.deepEqual(Object.keys(CUDA_11_LIBRARIES).sort(), [
      'libcublas.so.11', 'libcublasLt.so.11', 'libcudart.so.11.0', 'libcudnn.so.8',
      'libcufft.so.10', 'libcurand.so.10', 'libcusolver.so.11', 'libcusparse.so.11',
    ]);
  });
});

describe('cudaDiagnosis', () => {
  it('is one line naming the missing libraries, their wheels, and WebGPU as needing none', () => {
    const line = cudaDiagnosis(undefined, ['libcudart.so.11.0', 'libcudnn.so.8']);
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /missing libcudart\.so\.11\.0, libcudnn\.so\.8:/);
    assert.match(line, /CUDA 11\.2 runtime and cuDNN 8\.1/);
    assert.match(line, /nvidia-cuda-runtime-cu11 'nvidia-cudnn-cu11==8\.\*'/);
    assert.doesNotMatch(line, /nvidia-cublas-cu11|no NVIDIA driver/);
    assert.match(line, /--backend webgpu, or the setting sparseAttention\.backend = webgpu$/);
  });

  it('puts the library a load error names first, once, and names a missing driver', () => {
    const line = cudaDiagnosis(`Error: ${DLOPEN_ERROR}\n    at Module._extensions..node`, ['libcuda.so.1', 'libcudnn.so.8', 'libcudart.so.11.0']);
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /no NVIDIA driver \(libcuda\.so\.1 not found\); missing libcudart\.so\.11\.0, libcudnn\.so\.8:/);
    assert.equal(line.split('libcudart.so.11.0').length, 2);
  });

  it('with nothing seen missing, says what TensorFlow needs and claims nothing found or missing', () => {
    const line = cudaDiagnosis(undefined, [], 'lead');
    assert.match(line, /^lead: TensorFlow found no usable GPU \(it needs an NVIDIA driver, CUDA 11\.2 and cuDNN 8\.1/);
    assert.doesNotMatch(line, /missing/);
    assert.match(line, /webgpu/);
  });

  it('reads the library out of dlopen and TensorFlow messages', () => {
    assert.equal(libraryInError(DLOPEN_ERROR), 'libcudart.so.11.0');
    assert.equal(libraryInError("Could not load dynamic library 'libcudnn.so.8'; dlerror: x"), 'libcudnn.so.8');
    assert.equal(libraryInError('libtensorflow.so.2: cannot open shared object file'), undefined);
    assert.equal(libraryInError(undefined), undefined);
  });
});

/** node_modules/@tensorflow/tfjs-node-gpu whose loading fails as its binding does without libcudart. */
const writeFailingGpuPackage = (root: string) => writeStandInGpuPackage(root, { throws: DLOPEN_ERROR });

describe('backend selection with a tfjs-node-gpu that cannot load libcudart.so.11.0', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sa-cuda-'));
  before(() => {
    process.env.SPARSE_ATTENTION_NATIVE_MODULES = writeFailingGpuPackage(root);
  });
  after(() => {
    delete process.env.SPARSE_ATTENTION_NATIVE_MODULES;
    rmSync(root, { recursive: true, force: true });
  });

  it('--backend tensorflow-gpu is refused with one line naming the library and WebGPU', async () => {
    await assert.rejects(selectBackend('tensorflow-gpu'), (err: Error) => {
      assert.ok(err instanceof BackendUnavailable);
      assert.doesNotMatch(err.message, /\n/);
      assert.match(err.message, /^backend "tensorflow-gpu" is not available: @tensorflow\/tfjs-node-gpu cannot use the GPU: .*missing libcudart\.so\.11\.0/);
      assert.match(err.message, /--backend webgpu/);
      return true;
    });
  });

  it('auto falls back past it (no Vulkan here: to WASM) and says which library was missing', async () => {
    const info = await selectBackend('auto');
    assert.equal(info.name, 'wasm');
    assert.match(info.skipped[0], /^@tensorflow\/tfjs-node-gpu cannot use the GPU: .*missing libcudart\.so\.11\.0.*webgpu/);
    assert.match(info.skipped[1], /^webgpu: /);
    assert.match(info.skipped[2], /@tensorflow\/tfjs-node is not available/);
  });
});

/** A tfjs-node-gpu that loads and registers "tensorflow" but, like libtensorflow without CUDA, uses no GPU. */
const writeCpuOnlyGpuPackage = (root: string) => writeStandInGpuPackage(root, { isUsingGpuDevice: 'false' });

// After the failing stand-in above: once this one registers "tensorflow" it stays in the process.
describe('backend selection with a tfjs-node-gpu that loads but finds no GPU', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sa-cuda-cpu-'));
  before(() => {
    process.env.SPARSE_ATTENTION_NATIVE_MODULES = writeCpuOnlyGpuPackage(root);
  });
  after(() => {
    delete process.env.SPARSE_ATTENTION_NATIVE_MODULES;
    rmSync(root, { recursive: true, force: true });
  });

  it('auto names the missing libraries, tries WebGPU next, then takes its CPU kernels as "tensorflow"', async () => {
    const info = await selectBackend('auto');
    assert.equal(info.name, 'tensorflow');
    const lead = '@tensorflow/tfjs-node-gpu loaded but TensorFlow found no usable GPU (it runs on its CPU kernels)';
    assert.equal(info.skipped[0], cudaDiagnosis(undefined, missingCudaLibraries(), lead));
    assert.match(info.skipped[1], /^webgpu: /);
    assert.equal(info.skipped.length, 2);
  });

  it('--backend tensorflow-gpu is refused with that line', async () => {
    await assert.rejects(selectBackend('tensorflow-gpu'), (err: Error) => {
      assert.ok(err instanceof BackendUnavailable);
      assert.doesNotMatch(err.message, /\n/);
      assert.match(err.message, /found no usable GPU \(it runs on its CPU kernels\): .*--backend webgpu/);
      return true;
    });
  });
});
