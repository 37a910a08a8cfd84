import { UsageError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

/**
 * `quicktune search`: a real search on an image folder (`--dataset`, or recorded curves answered in real time
 * with `--trainer replay`) or a simulated one replaying a task of a meta-dataset (`--metadataset` + `--task`).
 * Each mode lives in its own module, loaded on demand.
 */
const search: CommandHandler = async (options, context) => {
  const dataset = options.dataset !== undefined;
  const metadataset = options.metadataset !== undefined;
  // NOTE: the replay trainer answers steps in real time from recorded curves: a real search, not a simulation.
  const replayTrainer = options.trainer === 'replay';
  if (dataset && metadataset) throw new UsageError('--dataset and --metadataset exclude each other: search an image folder or replay a meta-dataset task');
  if (metadataset && !replayTrainer) {
    const { default: replay } = await import('./search-replay.ts');
    return replay(options, context);
  }
  if (dataset || replayTrainer) {
    const { default: real } = await import('./search-dataset.ts');
    return real(options, context);
  }
  throw new UsageError('search needs --dataset DIR (an image folder) or --metadataset DIR --task DS (a replay)');
};

export default search;
