// Child process of the WebGPU tests: trains the specs it is given on one backend and prints, as its
// last stdout line ("TRACE " + JSON), every run's per-step losses, attention-map shapes and final
// result. Run as `node --import tsx lossTrace.ts '<job JSON>'`, with the SwiftShader environment
// for webgpu (swiftshader.ts): the Vulkan loader must see it from the process's start.
import { makeDataset } from '../../src/core/spec/dataset';
import { type Experiment, type ExperimentInput, ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { type BackendName, selectBackend } from '../../src/core/train/backend';
import { type EnsembleMember, train, trainEnsemble } from '../../src/core/train/ensembleTraining';
import type { TrainHooks, TrainResult } from '../../src/core/train/training';
import type { AttentionEvent, GpuAdapter } from '../../src/protocol/runEvents';

export interface TraceJob {
  backend: BackendName;
  /** Each trained alone (K = 1). */
  singles: ExperimentInput[];
  /** Each list trained as one ensemble. */
  ensembles: ExperimentInput[][];
}

export interface RunTrace {
  losses: number[];
  /** Per attention event: per layer, per head, [cls length, size, cells length]. */
  attentionShapes: number[][][][];
  result?: TrainResult;
}

export interface TraceOutput {
  backend: BackendName;
  adapter?: GpuAdapter;
  singles: RunTrace[];
  ensembles: RunTrace[][];
}

const shapeOf = (e: AttentionEvent) => e.layers.map((l) => l.heads.map((h) => [h.cls.length, h.size, h.cells.length]));

function recorder(): { trace: RunTrace; hooks: TrainHooks } {
  const trace: RunTrace = { losses: [], attentionShapes: [] };
  return { trace, hooks: { onStep: (_, loss) => trace.losses.push(loss), onAttention: (e) => trace.attentionShapes.push(shapeOf(e)) } };
}

async function single(spec: Experiment): Promise<RunTrace> {
  const { trace, hooks } = recorder();
  trace.result = await train(spec, makeDataset(spec), hooks);
  return trace;
}

async function ensemble(specs: Experiment[]): Promise<RunTrace[]> {
  const recs = specs.map(recorder);
  const members: EnsembleMember[] = specs.map((spec, i) => ({ spec, data: makeDataset(spec), hooks: recs[i].hooks }));
  const results = await trainEnsemble(members);
  return recs.map((r, i) => ({ ...r.trace, result: results[i] }));
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as TraceJob;
  const info = await selectBackend(job.backend);
  const out: TraceOutput = { backend: info.name, adapter: info.gpu?.adapter, singles: [], ensembles: [] };
  for (const s of job.singles) out.singles.push(await single(ExperimentSchema.parse(s)));
  for (const list of job.ensembles) out.ensembles.push(await ensemble(list.map((s) => ExperimentSchema.parse(s))));
  process.stdout.write(`TRACE ${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  process.stderr.write(`lossTrace: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(1);
});
