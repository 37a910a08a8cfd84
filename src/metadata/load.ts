import { readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { InputError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import { assembleCurve, type Curve } from './assemble-curves.ts';
import { typeColumn, type TypedColumn } from './columns.ts';
import { CANONICAL_FILES, combineHashes, fileHashes, type CanonicalFile } from './content-hash.ts';
import { InMemoryMetaDataset } from './in-memory-metadataset.ts';
import { parseManifest, type Manifest } from './manifest.ts';
import { ProblemList, DEFAULT_PROBLEM_CAP } from './problems.ts';
import { readConfigs, type ConfigRows } from './read-configs.ts';
import { readCurves } from './read-curves.ts';
import { readDatasets, type DatasetRows } from './read-datasets.ts';
import type { CellValue, MetaConfig, MetaDataset, MetaTask } from './types.ts';

const log = getLogger('metadata');

export interface LoadOptions {
  /** Problems listed before the rest are only counted (default 20). */
  readonly problemCap?: number;
}

/** A file path as the user wrote the folder: problems name it that way. */
export function displayPath(dir: string, file: string): string {
  return dir.endsWith('/') || dir.endsWith(sep) ? `${dir}${file}` : `${dir}${sep}${file}`;
}

/**
 * Loads and validates a meta-dataset in the canonical layout (docs/metadataset-format.md). Every problem
 * found is reported in one InputError, one line each, `<file>:<line>:<column>: <problem>`.
 */
export async function loadMetaDataset(dir: string, options: LoadOptions = {}): Promise<MetaDataset> {
  const started = performance.now();
  const folder = await stat(dir).catch(() => null);
  if (folder === null || !folder.isDirectory()) throw new InputError(`${dir}: meta-dataset folder not found`, 'metadata.notFound');
  const problems = new ProblemList(options.problemCap ?? DEFAULT_PROBLEM_CAP);
  const path = (file: CanonicalFile): string => join(dir, file);
  const shown = (file: CanonicalFile): string => displayPath(dir, file);
  for (const file of CANONICAL_FILES) {
    const info = await stat(path(file)).catch(() => null);
    if (info === null || !info.isFile()) {
      problems.add({ file: shown(file) }, `file not found (a meta-dataset folder holds ${CANONICAL_FILES.join(', ')})`);
    }
  }
  problems.throwIfAny('metadata.missingFile');

  const hashes = fileHashes();
  const manifestBytes = await readFile(path('metadataset.json'));
  hashes['metadataset.json'].update(manifestBytes);
  const manifest = parseManifest(manifestBytes.toString('utf8'), shown('metadataset.json'), problems);
  const datasets = await readDatasets(path('datasets.csv'), shown('datasets.csv'), problems, hashes['datasets.csv']);
  const datasetNames = datasets === null ? null : new Set(datasets.names);
  const configs = await readConfigs(path('configs.csv'), shown('configs.csv'), datasetNames, problems, hashes['configs.csv']);
  // NOTE: without a readable configs.csv every curve row would be reported as an unknown config: skip it.
  const curveTable =
    configs === null
      ? null
      : await readCurves(
          path('curves.csv'),
          shown('curves.csv'),
          { usable: new Set(configs.rows.map((row) => row.id)), seen: configs.seen },
          manifest?.max_epochs ?? null,
          problems,
          hashes['curves.csv'],
        );
  const curves = new Map<string, Curve>();
  if (configs !== null && curveTable !== null) {
    for (const row of configs.rows) {
      const rows = curveTable.byConfig.get(row.id);
      if (rows === undefined || rows.epochs.length === 0) {
        if (!problems.full) problems.add({ file: shown('configs.csv'), line: row.line }, `config_id '${row.id}' has no rows in curves.csv`);
        continue;
      }
      const curve = assembleCurve(row.id, rows, shown('curves.csv'), curveTable.epochColumn, problems);
      if (curve !== null) curves.set(row.id, curve);
    }
  }
  if (manifest !== null && datasets !== null && configs !== null && curveTable !== null) {
    checkCounts(manifest, { datasets: datasets.names.length, configs: configs.rows.length, curve_points: curveTable.rowCount }, shown('metadataset.json'), problems);
  }
  problems.throwIfAny();
  if (manifest === null || datasets === null || configs === null) throw new InputError(`${dir}: meta-dataset could not be read`);

  const result = build(dir, manifest, datasets, configs, curves, combineHashes(hashes));
  log.debug({ dir, configs: result.totals.configs, ms: Math.round(performance.now() - started) }, 'meta-dataset loaded');
  return result;
}

function checkCounts(manifest: Manifest, actual: Record<'datasets' | 'configs' | 'curve_points', number>, file: string, problems: ProblemList): void {
  const files = { datasets: 'datasets.csv', configs: 'configs.csv', curve_points: 'curves.csv' } as const;
  for (const key of ['datasets', 'configs', 'curve_points'] as const) {
    const declared = manifest[key];
    if (declared !== undefined && declared !== actual[key]) {
      problems.add({ file }, `${key} is ${declared}, but ${files[key]} has ${actual[key]} rows (a truncated or edited file?)`);
    }
  }
}

function build(dir: string, manifest: Manifest, datasets: DatasetRows, configs: ConfigRows, curves: ReadonlyMap<string, Curve>, contentHash: string): MetaDataset {
  const hyperparameters = configs.columns.map((name, c) => typeColumn(name, configs.cells[c] ?? []));
  const metaFeatures = datasets.columns.map((name, c) => typeColumn(name, datasets.cells[c] ?? []));
  const byDataset = new Map<string, MetaConfig[]>();
  configs.rows.forEach((row, r) => {
    const curve = curves.get(row.id);
    if (curve === undefined) return;
    const config: MetaConfig = { id: row.id, dataset: row.dataset, model: row.model, values: record(hyperparameters, r), scores: curve.scores, costs: curve.costs };
    const list = byDataset.get(row.dataset) ?? [];
    list.push(config);
    byDataset.set(row.dataset, list);
  });
  const tasks = new Map<string, MetaTask>();
  datasets.names.forEach((name, r) => {
    const list = byDataset.get(name);
    if (list === undefined) {
      log.warn({ dataset: name }, 'dataset of datasets.csv has no runs in configs.csv; it is left out');
      return;
    }
    let yBest = -Infinity;
    let yWorst = Infinity;
    for (const config of list) {
      for (const score of config.scores) {
        if (score > yBest) yBest = score;
        if (score < yWorst) yWorst = score;
      }
    }
    tasks.set(name, { name, metaFeatures: record(metaFeatures, r), configs: list, yBest, yWorst });
  });
  return new InMemoryMetaDataset({
    name: manifest.name,
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    ...(manifest.metric === undefined ? {} : { metric: manifest.metric }),
    maxEpochs: manifest.max_epochs,
    dir,
    contentHash,
    hyperparameters: hyperparameters.map((column) => column.info),
    metaFeatures: metaFeatures.map((column) => column.info),
    tasks,
  });
}

function record(columns: readonly TypedColumn[], row: number): Readonly<Record<string, CellValue>> {
  const values: Record<string, CellValue> = {};
  for (const column of columns) values[column.info.name] = column.values[row] ?? null;
  return values;
}
