import type { Hash } from 'node:crypto';
import { streamCsv } from './csv-stream.ts';
import { checkFieldCount, columnIndex, readHeader, type Header } from './header.ts';
import type { ProblemList } from './problems.ts';

/** One row of configs.csv, hyperparameter cells still raw. */
export interface ConfigRow {
  readonly id: string;
  readonly dataset: string;
  readonly model: string;
  readonly line: number;
}

/** configs.csv as read. */
export interface ConfigRows {
  /** Hyperparameter column names in file order (config_id, dataset and model excluded). */
  readonly columns: readonly string[];
  readonly rows: readonly ConfigRow[];
  /** cells[c][r] = raw cell of hyperparameter column c for row r. */
  readonly cells: readonly string[][];
  /** Every config_id seen, usable or not: curve rows of a rejected config are not reported again. */
  readonly seen: ReadonlySet<string>;
}

const KEY_COLUMNS = ['config_id', 'dataset', 'model'] as const;

/**
 * Reads configs.csv: unique config ids, each run's dataset (which must be in datasets.csv) and model, plus
 * free hyperparameter columns.
 */
export async function readConfigs(
  path: string,
  file: string,
  datasets: ReadonlySet<string> | null,
  problems: ProblemList,
  hash: Hash,
): Promise<ConfigRows | null> {
  let header = null as Header | null;
  let headerSeen = false;
  let idAt = 0;
  let datasetAt = 0;
  let modelAt = 0;
  let freeAt: number[] = [];
  const rows: ConfigRow[] = [];
  const cells: string[][] = [];
  const firstLine = new Map<string, number>();
  const ok = await streamCsv(path, file, (row, line) => {
    if (!headerSeen) {
      headerSeen = true;
      header = readHeader(row, file, KEY_COLUMNS, problems);
      if (header === null) return;
      [idAt, datasetAt, modelAt] = KEY_COLUMNS.map((name) => columnIndex(header as Header, name)) as [number, number, number];
      freeAt = header.names.map((_, i) => i).filter((i) => i !== idAt && i !== datasetAt && i !== modelAt);
      for (let c = 0; c < freeAt.length; c++) cells.push([]);
      return;
    }
    if (header === null) return;
    const id = (row[idAt] ?? '').trim();
    if (!checkFieldCount(row, header, file, line, problems)) {
      if (id !== '' && !firstLine.has(id)) firstLine.set(id, line);
      return;
    }
    const dataset = (row[datasetAt] ?? '').trim();
    const model = (row[modelAt] ?? '').trim();
    let usable = true;
    if (id === '') {
      problems.add({ file, line, column: idAt + 1 }, 'empty config_id');
      usable = false;
    } else if (firstLine.has(id)) {
      problems.add({ file, line, column: idAt + 1 }, `duplicate config_id '${id}' (first on line ${firstLine.get(id)})`);
      usable = false;
    }
    if (dataset === '') {
      problems.add({ file, line, column: datasetAt + 1 }, 'empty dataset');
      usable = false;
    } else if (datasets !== null && !datasets.has(dataset)) {
      problems.add({ file, line, column: datasetAt + 1 }, `dataset '${dataset}' is not in datasets.csv`);
      usable = false;
    }
    if (model === '') {
      problems.add({ file, line, column: modelAt + 1 }, 'empty model');
      usable = false;
    }
    if (id !== '' && !firstLine.has(id)) firstLine.set(id, line);
    if (!usable) return;
    rows.push({ id, dataset, model, line });
    freeAt.forEach((at, c) => cells[c]?.push(row[at] ?? ''));
  }, problems, hash);
  if (!headerSeen && ok) problems.add({ file }, 'the file is empty (expected a header: config_id,dataset,model,<hyperparameters...>)');
  const read = header;
  if (!ok || read === null) return null;
  return { columns: freeAt.map((at) => read.names[at] ?? ''), rows, cells, seen: new Set(firstLine.keys()) };
}
