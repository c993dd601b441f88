// Messages between the extension host and its webviews (results panel, authoring form). The host
// keeps all state; a webview says `ready` and gets a full `snapshot`, then throttled updates.
// Both sides validate what arrives with these schemas (a webview is another origin).
import { z } from 'zod';
import { AttentionEvent, MetricsEvent, RunEvent, RunSummary, StartedEvent } from './runEvents';
import { SweepEvent, SweepSummary, UntilProgress, VariantResult } from './sweepEvents';

/** Everything the results panel shows about one run. */
export const RunView = z.object({
  runId: z.string(),
  label: z.string(),
  /** `interrupted`: read back from disk with no summary and no live trainer (killed, crashed, machine slept). */
  status: z.enum(['running', 'succeeded', 'not-reached', 'diverged', 'cancelled', 'failed', 'interrupted']),
  started: StartedEvent.optional(),
  metrics: z.array(MetricsEvent),
  /** Snapshots for the step slider (the host keeps at most ~50, evenly thinned). */
  attention: z.array(AttentionEvent),
  summary: RunSummary.optional(),
  /** Why the run failed (a `failed` event or a failed summary), kept so it survives snapshots. */
  failure: z.string().optional(),
  /** The experiment file the run was started from, when known (the tree groups runs by it). */
  experimentFile: z.string().optional(),
});

/** A cell being trained right now (cell-started without its cell-finished yet). */
export const ActiveCell = z.object({ variant: z.string(), T: z.number().int(), m: z.number().int() });

/** Everything the results panel shows about one sweep. */
export const SweepView = z.object({
  sweepId: z.string(),
  name: z.string(),
  status: z.enum(['running', 'completed', 'incomplete', 'cancelled', 'failed', 'interrupted']),
  runsDone: z.number().int(),
  plannedRuns: z.number().int(),
  /** Null until the sweep-started event says it. */
  successRate: z.number().nullable(),
  active: z.array(ActiveCell),
  /** From the sweep-plan event (absent in older recordings): when it started and its estimate, for the ETA. */
  plan: z.object({ startedAt: z.string(), estimatedSeconds: z.number().nullable(), runsExact: z.boolean() }).optional(),
  /** Runs reused from disk so far (they take no time: the ETA's rate leaves them out). */
  runsReused: z.number().int().optional(),
  /** Over a queue: the workers connected, as last reported. */
  queue: z.object({ workers: z.number().int(), hosts: z.array(z.string()) }).optional(),
  /** Latest per-variant results (m* per T, fits, verdict); the summary once finished. */
  variants: z.array(VariantResult),
  summary: SweepSummary.optional(),
  /** Sweeps with `until`: each round's bootstrap support against runs spent (until-progress events). */
  untilProgress: z.array(UntilProgress).optional(),
});

/** One cell of a sweep: a variant's runs at context length T with m training samples. */
export const SweepCellRef = z.object({ sweepId: z.string().min(1), variant: z.string().min(1), T: z.number().int().positive(), m: z.number().int().positive() });

export const HostToPanel = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), runs: z.array(RunView), sweeps: z.array(SweepView), focus: z.string().optional() }),
  z.object({ type: z.literal('run-event'), runId: z.string(), label: z.string(), event: RunEvent }),
  z.object({ type: z.literal('sweep-event'), sweepId: z.string(), event: SweepEvent }),
  /** The runs of one sweep cell, read from its run folders, answering `open-cell` (drill-down). */
  SweepCellRef.extend({ type: z.literal('cell-runs'), runs: z.array(RunView) }),
  /**
   * Drill-down started outside the panel (a sweep cell clicked in the tree): the panel shows the
   * sweep, opens the cell view and asks for the cell with `open-cell`, as if the cell had been clicked.
   */
  SweepCellRef.extend({ type: z.literal('show-cell') }),
]);

export const PanelToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Export of a chart image (data URL for PNG, SVG text) or of the data behind it. */
  z.object({
    type: z.literal('export'),
    format: z.enum(['png', 'svg', 'csv', 'json']),
    name: z.string(),
    content: z.string(),
  }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  /** Drill-down: the user opened a cell of the success table or a point of m*(T); the host answers `cell-runs`. */
  SweepCellRef.extend({ type: z.literal('open-cell') }),
  /** What the panel shows now ("run:<id>", "sweep:<folder>", "table"), so Export Results exports it. */
  z.object({ type: z.literal('shown'), selected: z.string().max(4096).nullable() }),
]);

export type RunView = z.infer<typeof RunView>;
export type SweepView = z.infer<typeof SweepView>;
export type SweepCellRef = z.infer<typeof SweepCellRef>;
export type HostToPanel = z.infer<typeof HostToPanel>;
export type PanelToHost = z.infer<typeof PanelToHost>;

// ---- The authoring form (sidebar webview) ----

export const HostToForm = z.discriminatedUnion('type', [
  /** The file being edited: its raw JSON (as typed, may be invalid) and the validation problems. */
  z.object({
    type: z.literal('load'),
    file: z.string().nullable(),
    kind: z.enum(['experiment', 'sweep']),
    spec: z.record(z.string(), z.unknown()),
    problems: z.array(z.string()),
    trusted: z.boolean(),
    /** The file kind's JSON Schema (as zod emits it for the editor): the form draws a control per field from it. */
    schema: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal('problems'), problems: z.array(z.string()) }),
]);

export const FormToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** A field changed: the whole spec as the form now holds it; the host validates and answers `problems`. */
  z.object({ type: z.literal('edit'), spec: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('save') }),
  z.object({ type: z.literal('run') }),
  z.object({ type: z.literal('runSweep') }),
]);

export type HostToForm = z.infer<typeof HostToForm>;
export type FormToHost = z.infer<typeof FormToHost>;
