// The one training-memory estimate (src/protocol/trainingMemory.ts) against WASM: the tensors' bytes at
// their peak during the second training step (tf.profile's per-kernel snapshots, less what was alive
// before training), for the settings quoted in that file's header. Run one setting per process so
// nothing of the previous one is counted:
//   node --import tsx bench/trainingMemory.ts 1 500 100          (layers, T, m; mlp or dropout=0.1 as a 4th argument)
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/core/train/backend';
import { makeDataset } from '../src/core/spec/dataset';
import { ExperimentSchema } from '../src/core/spec/experimentSpec';
import { train } from '../src/core/train/ensembleTraining';
import { estimateTrainingMemoryBytes } from '../src/protocol/trainingMemory';

async function main(): Promise<void> {
  const [layers, T, m] = process.argv.slice(2, 5).map(Number);
  const arch = process.argv[5] === 'mlp' ? 'mlp' : 'transformer';
  const dropout = process.argv[5]?.startsWith('dropout=') ? { dropout: Number(process.argv[5].slice('dropout='.length)) } : {};
  await selectBackend('wasm');
  const spec = ExperimentSchema.parse({
    version: 1,
    name: 'memory',
    task: { kind: 'and', T, s: 3 },
    data: { trainSize: m, testSize: 8 },
    model: { arch, layers, heads: 16, dModel: 64, ...dropout },
    training: { batchSize: 'full', maxSteps: 2, evalEvery: 2 },
  });
  const data = makeDataset(spec);
  const before = tf.memory().numBytes;
  const marks: number[] = [];
  let stepPeak = 0;
  await tf.profile(async () => {
    await train(spec, data, {
      onStep: () => {
        // Kernels run between the first and second onStep are the second step's (no evaluation between).
        const kernels = tf.engine().state.activeProfile.kernels;
        marks.push(kernels.length);
        if (marks.length === 2) stepPeak = Math.max(...kernels.slice(marks[0]).map((k) => k.totalBytesSnapshot));
      },
    });
  });
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  process.stdout.write(`${arch}${spec.model.dropout ? ` dropout ${spec.model.dropout}` : ''} layers ${layers} T ${T} m ${m}: estimate ${mib(estimateTrainingMemoryBytes(spec))} MiB, measured ${mib(stepPeak - before)} MiB\n`);
}

void main();
