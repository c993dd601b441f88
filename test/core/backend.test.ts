// Backend selection with stand-ins for the native packages (the real ones cannot be installed
// here: they download libtensorflow at install time). A stand-in registers a "tensorflow" backend,
// as @tensorflow/tfjs-node(-gpu) does, whose isUsingGpuDevice answers like the native binding.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selectBackend } from '../../src/core/train/backend';
import { writeStandInGpuPackage } from './standInGpuPackage';

/** node_modules/@tensorflow/tfjs-node-gpu whose GPU device is present when FAKE_CUDA_DEVICE=1. */
const writeFakeGpuPackage = (root: string) => writeStandInGpuPackage(root, { isUsingGpuDevice: "process.env.FAKE_CUDA_DEVICE === '1'" });

describe('backend selection', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sa-backend-'));
  before(() => {
    process.env.SPARSE_ATTENTION_NATIVE_MODULES = writeFakeGpuPackage(root);
  });
  after(() => {
    delete process.env.SPARSE_ATTENTION_NATIVE_MODULES;
    delete process.env.FAKE_CUDA_DEVICE;
    rmSync(root, { recursive: true, force: true });
  });

  it('auto picks the GPU package when TensorFlow sees a GPU device', async () => {
    process.env.FAKE_CUDA_DEVICE = '1';
    const info = await selectBackend('auto');
    assert.equal(info.name, 'tensorflow-gpu');
    assert.equal(tf.getBackend(), 'tensorflow');
  });

  it('auto says "tensorflow" (CPU kernels), and why, when the GPU package finds no GPU', async () => {
    process.env.FAKE_CUDA_DEVICE = '0';
    const info = await selectBackend('auto');
    assert.equal(info.name, 'tensorflow');
    assert.match(info.skipped.join('\n'), /tfjs-node-gpu loaded but TensorFlow found no usable GPU.*CUDA.*cuDNN/);
  });

  it('an explicit tensorflow-gpu without a GPU is refused with the reason', async () => {
    process.env.FAKE_CUDA_DEVICE = '0';
    await assert.rejects(selectBackend('tensorflow-gpu'), /backend "tensorflow-gpu" is not available: .*found no usable GPU/);
  });

  it('without native packages, auto falls back to WASM and names what it skipped', async () => {
    delete process.env.SPARSE_ATTENTION_NATIVE_MODULES;
    const info = await selectBackend('auto');
    assert.equal(info.name, 'wasm');
    assert.equal(info.skipped.length, 3);
    assert.match(info.skipped[0], /@tensorflow\/tfjs-node-gpu is not available/);
    // This test process has no Vulkan driver on its library path: WebGPU finds no adapter.
    assert.match(info.skipped[1], /^webgpu: /);
    assert.match(info.skipped[2], /@tensorflow\/tfjs-node is not available/);
  });
});
