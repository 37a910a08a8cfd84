import type { Hash } from 'node:crypto';
import { streamCsv } from './csv-stream.ts';
import { checkFieldCount, columnIndex, readHeader, type Header } from './header.ts';
import type { ProblemList } from './problems.ts';

/** datasets.csv as read: one row per task, meta-feature cells still raw. */
export interface DatasetRows {
  /** Meta-feature column names in file order (the `dataset` column excluded). */
  readonly columns: readonly string[];
  /** Dataset names in file order. */
  readonly names: readonly string[];
  /** cells[c][r] = raw cell of meta-feature column c for dataset r. */
  readonly cells: readonly string[][];
  /** 1-based line of each dataset's row. */
  readonly lines: ReadonlyMap<string, number>;
}

/** Reads datasets.csv: a `dataset` column of unique names plus free meta-feature columns. */
export async function readDatasets(path: string, file: string, problems: ProblemList, hash: Hash): Promise<DatasetRows | null> {
  let header = null as Header | null;
  let headerSeen = false;
  let datasetAt = 0;
  let freeAt: number[] = [];
  const names: string[] = [];
  const cells: string[][] = [];
  const lines = new Map<string, number>();
  const ok = await streamCsv(path, file, (row, line) => {
    if (!headerSeen) {
      headerSeen = true;
      header = readHeader(row, file, ['dataset'], problems);
      if (header === null) return;
      datasetAt = columnIndex(header, 'dataset');
      freeAt = header.names.map((_, i) => i).filter((i) => i !== datasetAt);
      for (let c = 0; c < freeAt.length; c++) cells.push([]);
      return;
    }
    if (header === null || !checkFieldCount(row, header, file, line, problems)) return;
    const name = (row[datasetAt] ?? '').trim();
    if (name === '') {
      problems.add({ file, line, column: datasetAt + 1 }, 'empty dataset name');
      return;
    }
    const first = lines.get(name);
    if (first !== undefined) {
      problems.add({ file, line, column: datasetAt + 1 }, `dataset '${name}' is listed twice (first on line ${first})`);
      return;
    }
    lines.set(name, line);
    names.push(name);
    freeAt.forEach((at, c) => cells[c]?.push(row[at] ?? ''));
  }, problems, hash);
  if (!headerSeen && ok) problems.add({ file }, 'the file is empty (expected a header: dataset,<meta-features...>)');
  const read = header;
  if (!ok || read === null) return null;
  return { columns: freeAt.map((at) => read.names[at] ?? ''), names, cells, lines };
}
