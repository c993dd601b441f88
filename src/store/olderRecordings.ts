// What recordings of older versions lack, filled in as their folder is read, so every event that
// reaches the host and the panel has the same shape and no renderer recomputes science.
import { clsMassOnRelevant } from '../core/model/variableCreation';
import type { AttentionEvent, RunEvent } from '../protocol/runEvents';

/** To the trainer's precision: it rounds each head's mass to 4 decimals (src/core/train/training.ts). */
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * An attention event with each head's `onRelevant` ([CLS] mass on the relevant positions). Recordings
 * before 0.2 lack it; it is read off the head's [CLS] row, which holds exactly the row the trainer
 * scored (rounded to 4 decimals per entry, so the value can differ from the trainer's in the 4th).
 */
export function withHeadMass(event: AttentionEvent): AttentionEvent {
  if (event.layers.every((layer) => layer.heads.every((head) => head.onRelevant !== undefined))) return event;
  return {
    ...event,
    layers: event.layers.map((layer) => ({
      heads: layer.heads.map((head) => (head.onRelevant !== undefined ? head : { ...head, onRelevant: round4(clsMassOnRelevant(head.cls, 1, event.n, event.relevant)[0]) })),
    })),
  };
}

/** A run event as this version writes it. */
export function upgradeRunEvent(event: RunEvent): RunEvent {
  return event.type === 'attention' ? withHeadMass(event) : event;
}
