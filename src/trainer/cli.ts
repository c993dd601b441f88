// `sparse-attention`: the headless entry point. Also the trainer child process: forked with an IPC
// channel it sends every event to its parent and obeys `{"type":"stop"}`.
import { Command, InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { BACKEND_CHOICES, type BackendChoice } from '../core/train/backend';
import { ADAPTER_ENV } from '../core/train/webgpuBackend';
import { ExperimentSchema, experimentJsonSchema } from '../core/spec/experimentSpec';
import { readSpecFile } from '../core/spec/specProblems';
import { specKindOf, wrongKindProblem } from './specKind';
import { backendStartLine } from '../protocol/backendLabel';
import { TrainerCommand } from '../protocol/runEvents';
import { printSummary, progressReporter } from './runDisplay';
import { DEFAULT_OUT } from '../store/runFolder';
import { InputError, runExperiment } from './runExperiment';
import { SweepSchema, sweepJsonSchema } from '../core/spec/sweepSpec';
import { DEFAULT_SWEEP_OUT } from '../store/sweepFolder';
import { sweepCommand } from './sweepCommand';
import type { EnsembleChoice } from './ensembleCapacity';
import { ensembleProcessCommand } from './ensembleProcess';
import { buildReport } from '../report/htmlReport';
import { workerCommand } from './queue/workerCommand';
import { gpuProbeCommand, parseAdapterName } from './gpuProbeCommand';
import writeFileAtomic from 'write-file-atomic';
import { onParentGone, toParent } from './parentChannel';

export const EXIT = { ok: 0, failure: 1, invalid: 2, cancelled: 130 } as const;

/**
 * Stop requests from SIGINT/SIGTERM, a parent's IPC message, or the parent's death all end the run
 * as `cancelled`.
 */
function watchForStop(): { requested: () => boolean } {
  let stop = false;
  const request = () => {
    if (stop) process.exit(EXIT.cancelled); // a second Ctrl-C: leave now (summary stays absent, never torn)
    stop = true;
  };
  process.on('SIGINT', request);
  process.on('SIGTERM', request);
  process.on('message', (msg) => {
    const cmd = TrainerCommand.safeParse(msg);
    if (cmd.success && cmd.data.type === 'stop') request();
    else process.stderr.write(`ignored an invalid message from the parent: ${JSON.stringify(msg)}\n`);
  });
  // The parent died: stop as on its stop message, but never "leave now" (a stop message may already
  // have arrived; the summary must still be written).
  onParentGone(() => {
    stop = true;
  });
  return { requested: () => stop };
}

async function runCommand(file: string, opts: { out: string; backend: BackendChoice; runId?: string; json?: boolean; verbose?: boolean }): Promise<number> {
  const wrongKind = wrongKindProblem(file, 'experiment');
  const parsed = wrongKind ? ({ ok: false, problems: [wrongKind] } as const) : readSpecFile(ExperimentSchema, file);
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`${file}: ${p}\n`);
    return EXIT.invalid;
  }
  const spec = parsed.value;
  const stop = watchForStop();
  const progress = opts.json ? undefined : progressReporter(spec.training.maxSteps);
  try {
    const summary = await runExperiment(spec, {
      out: opts.out,
      backend: opts.backend,
      runId: opts.runId,
      experimentFile: file,
      shouldStop: stop.requested,
      onStep: progress?.onStep,
      onEvent: (e) => {
        toParent(e);
        if (e.type === 'started' && !opts.json) {
          process.stderr.write(`${backendStartLine(e)}\n`);
        }
        if (opts.json && e.type !== 'finished') process.stdout.write(JSON.stringify(e) + '\n');
        progress?.onEvent(e);
      },
    });
    progress?.stop();
    toParent(summary);
    if (opts.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else printSummary(summary);
    return summary.status === 'cancelled' ? EXIT.cancelled : EXIT.ok;
  } catch (err) {
    progress?.stop();
    if (err instanceof InputError) {
      process.stderr.write(`${file}: ${err.message}\n`);
      return EXIT.invalid;
    }
    process.stderr.write(`error: ${(err as Error).message.split('\n')[0]}\n`);
    if (opts.verbose) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT.failure;
  }
}

function parseRunId(v: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(v)) throw new InvalidArgumentError('may only contain letters, digits, ".", "_" and "-"');
  return v;
}

/** A commander parser for an integer option within [min, max]. */
const intOption = (min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max} (got ${v})`);
  return n;
};
/** `--workers` of `sweep` (runs trained at once on this machine) and `--concurrency` of `worker`. */
const parseParallel = intOption(1, 256);
const parseEnsembleSize = intOption(1, 1024);

/** `--ensemble`: "auto" (from the memory estimate), "off" (one process per run), or a member count. */
function parseEnsemble(v: string): EnsembleChoice {
  if (v === 'auto' || v === 'off') return v;
  try {
    return parseEnsembleSize(v);
  } catch {
    throw new InvalidArgumentError(`must be "auto", "off" or an integer from 1 to 1024 (got ${v})`);
  }
}
const parseLockSeconds = intOption(2, 3600);

function reportCommand(dir: string, htmlFile: string): number {
  let html: string;
  try {
    html = buildReport(dir);
  } catch (err) {
    process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`);
    return EXIT.invalid;
  }
  writeFileAtomic.sync(htmlFile, html);
  process.stderr.write(`wrote ${htmlFile} (${Math.round(html.length / 1024)} KiB)\n`);
  return EXIT.ok;
}

/** Experiments and sweeps share `validate`: the file's "kind" picks the schema. */
function validateCommand(file: string): number {
  const parsed = readSpecFile(specKindOf(file) === 'sweep' ? SweepSchema : ExperimentSchema, file);
  if (parsed.ok) {
    process.stdout.write(`${file}: valid\n`);
    return EXIT.ok;
  }
  for (const p of parsed.problems) process.stdout.write(`${p}\n`);
  return EXIT.invalid;
}

/** Every subcommand's action reports its exit code through this. */
type SetCode = (code: number) => void;

const backendOption = () => new Option('--backend <name>', 'TensorFlow.js backend').choices([...BACKEND_CHOICES]).default('auto');
/** `--adapter`: Dawn's adapter name for webgpu; set in the environment, so forked trainers use it too. */
const adapterOption = () => new Option('--adapter <name>', 'WebGPU adapter to use (Dawn\'s name; `gpu-probe` lists them); default $' + ADAPTER_ENV).argParser(parseAdapterName);

function addRunCommand(program: Command, setCode: SetCode): void {
  program
    .command('run')
    .description('train one experiment (*.experiment.json)')
    .argument('<file>', 'experiment file')
    .option('--out <dir>', 'runs folder', DEFAULT_OUT)
    .addOption(backendOption())
    .addOption(adapterOption())
    .option('--json', 'print one JSON event per line on stdout; the last line is the summary')
    .option('--run-id <id>', 'name of the run folder (default: <name>-s<seed>-<time>-<random>)', parseRunId)
    .option('--verbose', 'print stack traces of runtime failures')
    .action(async (file, opts) => setCode(await runCommand(file, opts)));
}

function addSweepCommand(program: Command, setCode: SetCode): void {
  program
    .command('sweep')
    .description('measure m*(T), the samples needed to learn, across context lengths (*.sweep.json)')
    .argument('<file>', 'sweep file')
    .option('--out <dir>', 'sweeps folder; the sweep writes <out>/<name>/', DEFAULT_SWEEP_OUT)
    // `--workers` is the flag's historic name: local training processes, not the queue's workers.
    .option('--workers <n>', `parallel training processes (default: 1 when the ensembles train on a GPU, else the number of cores, ${availableParallelism()} here)`, parseParallel)
    .addOption(backendOption())
    .addOption(adapterOption())
    .option('--json', 'print one JSON event per line on stdout; the last line is the sweep summary (with --plan: the plan)')
    .option('--plan', 'print the runs, ensembles, memory and estimated wall time (from a short, cached calibration) and train nothing')
    .option('--recalibrate', 'with --plan: time the steps again instead of using the cached calibration')
    .option('--queue <url>', 'run on the workers of a Redis queue: redis://[user:password@]host:port (rediss:// for TLS); default $SPARSE_ATTENTION_QUEUE_URL')
    .option(
      '--ensemble <k>',
      'train runs of the same variant and T together in long-lived ensemble processes: "auto" (members from a memory estimate), a member count, or "off" (one process per run); with --queue, the members per job ("auto": 64, each worker splits by its own memory) or "off" (one job per run)',
      parseEnsemble,
      'auto',
    )
    .action(async (file, opts) => {
      const { workers, ...rest } = opts;
      setCode(await sweepCommand(file, { ...rest, parallel: workers, queue: opts.queue ?? process.env.SPARSE_ATTENTION_QUEUE_URL, cliPath: __filename }));
    });
}

/** The sweep's long-lived ensemble processes (ensembleProcess.ts); `ensemble-worker` is its old name. */
function addEnsembleProcessCommand(program: Command, setCode: SetCode): void {
  program
    .command('ensemble-process', { hidden: true })
    .alias('ensemble-worker')
    .description('a sweep\'s long-lived trainer (forked by `sweep`, IPC only)')
    .addOption(backendOption())
    .addOption(adapterOption())
    .action(async (opts) => setCode(await ensembleProcessCommand(opts)));
}

function addQueueWorkerCommand(program: Command, setCode: SetCode): void {
  program
    .command('worker')
    .description('train runs from a Redis queue for sweeps started with --queue, until Ctrl-C')
    .option('--queue <url>', 'redis://[user:password@]host:port (rediss:// for TLS); default $SPARSE_ATTENTION_QUEUE_URL')
    .option('--concurrency <n>', 'runs at a time (default: 1 per GPU on a native GPU backend, else the number of cores)', parseParallel)
    .addOption(backendOption())
    .addOption(adapterOption())
    .option('--lock-seconds <s>', 'how long a job stays with a worker that stopped answering before another takes it', parseLockSeconds, 30)
    .action(async (opts) => {
      const queue = opts.queue ?? process.env.SPARSE_ATTENTION_QUEUE_URL;
      if (!queue) {
        process.stderr.write('error: worker needs --queue <url> or $SPARSE_ATTENTION_QUEUE_URL\n');
        return setCode(EXIT.invalid);
      }
      setCode(await workerCommand({ queue, concurrency: opts.concurrency, backend: opts.backend, lockSeconds: opts.lockSeconds, cliPath: __filename }));
    });
}

function addGpuProbeCommand(program: Command, setCode: SetCode): void {
  program
    .command('gpu-probe')
    .description('show the WebGPU adapter Dawn finds and whether runs can use it (exit 0 if so, 2 if not)')
    .option('--adapter <name>', "Dawn's adapter name (default: $SPARSE_ATTENTION_GPU_ADAPTER, else Dawn's choice)", parseAdapterName)
    .option('--json', 'print one JSON line: {ok, adapter, limits, usable, reason?}')
    .action(async (opts) => setCode(await gpuProbeCommand(opts)));
}

/** The commands that read or describe files without training: validate, report, schema. */
function addFileCommands(program: Command, setCode: SetCode): void {
  program
    .command('validate')
    .description('check an experiment file and print each problem as `path: message`')
    .argument('<file>', 'experiment file')
    .action((file) => setCode(validateCommand(file)));
  program
    .command('report')
    .description('write a self-contained HTML report of a run or sweep folder')
    .argument('<dir>', 'a run folder (<out>/<runId>) or a sweep folder (<out>/<name>)')
    .requiredOption('--html <file>', 'the HTML file to write')
    .action((dir, opts) => setCode(reportCommand(dir, opts.html)));
  program
    .command('schema')
    .description('print the JSON Schema of experiment (or, with --sweep, sweep) files')
    .option('--sweep', 'the schema of sweep files')
    .action((opts) => {
      process.stdout.write(JSON.stringify(opts.sweep ? sweepJsonSchema() : experimentJsonSchema(), null, 2) + '\n');
    });
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const setCode: SetCode = (c) => {
    code = c;
  };
  const program = new Command('sparse-attention')
    .description('Train small Transformers on sparse Boolean targets and measure how attention creates the sparse variable.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const add of [addRunCommand, addSweepCommand, addEnsembleProcessCommand, addQueueWorkerCommand, addGpuProbeCommand, addFileCommands]) add(program, setCode);
  // --adapter reaches every trainer this command forks through the environment they inherit.
  program.hook('preAction', (_, action) => {
    const adapter = action.opts().adapter as string | undefined;
    if (adapter) process.env[ADAPTER_ENV] = adapter;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.invalid; // commander already printed the usage problem
  }
  return code;
}

export { experimentJsonSchema, sweepJsonSchema };

/** Entry point of the bundle (bin/sparse-attention.js, or dist/cli.js forked as a trainer). */
export function runMain(): void {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (err) => {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exit(EXIT.failure);
    },
  );
}

if (require.main === module) runMain();
