import { NotAvailableError, UsageError } from '../../errors.ts';
import { loadMetaDataset } from '../../metadata/load.ts';
import { parseIntegerFlag, parseList } from '../../util/parse-number.ts';
import type { CommandHandler } from '../context.ts';

/**
 * `quicktune meta-train`: validates its flags and loads (so validates) the meta-dataset; the training
 * itself is not part of this version yet.
 */
const metaTrain: CommandHandler = async (options, context) => {
  parseIntegerFlag(String(options.iterations ?? '10000'), '--iterations', 1);
  parseIntegerFlag(String(options.seed ?? '0'), '--seed', 0);
  const meta = await loadMetaDataset(String(options.metadataset));
  const exclude = parseList(typeof options.exclude === 'string' ? options.exclude : undefined);
  const unknown = exclude.filter((name) => !meta.tasks.has(name));
  if (unknown.length > 0) {
    throw new UsageError(unknown.map((name) => `--exclude: dataset '${name}' is not in meta-dataset '${meta.name}' (${meta.dir}); its datasets: ${[...meta.tasks.keys()].join(', ')}`));
  }
  const kept = [...meta.tasks.keys()].filter((name) => !exclude.includes(name));
  if (kept.length < 2) throw new UsageError(`--exclude: meta-training needs at least 2 datasets left, got ${kept.length}`);
  context.log.info({ metadataset: meta.name, datasets: kept.length, configs: meta.totals.configs }, 'meta-dataset loaded');
  throw new NotAvailableError('meta-training the predictor');
};

export default metaTrain;
