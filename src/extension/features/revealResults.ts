// The results panel comes forward when a run starts (its trainer has said `started`, so the panel has
// something to show), without taking the keyboard from where the user is typing. Before, only the
// end-of-run toast offered "Open Results", and that toast hides itself after a few seconds.
// `sparseAttention.revealResultsOnRun: false` turns it off.
import type { Services } from '../services';
import type { TrainerHandle } from '../trainerRunner';

export function revealWhenStarted(s: Services, handle: TrainerHandle): void {
  if (s.config().get<boolean>('revealResultsOnRun') === false) return;
  let done = false;
  const reveal = () => {
    if (done || !handle.id || !s.store.run(handle.id)) return;
    done = true;
    unsubscribe();
    s.openResults(handle.id, true);
  };
  const unsubscribe = s.store.onChange(reveal);
  void handle.done.then(() => {
    done = true;
    unsubscribe();
  });
  reveal();
}
