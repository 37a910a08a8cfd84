import { UsageError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

/**
 * `quicktune benchmark`: the replay benchmark on a meta-dataset (`--metadataset`, simulated clock), or the
 * real-image benchmark on an image folder (`--dataset`, wall clock, test accuracy). Each mode is a module.
 */
const benchmark: CommandHandler = async (options, context) => {
  const dataset = options.dataset !== undefined;
  const metadataset = options.metadataset !== undefined;
  if (dataset && metadataset) throw new UsageError('--dataset and --metadataset exclude each other: benchmark on an image folder or on a meta-dataset');
  if (dataset) return (await import('./benchmark-real.ts')).default(options, context);
  if (metadataset) return (await import('./benchmark-replay.ts')).default(options, context);
  throw new UsageError('benchmark needs --metadataset DIR (replayed learning curves) or --dataset DIR (an image folder, real training)');
};

export default benchmark;
