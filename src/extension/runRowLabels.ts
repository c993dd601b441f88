// The run rows under an experiment in the tree, each labelled by what tells it from its siblings
// ("T = 12 · seed 1") rather than by its id: two runs of one file with different T both read
// "seed 0 · 20261203T16…" before. The spec comes from the live run when the host holds it, else from
// the run folder's experiment.json (the resolved spec the trainer wrote).
import * as path from 'node:path';
import { labelParts, rowLabel, specInput } from '../protocol/runLabels';
import { readRunSpec } from '../store/runFolder';
import type { RunStore } from './runStore';
import type { Node } from './treeNodes';

/** experiment.json is written once when a run starts and never changed: read each folder's once. */
const specs = new Map<string, unknown>();
function specOf(runDir: string): unknown {
  if (!specs.has(runDir)) {
    const spec = readRunSpec(runDir);
    if (spec === undefined) return undefined; // not written yet (or torn): try again next time
    specs.set(runDir, spec);
  }
  return specs.get(runDir);
}

export function labelRunRows(runIds: string[], runsDir: string, store: RunStore, experimentName: string): Node[] {
  const dirs = runIds.map((id) => path.join(runsDir, id));
  const inputs = runIds.map((id, i) => specInput(store.run(id)?.started?.spec ?? specOf(dirs[i]), experimentName));
  const parts = labelParts(inputs);
  return runIds.map((runId, i) => ({ kind: 'run', runId, runDir: dirs[i], label: inputs[i].settings ? rowLabel(parts[i]) : undefined }));
}
