import { UsageError } from '../../errors.ts';
import { IMPORTERS } from '../../importers/index.ts';
import { loadMetaDataset } from '../../metadata/load.ts';
import type { CommandHandler } from '../context.ts';

/** `quicktune import --from quicktune SRC --out DIR` (docs/cli.md, docs/metadataset-format.md). */
const importCommand: CommandHandler = async (options, context) => {
  const from = String(options.from);
  const src = String(options.src);
  const out = String(options.out);
  const importer = IMPORTERS[from];
  if (importer === undefined) {
    throw new UsageError(`--from ${from}: unknown source format (known: ${Object.keys(IMPORTERS).join(', ')})`);
  }
  const summary = await importer(src, out);
  // NOTE: the written folder is loaded back, so an import that succeeds is one the other commands accept.
  const meta = await loadMetaDataset(out);
  const result = {
    out,
    datasets: meta.tasks.size,
    configs: meta.totals.configs,
    curve_points: meta.totals.curvePoints,
    variant: summary.variant,
    dropped_runs: summary.droppedRuns,
  };
  const layout = summary.variant === 'release' ? 'eval_top1.json' : 'table.csv';
  const dropped = summary.droppedRuns > 0 ? `; ${summary.droppedRuns} runs without a usable curve left out` : '';
  context.emit(result, `Imported ${result.datasets} datasets, ${result.configs} runs and ${result.curve_points} curve points into ${out} (${layout} layout${dropped}).`);
};

export default importCommand;
