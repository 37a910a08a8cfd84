import { Command, Option } from 'commander';
import { LOG_LEVELS } from '../logging.ts';
import type { CommandHandler, CommandOptions } from './context.ts';

/** Runs a command: the CLI entry point supplies this, so program.ts stays declarative. */
export type Dispatch = (load: () => Promise<{ default: CommandHandler }>, options: CommandOptions) => Promise<void>;

function withArgs(options: CommandOptions, args: Record<string, unknown>): CommandOptions {
  return { ...options, ...args };
}

/**
 * Declares every command and flag of the CLI contract (docs/cli.md). Actions import their module
 * lazily, so `quicktune --help` never loads tfjs or the data code.
 */
export function buildProgram(version: string, dispatch: Dispatch): Command {
  const program = new Command('quicktune')
    .description('Find the pretrained model and finetuning hyperparameters for an image dataset (Quick-Tune).')
    .version(version, '-V, --version')
    .option('--json', 'print the result as one JSON document on stdout', false)
    .addOption(new Option('--log-level <level>', 'log verbosity on stderr').choices(LOG_LEVELS).default('info'))
    .showHelpAfterError('(run with --help for usage)')
    // NOTE: set before the subcommands are declared so that they inherit it: errors reach main(), which maps them to exit 2.
    .exitOverride();

  program
    .command('meta-train')
    .description('meta-train the performance and cost predictors on a meta-dataset of learning curves')
    .requiredOption('--metadataset <dir>', 'canonical meta-dataset folder')
    .option('--out <dir>', 'where to write the predictor checkpoint', '.quicktune/predictor')
    .option('--exclude <datasets>', 'comma-separated datasets to leave out (e.g. the test tasks)')
    .option('--iterations <n>', 'meta-training iterations', '10000')
    .option('--seed <s>', 'random seed', '0')
    .action((opts: CommandOptions) => dispatch(() => import('./commands/meta-train.ts'), opts));

  program
    .command('search')
    .description('search (model, hyperparameters, epochs) on an image folder, or replay a meta-dataset task')
    .option('--dataset <dir>', 'image folder: DIR/<class>/* or DIR/train/<class> + DIR/val/<class>')
    .option('--trainer <name>', 'trainer adapter: tfjs, command, replay, or a module path', 'tfjs')
    .option('--trainer-cmd <cmd>', 'the training program run by the command trainer')
    .option('--space <file>', 'search space file (JSON or YAML); default: the shipped paper space')
    .option('--budget <duration>', 'wall-clock budget: 90s, 15m, 4h or seconds', '1h')
    .option('--max-steps <n>', 'stop after this many (pipeline, epoch) steps')
    .option('--predictor <dir>', 'meta-trained predictor checkpoint; default: the shipped one')
    .option('--run-dir <dir>', 'run directory (journal, checkpoints); default .quicktune/runs/<timestamp>')
    .option('--storage <url>', 'study storage: a journal file path (default <run-dir>/journal.jsonl), or postgres://USER@HOST/DB')
    .option('--study <name>', 'the study in shared storage (with --storage postgres://...)')
    .option('--artifacts <dir>', 'where checkpoints go, a folder every worker can read (default: the run directory)')
    .option('--workers <n>', 'steps run at once on this machine, each in its own trainer process (0: only create the study)', '1')
    .option('--gpus <list>', "each worker slot's device, round robin (e.g. 0,1,2,3)")
    .option('--time-scale <f>', 'the replay trainer sleeps the recorded seconds times this')
    .option('--resume', 'continue the run in --run-dir (or the --study)', false)
    .option('--metadataset <dir>', 'replay a task of this meta-dataset instead of training')
    .option('--task <dataset>', 'the meta-dataset task to replay')
    .option('--method <name>', 'search method (optimizer): quicktune, dyhpo, asha, random, random-pairs, default, ...', 'quicktune')
    .option('--seed <s>', 'random seed', '0')
    .action((opts: CommandOptions) => dispatch(() => import('./commands/search.ts'), opts));

  program
    .command('benchmark')
    .description('compare methods: replayed learning curves (--metadataset, simulated clock) or real training on an image folder (--dataset, wall clock)')
    .option('--metadataset <dir>', 'replay the tasks of this meta-dataset')
    .option('--dataset <dir>', 'an image folder (its own train/val/test, or split once, seeded)')
    .option('--methods <names>', 'comma-separated methods (default: quicktune,dyhpo,asha,random; with --dataset quicktune,default,random-pairs,asha)')
    .option('--tasks <datasets>', 'comma-separated tasks (default: all)')
    .option('--budgets <durations>', 'comma-separated budgets (default: 1h,4h,16h; with --dataset 5m,15m)')
    .option('--seeds <n>', 'seeds per method and task', '3')
    .option('--predictor <dir>', 'one predictor for every task (must not have seen them)')
    .option('--folds <k>', 'meta-train predictors fold-wise on the other tasks')
    .option('--trainer <name>', 'with --dataset: the trainer (tfjs, command, or a module path)')
    .option('--trainer-cmd <cmd>', 'with --dataset: the training program of the command trainer')
    .option('--space <file>', 'with --dataset: the search space file')
    .option('--out <dir>', 'write results.json and the plot here (and keep every run, so a rerun reuses them)')
    .option('--workers <n>', 'steps at once: simulated workers (--metadataset) or trainer processes (--dataset)', '1')
    .option('--gpus <list>', "with --dataset: each worker slot's device, round robin")
    .action((opts: CommandOptions) => dispatch(() => import('./commands/benchmark.ts'), opts));

  program
    .command('import')
    .description('convert a Quick-Tune release folder to the canonical meta-dataset layout')
    .requiredOption('--from <format>', 'source format (quicktune)')
    .argument('<src>', 'source folder')
    .requiredOption('--out <dir>', 'output folder')
    .action((src: string, opts: CommandOptions) =>
      dispatch(() => import('./commands/import.ts'), withArgs(opts, { src })),
    );

  program
    .command('report')
    .description('show a run or a study: incumbent, steps per model, curves, plot')
    .argument('[run-dir]', 'the run directory (or --storage URL --study NAME)')
    .option('--storage <url>', 'read the study from this storage instead (postgres://USER@HOST/DB, or a journal file)')
    .option('--study <name>', 'the study in shared storage')
    .option('--plot <file.svg>', 'write an SVG plot of the observed curves')
    .action((runDir: string | undefined, opts: CommandOptions) =>
      dispatch(() => import('./commands/report.ts'), withArgs(opts, { runDir })),
    );

  program
    .command('evaluate')
    .description("score a run's best pipeline on a labelled image folder (DIR/<class>/..., or DIR/test/<class>/...)")
    .argument('<run-dir>', 'the run directory (of a tfjs-trainer search)')
    .requiredOption('--dataset <dir>', "image folder with the run's class names: DIR/<class>/* (or DIR/test/<class>/*)")
    .option('--artifacts <dir>', "where the run's checkpoints are, when the search had --artifacts (default: RUN_DIR)")
    .action((runDir: string, opts: CommandOptions) =>
      dispatch(() => import('./commands/evaluate.ts'), withArgs(opts, { runDir })),
    );

  program
    .command('export')
    .description("write a run's best pipeline as a standalone tfjs model folder (model.json, weights, quicktune-model.json)")
    .argument('<run-dir>', 'the run directory (of a tfjs-trainer search)')
    .requiredOption('--out <dir>', 'the model folder to write (new or empty)')
    .option('--artifacts <dir>', "where the run's checkpoints are, when the search had --artifacts (default: RUN_DIR)")
    .action((runDir: string, opts: CommandOptions) =>
      dispatch(() => import('./commands/export.ts'), withArgs(opts, { runDir })),
    );

  program
    .command('predict')
    .description('classify images with a model folder written by export')
    .requiredOption('--model <dir>', 'a model folder written by quicktune export')
    .argument('<images...>', 'image files to classify')
    .action((images: string[], opts: CommandOptions) =>
      dispatch(() => import('./commands/predict.ts'), withArgs(opts, { images })),
    );

  program
    .command('dashboard')
    .description('serve a live page of a search (running or finished) on a local web server')
    .argument('[run-dir]', 'the run directory (or --storage URL --study NAME)')
    .option('--storage <url>', 'the study storage: a journal file path or URL, or postgres://USER@HOST/DB')
    .option('--study <name>', 'the study in shared storage (with --storage postgres://...)')
    .option('--artifacts <dir>', 'where the checkpoints are (default: the run directory, or the journal file\'s folder)')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--port <n>', 'the port to listen on (default: a free port)')
    .action((runDir: string | undefined, opts: CommandOptions) =>
      dispatch(() => import('./commands/dashboard.ts'), withArgs(opts, { runDir })),
    );

  program
    .command('worker')
    .description('join a study in shared storage: claim steps under a lease, run them, record them, until the study is over')
    .requiredOption('--storage <url>', 'the study storage, shared by every worker (postgres://USER@HOST/DB)')
    .requiredOption('--study <name>', 'the study to join')
    .option('--trainer <name>', "trainer adapter (default: the study's): tfjs, command, replay, or a module path")
    .option('--trainer-cmd <cmd>', "the training program of the command trainer (default: the study's)")
    .option('--dataset <dir>', "this machine's copy of the image folder (default: the study's path)")
    .option('--metadataset <dir>', "the replay trainer's meta-dataset (default: the study's)")
    .option('--task <dataset>', "the replay trainer's task (default: the study's)")
    .option('--time-scale <f>', 'the replay trainer sleeps the recorded seconds times this (default 1)')
    .option('--predictor <dir>', "the study's predictor checkpoint, where it is not the shipped one")
    .option('--workers <n>', 'steps run at once by this worker, each in its own trainer process', '1')
    .option('--gpus <list>', "each worker slot's device, round robin (e.g. 0,1,2,3)")
    .option('--artifacts <dir>', 'where checkpoints go: a folder every worker can read (default .quicktune/workers/<study>)')
    .action((opts: CommandOptions) => dispatch(() => import('./commands/worker.ts'), opts));

  program
    .command('status')
    .description('show a study in shared storage: steps by state, workers and what they run, the incumbent, the budget')
    .requiredOption('--storage <url>', 'the study storage (postgres://USER@HOST/DB, or a journal file)')
    .option('--study <name>', 'the study (required with postgres://)')
    .action((opts: CommandOptions) => dispatch(() => import('./commands/status.ts'), opts));

  return program;
}
