import { getLogger } from '../../logging.ts';
import { ProblemList } from '../../metadata/problems.ts';
import { checkOutFolder, IMPORT_MARKER, writeCanonical } from '../write-canonical.ts';
import { locateRelease } from './locate.ts';
import { readRelease } from './read-release.ts';
import { readTable } from './read-table.ts';

const log = getLogger('import');

/** What an import wrote. */
export interface ImportSummary {
  readonly out: string;
  readonly variant: 'release' | 'table';
  readonly datasets: number;
  readonly configs: number;
  readonly curvePoints: number;
  readonly droppedRuns: number;
}

/**
 * Converts a Quick-Tune release folder (either layout, with or without `qt_metadataset/`) into the
 * canonical layout in `out`. Problems in the source are collected and thrown together; `out` is written
 * only when there are none, and only if it is new, empty, or a previous import.
 */
export async function importQuickTune(src: string, out: string): Promise<ImportSummary> {
  await checkOutFolder(out);
  const located = await locateRelease(src);
  log.info({ dir: located.dir, variant: located.variant }, 'reading the Quick-Tune release');
  const problems = new ProblemList();
  const data = located.variant === 'release' ? await readRelease(located, problems) : await readTable(located, problems);
  problems.throwIfAny('import.invalid');
  if (data.droppedColumns.length > 0) log.info({ columns: data.droppedColumns }, 'source columns left out (bookkeeping or constant)');
  if (data.droppedRuns > 0) log.warn({ runs: data.droppedRuns }, 'runs left out: no finite score at epoch 1, or hyperparameters without a curve');
  await writeCanonical(out, data, {
    format: 'quicktune-import',
    from: 'quicktune',
    source: src,
    variant: located.variant,
    version: located.version,
    dropped_columns: data.droppedColumns,
    dropped_runs: data.droppedRuns,
  });
  log.debug({ out, marker: IMPORT_MARKER }, 'canonical files written');
  return {
    out,
    variant: located.variant,
    datasets: data.datasets.length,
    configs: data.runs.length,
    curvePoints: data.runs.reduce((sum, run) => sum + run.scores.length, 0),
    droppedRuns: data.droppedRuns,
  };
}
