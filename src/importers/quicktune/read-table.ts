import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProblemList } from '../../metadata/problems.ts';
import { convertCurve } from './curves.ts';
import { decodeTable } from './decode-table.ts';
import { datasetNames, DESCRIPTOR_COLUMNS, matchDataset, type ImportedMetaDataset, type ImportedRun } from './imported.ts';
import type { LocatedRelease } from './locate.ts';
import { readPythonJson } from './python-json.ts';
import { CurveFileSchema } from './read-release.ts';

const DescriptorsSchema = z.record(z.string(), z.array(z.number()).length(DESCRIPTOR_COLUMNS.length));

/**
 * Reads the table.csv layout: curves/perf.json (top-1 %) and curves/cost.json (seconds per epoch) keyed
 * by dataset and run id, one-hot hyperparameters in table.csv, meta/descriptors.json per dataset.
 */
export async function readTable(located: LocatedRelease, problems: ProblemList): Promise<ImportedMetaDataset> {
  const file = (...parts: string[]): string => join(located.dir, ...parts);
  const perf = await readPythonJson(file('curves', 'perf.json'), file('curves', 'perf.json'), CurveFileSchema);
  const cost = await readPythonJson(file('curves', 'cost.json'), file('curves', 'cost.json'), CurveFileSchema);
  const descriptors = await readPythonJson(file('meta', 'descriptors.json'), file('meta', 'descriptors.json'), DescriptorsSchema);
  const tablePath = file('table.csv');
  const table = decodeTable(await readFile(tablePath, 'utf8'), tablePath, problems);
  if (table === null) return { variant: 'table', version: located.version, datasets: [], columns: [], runs: [], droppedColumns: [], droppedRuns: 0 };

  const ids = Object.keys(perf);
  const names = datasetNames(ids);
  const known = Object.keys(descriptors);
  const datasets: { name: string; descriptors: readonly number[] }[] = [];
  const runs: ImportedRun[] = [];
  const used = new Set<string>();
  let droppedRuns = 0;
  for (const id of ids) {
    const name = names.get(id) ?? id;
    const match = matchDataset(id, known);
    const values = match === undefined ? undefined : descriptors[match];
    if (values === undefined) {
      problems.add({ file: file('meta', 'descriptors.json') }, `no descriptors for dataset '${id}' of curves/perf.json`);
      continue;
    }
    let count = 0;
    for (const [run, percents] of Object.entries(perf[id] ?? {})) {
      const row = table.rows.get(run);
      const where = { file: file('curves', 'perf.json'), path: `${id}.${run}` };
      if (row === undefined) {
        problems.add({ file: tablePath }, `no row for run '${run}' of dataset '${id}' (curves/perf.json)`);
        continue;
      }
      if (used.has(run)) {
        problems.add({ file: where.file }, `${where.path}: run '${run}' appears under two datasets`);
        continue;
      }
      const seconds = cost[id]?.[run];
      if (seconds === undefined) {
        problems.add({ file: file('curves', 'cost.json') }, `${id}.${run}: no epoch times for this run of curves/perf.json`);
        continue;
      }
      const curve = convertCurve(percents, [seconds], where, problems);
      if (curve === null) continue;
      used.add(run);
      if (curve.scores.length === 0) {
        droppedRuns++;
        continue;
      }
      runs.push({ id: run, dataset: name, model: row.model, cells: row.cells, ...curve });
      count++;
    }
    if (count > 0) datasets.push({ name, descriptors: values });
  }
  droppedRuns += [...table.rows.keys()].filter((run) => !used.has(run)).length;
  return { variant: 'table', version: located.version, datasets, columns: table.columns, runs, droppedColumns: [], droppedRuns };
}
