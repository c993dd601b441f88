// Training on the webgpu backend (Dawn on SwiftShader, issue 21) computes what WASM computes: a
// single run follows the WASM run of the same spec step by step (the tabulated one-layer path, a
// 2-layer model, the MLP baseline, a bounded-norm model), and each member of a WebGPU ensemble with unequal m follows its
// own single run. The WebGPU work runs in child processes (lossTrace.ts) that start with the
// SwiftShader environment; the specs are tiny (T = 8, d = 16, 2 heads) because SwiftShader is a
// CPU (first step ~1.6 s of shader compilation, then ~0.3 s a step).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ExperimentInput } from '../../src/core/spec/experimentSpec';
import type { RunTrace, TraceJob, TraceOutput } from './lossTrace';
import { swiftShaderEnv, tsxScript } from './swiftshader';

/**
 * float32 tolerance on each step's loss: |Δ| ≤ 1e-4·max(1, |loss|). Measured here over these 20
 * steps: max |Δ| 1.2e-7 (about one float32 ulp) for each of 1 layer, 2 layers and the MLP against
 * WASM, and for each ensemble member against its single run (the test logs them). The margin covers
 * other CPUs' SwiftShader summing in another order; a real difference is far larger: a learning rate
 * 1% off moves the loss by 7e-3 within these steps, a wrong kernel or gradient by more.
 */
const TOLERANCE = 1e-4;
const STEPS = 20;

const spec = (name: string, model: ExperimentInput['model'], seed = 0, trainSize = 40): ExperimentInput => ({
  version: 1,
  name,
  seed,
  task: { kind: 'and', T: 8, s: 2 },
  data: { trainSize, testSize: 64 },
  model,
  // Full batches (the protocol's); "final": every run trains all STEPS steps and is judged at the
  // end; two evaluations (steps 0 and STEPS), since each costs seconds on SwiftShader.
  training: { maxSteps: STEPS, evalEvery: STEPS, batchSize: 'full', learningRate: 0.003, successWhen: 'final', targetAccuracy: 0.99 },
});

const ONE_LAYER = { dModel: 16, heads: 2, layers: 1 };
/** The runs compared with WASM; the first (the tabulated one-layer path) is also ensemble member 2. */
const SINGLES = [
  spec('one-layer', ONE_LAYER, 3, 40),
  spec('two-layers', { ...ONE_LAYER, layers: 2 }),
  spec('mlp', { arch: 'mlp', dModel: 16, layers: 1, mlpRatio: 2 }),
  // The bounded-norm model: every step ends with the projection onto the norm ball (normProjection.ts).
  spec('bounded', { ...ONE_LAYER, maxNorm: 1.5 }, 5, 40),
];
/** Unequal m: the members share a batch axis padded to the largest, the padding masked out. */
const MEMBERS = [spec('m10', ONE_LAYER, 1, 10), spec('m25', ONE_LAYER, 2, 25), SINGLES[0], spec('m17', ONE_LAYER, 4, 17)];
/** What the webgpu child trains alone: the compared runs, then the members not among them. */
const GPU_SINGLES = [...SINGLES, ...MEMBERS.filter((m) => !SINGLES.includes(m))];

function trace(job: TraceJob): TraceOutput {
  const env = job.backend === 'webgpu' ? swiftShaderEnv(true) : { ...process.env };
  const r = tsxScript('lossTrace.ts', [JSON.stringify(job)], env);
  const line = r.stdout.split('\n').find((l) => l.startsWith('TRACE '));
  assert.ok(line, `the ${job.backend} child printed no trace (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const out = JSON.parse(line.slice(6)) as TraceOutput;
  assert.equal(out.backend, job.backend, `the child trained on ${out.backend}, not ${job.backend}`);
  return out;
}

/** The largest |Δ| / max(1, |loss|) over the steps; the curves must have equal length. */
function worstDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length, `curves of different length: ${a.length} vs ${b.length}`);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));
}

/** Asserts that `gpu` follows `ref`; returns the worst loss difference, for the test's log. */
function assertFollows(label: string, gpu: RunTrace, ref: RunTrace): string {
  assert.equal(gpu.losses.length, STEPS, `${label}: ${gpu.losses.length} steps`);
  assert.ok(gpu.losses.every(Number.isFinite), `${label}: a loss is not finite`);
  assert.ok(Math.max(...ref.losses) - Math.min(...ref.losses) > 0.05, `${label}: the loss must move for equal curves to mean something`);
  const worst = worstDiff(gpu.losses, ref.losses);
  assert.ok(worst <= TOLERANCE, `${label}: worst loss difference ${worst} over ${STEPS} steps exceeds ${TOLERANCE}`);
  assert.deepEqual(gpu.attentionShapes, ref.attentionShapes, `${label}: attention-map shapes differ`);
  assert.equal(gpu.result?.status, ref.result?.status, `${label}: final status`);
  assert.equal(gpu.result?.steps, ref.result?.steps, `${label}: steps`);
  return `${label}: max |Δ| ${worst.toExponential(1)}`;
}

describe('webgpu (SwiftShader) training follows WASM', () => {
  // One child per backend for both tests: each webgpu child pays seconds of start-up and shader
  // compilation. The webgpu child trains the singles, the other members alone, then the ensemble.
  let wasm: TraceOutput;
  let gpu: TraceOutput;
  before(() => {
    swiftShaderEnv(true); // fails here, naming the fix, when the driver is missing
    wasm = trace({ backend: 'wasm', singles: SINGLES, ensembles: [] });
    gpu = trace({ backend: 'webgpu', singles: GPU_SINGLES, ensembles: [MEMBERS] });
  });

  it('a single run on webgpu matches the WASM run: tabulated 1 layer, 2 layers, MLP, bounded norm', (t) => {
    assert.equal(gpu.adapter?.architecture, 'swiftshader');
    t.diagnostic(SINGLES.map((s, i) => assertFollows(s.name, gpu.singles[i], wasm.singles[i])).join('; '));
    assert.equal(gpu.singles[0].attentionShapes.length, 2, 'maps at steps 0 and STEPS');
    assert.deepEqual(gpu.singles[0].attentionShapes[0], [[[9, 9, 81], [9, 9, 81]]], 'one layer, two heads of n = T + 1 = 9');
    assert.equal(gpu.singles[1].attentionShapes[0]?.length, 2, 'two attention layers in the 2-layer run');
  });

  it('each member of a 4-member webgpu ensemble with unequal m matches its own single run on webgpu', (t) => {
    const singleOf = (m: ExperimentInput) => gpu.singles[GPU_SINGLES.indexOf(m)];
    assert.equal(gpu.ensembles[0].length, 4);
    t.diagnostic(MEMBERS.map((s, i) => assertFollows(`member ${i} (m = ${s.data.trainSize})`, gpu.ensembles[0][i], singleOf(s))).join('; '));
  });
});
