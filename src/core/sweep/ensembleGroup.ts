// Which queued runs train together: the first queued run and those sharing its ensemble key, up to an
// even share of the free processes and to the memory bound. One implementation for the run pool
// (src/trainer/runPool.ts) and the plan's replay of it (sweepPlan.ts), so the plan forms the same ensembles.
import type { Experiment } from '../spec/experimentSpec';

/**
 * Takes from `queue` (in order) the runs `same` accepts after `first`, while the group stays within
 * `share` and within the members that fit at its padded batch: every member is padded to the group's
 * largest m, so the bound is that of the widest member taken (the first run has the smallest m of
 * its key; bounding by it put 24 members padded to m = 50 at T = 500 into one ~2 GiB WASM step).
 */
export function takeWithin<R extends { spec: Experiment }>(first: R, queue: R[], same: (r: R) => boolean, share: number, maxMembers: (spec: Experiment) => number): R[] {
  const group = [first];
  let widest = first.spec;
  for (let i = 0; i < queue.length && group.length < share; ) {
    if (!same(queue[i])) {
      i++;
      continue;
    }
    const wider = queue[i].spec.data.trainSize > widest.data.trainSize ? queue[i].spec : widest;
    if (group.length + 1 > maxMembers(wider)) break;
    widest = wider;
    group.push(...queue.splice(i, 1));
  }
  return group;
}
