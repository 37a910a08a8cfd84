import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { csvLine } from './csv-text.ts';
import { DESCRIPTOR_COLUMNS, type ImportedMetaDataset } from './quicktune/imported.ts';

/** The file that marks a folder as written by `quicktune import`, so a later import may replace it. */
export const IMPORT_MARKER = 'import.json';

/**
 * Checks that `out` may receive an import: it does not exist, is empty, or holds a previous import (its
 * import.json marker). Anything else is refused rather than mixed with the user's files.
 */
export async function checkOutFolder(out: string): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (info === null) return;
  if (!info.isDirectory()) throw new UsageError(`--out ${out}: exists and is not a folder`);
  const entries = await readdir(out);
  if (entries.length === 0 || entries.includes(IMPORT_MARKER)) return;
  throw new UsageError(`--out ${out}: the folder is not empty and holds no previous import (no ${IMPORT_MARKER}); give a new or empty folder`);
}

/** Writes the canonical layout plus the marker; each file goes to a temporary name first, then is renamed. */
export async function writeCanonical(out: string, data: ImportedMetaDataset, marker: Readonly<Record<string, unknown>>): Promise<void> {
  await mkdir(out, { recursive: true });
  const maxEpochs = data.runs.reduce((max, run) => Math.max(max, run.scores.length), 1);
  const curvePoints = data.runs.reduce((sum, run) => sum + run.scores.length, 0);
  const manifest = {
    name: `quicktune-${data.version}`,
    description: `Quick-Tune meta-dataset '${data.version}', imported from the authors' release (${data.variant === 'release' ? 'eval_top1.json' : 'table.csv'} layout)`,
    metric: 'validation top-1 accuracy (fraction)',
    max_epochs: maxEpochs,
    datasets: data.datasets.length,
    configs: data.runs.length,
    curve_points: curvePoints,
  };
  const datasets = [csvLine(['dataset', ...DESCRIPTOR_COLUMNS]), ...data.datasets.map((d) => csvLine([d.name, ...d.descriptors.map(String)]))];
  const configs = [csvLine(['config_id', 'dataset', 'model', ...data.columns])];
  const curves = [csvLine(['config_id', 'epoch', 'score', 'cost_seconds'])];
  for (const run of data.runs) {
    configs.push(csvLine([run.id, run.dataset, run.model, ...data.columns.map((column) => run.cells[column] ?? '')]));
    for (let e = 0; e < run.scores.length; e++) curves.push(`${run.id},${e + 1},${run.scores[e]},${run.costs[e]}\n`);
  }
  const files: [string, string][] = [
    ['metadataset.json', `${JSON.stringify(manifest, null, 2)}\n`],
    ['datasets.csv', datasets.join('')],
    ['configs.csv', configs.join('')],
    ['curves.csv', curves.join('')],
    [IMPORT_MARKER, `${JSON.stringify(marker, null, 2)}\n`],
  ];
  for (const [name, text] of files) {
    const temporary = join(out, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, text);
    await rename(temporary, join(out, name));
  }
}
