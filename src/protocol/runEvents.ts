// The one typed contract for everything a run says: written to events.jsonl, printed by
// `run --json`, sent over IPC by a forked trainer, and fed to the results panel. Each schema is a
// zod object so whoever receives a message across a process or iframe boundary validates it.
import { z } from 'zod';
import type { ExperimentInput } from './experimentSchema';

export const RUN_STATUSES = ['succeeded', 'not-reached', 'diverged', 'cancelled', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const finite = z.number();
const nullableNumber = z.number().nullable();

/**
 * The experiment a run recorded, kept exactly as written. Typed by the experiment schema's input (a
 * recording older than a default lacks it), but validated tolerantly, only as an object: the strict
 * schema would fill defaults into old recordings (changing what the runs table shows) or reject specs
 * of older versions, and a run must not be lost over its spec. The trainer writes it from a parsed
 * Experiment, so new recordings always pass the strict schema.
 */
const RecordedExperiment = z.custom<ExperimentInput>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  error: 'must be the experiment (an object)',
});

/**
 * The GPU a WebGPU run used, as Dawn describes its adapter; `software` when it is a CPU renderer
 * (SwiftShader, llvmpipe, a fallback adapter): such a run is a correctness check, not a GPU figure.
 */
export const GpuAdapter = z.object({
  vendor: z.string(),
  architecture: z.string(),
  /** Dawn's driver text: on a GPU only its driver and version ("NVIDIA: 550.54.15"), on a software renderer its name. */
  description: z.string(),
  /** The GPU's name ("nvidia-h200"); absent in recordings made before it was kept. */
  device: z.string().optional(),
  software: z.boolean(),
});
export type GpuAdapter = z.infer<typeof GpuAdapter>;

export const StartedEvent = z.object({
  type: z.literal('started'),
  runId: z.string(),
  time: z.string(),
  backend: z.string(),
  /** Why each faster backend was passed over (empty when the first choice loaded). */
  backendSkipped: z.array(z.string()),
  /** On backend "webgpu": the adapter it ran on (absent on other backends and in older recordings). */
  adapter: GpuAdapter.optional(),
  /** The resolved experiment (defaults filled in), typed as the experiment schema (experimentSchema.ts). */
  spec: RecordedExperiment,
  relevant: z.array(z.number().int()),
  inputBias: finite,
  parameterCount: z.number().int(),
});

/** Spectral (largest singular value) and Frobenius norm of one matrix. */
export const MatrixNorm = z.object({ spectral: finite, frobenius: finite });

/**
 * The norms the paper's capacity bound is stated in, per layer (src/core/model/weightNorms.ts computes them):
 * per head W_Q·W_Kᵀ (d × d), W_V (d × d_head) and W_O (d_head × d, the head's rows of the output
 * projection); per layer the MLP's two matrices.
 */
export const LayerNorms = z.object({
  heads: z.array(z.object({ qk: MatrixNorm, v: MatrixNorm, o: MatrixNorm })),
  mlp: z.object({ in: MatrixNorm, out: MatrixNorm }),
});

export const MetricsEvent = z.object({
  type: z.literal('metrics'),
  step: z.number().int(),
  /** Mean training loss over the steps since the previous evaluation. */
  loss: nullableNumber,
  trainAccuracy: finite,
  testAccuracy: finite,
  /** Variable-creation score of the best head, null for models without attention. */
  attentionOnRelevant: nullableNumber,
  /** [layer][head] [CLS] attention mass on the relevant positions. */
  attentionPerHead: z.array(z.array(finite)),
  /** [layer] norms of the attention and MLP weights; absent for models without attention and in recordings before 0.2. */
  norms: z.array(LayerNorms).optional(),
  elapsedSeconds: finite,
  liveTensors: z.number().int(),
});

export const HeadMap = z.object({
  /** [CLS] row: attention from [CLS] to every token (n = T + 1 values, [CLS] itself first). */
  cls: z.array(finite),
  /** The n × n map mean-pooled to size × size cells, row-major. */
  size: z.number().int(),
  cells: z.array(finite),
  /** [CLS] mass on the relevant positions (variableCreation.ts); absent in recordings before 0.2. */
  onRelevant: finite.optional(),
});

export const AttentionEvent = z.object({
  type: z.literal('attention'),
  step: z.number().int(),
  n: z.number().int(),
  relevant: z.array(z.number().int()),
  /** [layer].heads[head] */
  layers: z.array(z.object({ heads: z.array(HeadMap) })),
});

export const RunSummary = z.object({
  type: z.literal('summary'),
  runId: z.string(),
  status: z.enum(RUN_STATUSES),
  steps: z.number().int(),
  parameterCount: z.number().int(),
  testAccuracy: nullableNumber,
  trainAccuracy: nullableNumber,
  attentionOnRelevant: nullableNumber,
  backend: z.string(),
  /** On backend "webgpu": the adapter it ran on (absent on other backends and in older recordings). */
  adapter: GpuAdapter.optional(),
  wallSeconds: finite,
  runDir: z.string(),
  /** For status "failed": the one-line reason. */
  error: z.string().optional(),
  /** The machine that trained it, when a queue worker did (sweeps over a queue). */
  host: z.string().optional(),
});

export const FinishedEvent = z.object({ type: z.literal('finished'), summary: RunSummary });
export const FailedEvent = z.object({ type: z.literal('failed'), message: z.string() });

export const RunEvent = z.discriminatedUnion('type', [
  StartedEvent,
  MetricsEvent,
  AttentionEvent,
  FinishedEvent,
  FailedEvent,
]);

export type StartedEvent = z.infer<typeof StartedEvent>;
export type MetricsEvent = z.infer<typeof MetricsEvent>;
export type AttentionEvent = z.infer<typeof AttentionEvent>;
export type HeadMap = z.infer<typeof HeadMap>;
export type MatrixNorm = z.infer<typeof MatrixNorm>;
export type LayerNorms = z.infer<typeof LayerNorms>;
export type RunSummary = z.infer<typeof RunSummary>;
export type RunEvent = z.infer<typeof RunEvent>;

/** Messages a parent sends to a forked trainer. */
export const TrainerCommand = z.discriminatedUnion('type', [z.object({ type: z.literal('stop') })]);
export type TrainerCommand = z.infer<typeof TrainerCommand>;
