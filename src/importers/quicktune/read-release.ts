import { join } from 'node:path';
import { z } from 'zod';
import type { ProblemList } from '../../metadata/problems.ts';
import { convertCurve } from './curves.ts';
import { decodeArgs } from './decode-args.ts';
import { datasetNames, DESCRIPTOR_COLUMNS, matchDataset, type ImportedMetaDataset, type ImportedRun } from './imported.ts';
import { locateMetaFeatures, type LocatedRelease } from './locate.ts';
import { readPythonJson } from './python-json.ts';

/** {dataset_id: {run_id: [value per epoch]}}; null where Python wrote NaN. */
export const CurveFileSchema = z.record(z.string(), z.record(z.string(), z.array(z.number().nullable())));
const ArgsSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
const MetaFeaturesSchema = z.looseObject({
  dataset_names: z.array(z.string()),
  dataset_descriptors: z.array(z.array(z.number()).length(DESCRIPTOR_COLUMNS.length)),
});

/**
 * Reads the eval_top1.json layout: curves keyed by dataset id and run id, the epoch's cost = train_time +
 * eval_time, hyperparameters from args.json, meta-features from dataset-meta-features/<set>.
 */
export async function readRelease(located: LocatedRelease, problems: ProblemList): Promise<ImportedMetaDataset> {
  const file = (name: string): string => join(located.dir, name);
  const top1 = await readPythonJson(file('eval_top1.json'), file('eval_top1.json'), CurveFileSchema);
  const train = await readPythonJson(file('train_time.json'), file('train_time.json'), CurveFileSchema);
  const evalTime = await readPythonJson(file('eval_time.json'), file('eval_time.json'), CurveFileSchema);
  const args = await readPythonJson(file('args.json'), file('args.json'), ArgsSchema);
  const metaPath = await locateMetaFeatures(located);
  const meta = await readPythonJson(metaPath, metaPath, MetaFeaturesSchema);
  if (meta.dataset_names.length !== meta.dataset_descriptors.length) {
    problems.add({ file: metaPath }, `${meta.dataset_names.length} dataset_names but ${meta.dataset_descriptors.length} dataset_descriptors`);
  }

  const ids = Object.keys(top1);
  const names = datasetNames(ids);
  const datasets: { name: string; descriptors: readonly number[] }[] = [];
  const pending: { id: string; dataset: string; model: string; scores: number[]; costs: number[] }[] = [];
  const kept = new Map<string, Readonly<Record<string, unknown>>>();
  let droppedRuns = 0;
  for (const id of ids) {
    const name = names.get(id) ?? id;
    const match = matchDataset(id, meta.dataset_names);
    const descriptors = match === undefined ? undefined : meta.dataset_descriptors[meta.dataset_names.indexOf(match)];
    if (descriptors === undefined) {
      problems.add({ file: metaPath }, `no meta-features for dataset '${id}' of eval_top1.json (dataset_names has no such entry)`);
      continue;
    }
    let runs = 0;
    for (const [run, percents] of Object.entries(top1[id] ?? {})) {
      const entry = args[run];
      const where = { file: file('eval_top1.json'), path: `${id}.${run}` };
      if (entry === undefined) {
        problems.add({ file: file('args.json') }, `run '${run}' of dataset '${id}' (eval_top1.json) has no entry`);
        continue;
      }
      if (kept.has(run)) {
        problems.add({ file: where.file }, `${where.path}: run '${run}' appears under two datasets`);
        continue;
      }
      const model = entry.model;
      if (typeof model !== 'string' || model === '') {
        problems.add({ file: file('args.json') }, `${run}.model: missing or not a string`);
        continue;
      }
      const trainSeries = train[id]?.[run];
      const evalSeries = evalTime[id]?.[run];
      if (trainSeries === undefined || evalSeries === undefined) {
        problems.add({ file: trainSeries === undefined ? file('train_time.json') : file('eval_time.json') }, `${id}.${run}: no epoch times for this run of eval_top1.json`);
        continue;
      }
      const curve = convertCurve(percents, [trainSeries, evalSeries], where, problems);
      if (curve === null) continue;
      if (curve.scores.length === 0) {
        droppedRuns++;
        continue;
      }
      kept.set(run, entry);
      pending.push({ id: run, dataset: name, model, ...curve });
      runs++;
    }
    if (runs > 0) datasets.push({ name, descriptors });
  }
  const inCurves = new Set(ids.flatMap((id) => Object.keys(top1[id] ?? {})));
  droppedRuns += Object.keys(args).filter((run) => !inCurves.has(run)).length;
  const decoded = decodeArgs(kept);
  const runs: ImportedRun[] = pending.map((run) => ({ ...run, cells: decoded.cells.get(run.id) ?? {} }));
  return { variant: 'release', version: located.version, datasets, columns: decoded.columns, runs, droppedColumns: decoded.dropped, droppedRuns };
}

