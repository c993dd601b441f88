// The one JSON line `sparse-attention gpu-probe --json` prints: what Dawn found and whether a run may
// use it. The editor's "Set Up GPU Backend" spawns the probe and validates this line on arrival.
import { z } from 'zod';
import { GpuAdapter } from './runEvents';

/** Why no adapter is usable: the package is absent, Dawn found no adapter, or only a software one. */
export const GpuProbeCause = z.enum(['package-missing', 'no-adapter', 'software-only']);
export type GpuProbeCause = z.infer<typeof GpuProbeCause>;

export const GpuProbeFound = z.object({
  ok: z.literal(true),
  adapter: GpuAdapter,
  limits: z.object({ maxBufferSize: z.number(), maxStorageBufferBindingSize: z.number() }),
  /** Hardware, or software with SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU=1. */
  usable: z.boolean(),
  /** Why it is not usable (a software adapter without the allowance). */
  reason: z.string().optional(),
  cause: GpuProbeCause.optional(),
});

export const GpuProbeMissing = z.object({
  ok: z.literal(false),
  usable: z.literal(false),
  reason: z.string(),
  cause: GpuProbeCause,
});

export const GpuProbeLine = z.discriminatedUnion('ok', [GpuProbeFound, GpuProbeMissing]);
export type GpuProbeLine = z.infer<typeof GpuProbeLine>;
