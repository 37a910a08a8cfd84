/**
 * A canonical meta-dataset made of another one plus the tfjs trainer's recorded learning curves as extra tasks
 * (the output of bench/journal-curves.ts or bench/tfjs-curves.ts), each named `tfjs-<task>`. It is what
 * meta-training on the built-in trainer's own curves needs: `quicktune meta-train --metadataset OUT
 * --exclude tfjs-<task>` leaves one recorded folder out, and bench/predictor-tfjs-quality.ts --predictor
 * scores the result on it. The base's files are copied unchanged and the result is loaded once to check it.
 *
 * node dist/bench/metadataset-with-curves.js --base METADATASET_DIR --curves curves.json --out DIR
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readJsonFile } from './json-file.ts';
import { csvLine } from '../src/importers/csv-text.ts';
import { loadMetaDataset } from '../src/metadata/load.ts';
import type { RecordedTask } from './tfjs-curves.ts';

const { values } = parseArgs({ options: { base: { type: 'string' }, curves: { type: 'string' }, out: { type: 'string' } } });

/** The column names of a CSV header line (the canonical files' headers are never quoted). */
function header(text: string): string[] {
  return (text.split(/\r?\n/, 1)[0] ?? '').replace(/^\uFEFF/, '').split(',');
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'boolean' ? String(Number(value)) : String(value);
}

/** The line break a CSV file uses: rows appended to it must use the same (its parser takes the first one it sees). */
function lineBreak(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The text of a CSV file, ending with its line break so rows can be appended. */
function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}${lineBreak(text)}`;
}

/** A CSV row ending with `eol`. */
function row(fields: readonly string[], eol: string): string {
  return csvLine(fields).replace(/\n$/, eol);
}

async function main(): Promise<void> {
  if (!values.base || !values.curves || !values.out) throw new Error('usage: --base METADATASET_DIR --curves curves.json --out DIR');
  const read = (file: string): Promise<string> => readFile(join(values.base as string, file), 'utf8');
  const [meta, datasets, configs, curves] = await Promise.all([read('metadataset.json'), read('datasets.csv'), read('configs.csv'), read('curves.csv')]);
  const recorded = (await readJsonFile(values.curves)) as { tasks?: RecordedTask[] };
  if (!Array.isArray(recorded.tasks)) throw new Error(`${values.curves}: no "tasks" array (expected the output of bench/journal-curves.ts)`);
  const metaColumns = header(datasets).slice(1);
  const configColumns = header(configs).slice(3);
  const rows = { datasets: [withNewline(datasets)], configs: [withNewline(configs)], curves: [withNewline(curves)] };
  let added = { tasks: 0, runs: 0, points: 0 };
  for (const task of recorded.tasks) {
    const name = `tfjs-${task.name}`;
    rows.datasets.push(row([name, ...metaColumns.map((c) => cell(task.meta_features[c]))], lineBreak(datasets)));
    for (const curve of task.curves) {
      const id = `${name}-${curve.config_id}`;
      rows.configs.push(row([id, name, String(curve.config.model), ...configColumns.map((c) => cell(curve.config[c]))], lineBreak(configs)));
      curve.scores.forEach((score, i) => rows.curves.push(row([id, String(i + 1), String(score), String(curve.seconds[i] ?? 0)], lineBreak(curves))));
      added = { tasks: added.tasks, runs: added.runs + 1, points: added.points + curve.scores.length };
    }
    added = { ...added, tasks: added.tasks + 1 };
  }
  const base = JSON.parse(meta) as Record<string, unknown>;
  const count = (key: string, more: number): Record<string, number> => (typeof base[key] === 'number' ? { [key]: (base[key] as number) + more } : {});
  const manifest = {
    ...base,
    name: `${String(base.name)}+tfjs`,
    description: `${String(base.description ?? base.name)}; plus learning curves of quicktune's tfjs trainer (${recorded.tasks.map((t) => t.name).join(', ')})`,
    ...count('datasets', added.tasks),
    ...count('configs', added.runs),
    ...count('curve_points', added.points),
  };
  await mkdir(values.out, { recursive: true });
  await writeFile(join(values.out, 'metadataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(values.out, 'datasets.csv'), rows.datasets.join(''));
  await writeFile(join(values.out, 'configs.csv'), rows.configs.join(''));
  await writeFile(join(values.out, 'curves.csv'), rows.curves.join(''));
  const loaded = await loadMetaDataset(values.out);
  console.error(`${values.out}: ${loaded.tasks.size} tasks (${added.tasks} recorded), ${added.runs} recorded runs, ${added.points} recorded epochs`);
}

// NOTE: bad input (a missing folder or file, a malformed profile or meta-dataset) is one message and exit 2.
await main().catch((error: unknown) => {
  process.stderr.write(`metadataset-with-curves: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
