// A stand-in for @tensorflow/tfjs-node-gpu (the real one cannot be installed here: it downloads
// libtensorflow at install time), written under `root`; returns the node_modules folder to point
// SPARSE_ATTENTION_NATIVE_MODULES at.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The stand-in's index.js: it throws as a failing binding does, or registers a "tensorflow" backend. */
export type StandIn = { throws: string } | { isUsingGpuDevice: string };

export function writeStandInGpuPackage(root: string, standIn: StandIn): string {
  const dir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '0.0.0-fake', main: 'index.js' }));
  if ('throws' in standIn) {
    writeFileSync(path.join(dir, 'index.js'), `throw new Error(${JSON.stringify(standIn.throws)});\n`);
    return path.join(root, 'node_modules');
  }
  // The same tfjs-core instance as the code under test, by absolute path.
  const core = JSON.stringify(require.resolve('@tensorflow/tfjs-core'));
  const cpu = JSON.stringify(require.resolve('@tensorflow/tfjs-backend-cpu'));
  writeFileSync(
    path.join(dir, 'index.js'),
    `const tf = require(${core});
const { MathBackendCPU } = require(${cpu});
class StandIn extends MathBackendCPU { get isUsingGpuDevice() { return ${standIn.isUsingGpuDevice}; } }
tf.registerBackend('tensorflow', () => new StandIn(), 3);
`,
  );
  return path.join(root, 'node_modules');
}
