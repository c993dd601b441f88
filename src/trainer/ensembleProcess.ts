// `sparse-attention ensemble-process` (formerly `ensemble-worker`): a long-lived trainer a sweep forks
// once per core. It takes ensembles from its parent over IPC, one at a time, trains them
// (runExperiment.ts runEnsemble) and reports when each is done; the tfjs start-up is paid once per
// process, not once per run. It exits when its parent goes away, after closing the ensemble it was
// training (members end `cancelled`). "Ensemble process", not "worker": workers take runs from the
// Redis queue (queue/workerCommand.ts).
import { type BackendChoice, selectBackend } from '../core/train/backend';
import { ExperimentSchema } from '../core/spec/experimentSpec';
import { EnsembleCommand, type EnsembleReport } from '../protocol/ensembleMessages';
import { onParentGone, toParent } from './parentChannel';
import { InputError, runEnsemble } from './runExperiment';

export async function ensembleProcessCommand(opts: { backend: BackendChoice }): Promise<number> {
  if (!process.send) {
    process.stderr.write('ensemble-process is started by `sparse-attention sweep`, with an IPC channel\n');
    return 2;
  }
  await selectBackend(opts.backend);
  let stop = false;
  let busy: Promise<void> = Promise.resolve();
  const report = (r: EnsembleReport) => toParent(r);

  const train = async (cmd: Extract<EnsembleCommand, { type: 'train' }>) => {
    stop = false;
    const specs = cmd.runs.map((r) => ExperimentSchema.safeParse(r.spec));
    const bad = specs.findIndex((s) => !s.success);
    if (bad >= 0) return report({ type: 'job-failed', jobId: cmd.jobId, message: `run ${cmd.runs[bad].runId}: invalid experiment` });
    try {
      await runEnsemble(
        specs.map((s) => s.data!),
        { out: cmd.out, backend: opts.backend, runIds: cmd.runs.map((r) => r.runId), shouldStop: () => stop },
      );
      report({ type: 'job-done', jobId: cmd.jobId });
    } catch (err) {
      const refused = err instanceof InputError ? { refused: true } : {};
      report({ type: 'job-failed', jobId: cmd.jobId, message: (err as Error).message.split('\n')[0], ...refused });
    }
  };

  // Ctrl-C reaches the whole process group: stop the ensemble (members end `cancelled`) and stay
  // for the parent's next word, as on its stop message.
  process.on('SIGINT', () => (stop = true));
  process.on('SIGTERM', () => (stop = true));
  return new Promise<number>((resolve) => {
    process.on('message', (msg) => {
      const cmd = EnsembleCommand.safeParse(msg);
      if (!cmd.success) return void process.stderr.write(`ignored an invalid message from the sweep: ${JSON.stringify(msg).slice(0, 200)}\n`);
      if (cmd.data.type === 'stop') stop = true;
      else {
        const job = cmd.data;
        busy = busy.then(() => train(job));
      }
    });
    onParentGone(() => {
      stop = true;
      void busy.then(() => resolve(0));
    });
  });
}
