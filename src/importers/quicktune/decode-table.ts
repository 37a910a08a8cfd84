import { CsvError, parse } from 'csv-parse/sync';
import type { ProblemList } from '../../metadata/problems.ts';

/** table.csv decoded: run id → canonical cells, and the model of each run. */
export interface DecodedTable {
  readonly columns: string[];
  readonly rows: Map<string, { readonly model: string; readonly cells: Record<string, string> }>;
}

const HOT = new Set(['1', '1.0', 'True', 'true']);
const COLD = new Set(['0', '0.0', 'False', 'false', '']);

interface ParsedRow {
  readonly record: string[];
  readonly line: number;
}

/** csv-parse's records with `info: true` (its sync typings do not say so). */
function toRows(parsed: unknown): ParsedRow[] {
  if (!Array.isArray(parsed)) return [];
  return parsed.map((item: unknown) => {
    const record = typeof item === 'object' && item !== null && 'record' in item && Array.isArray(item.record) ? item.record.map(String) : [];
    const info = typeof item === 'object' && item !== null && 'info' in item ? item.info : undefined;
    const line = typeof info === 'object' && info !== null && 'lines' in info && typeof info.lines === 'number' ? info.lines : 0;
    return { record, line };
  });
}

interface Group {
  readonly name: string;
  readonly members: { readonly label: string; readonly at: number }[];
}

/**
 * Decodes the authors' table.csv: the first column is the run id, `cat:<hp>:<value>` columns one-hot
 * encode the categorical hyperparameters (decoded back to `<value>`; no hot column = missing), the other
 * columns are copied as they are. Categorical columns come first in the output, then the others, each in
 * file order; `cat:model:*` becomes the model and a `dataset` column is ignored (the curves say it).
 */
export function decodeTable(text: string, file: string, problems: ProblemList): DecodedTable | null {
  let records: ParsedRow[];
  try {
    records = toRows(parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' ? error.lines : undefined;
    problems.add(line === undefined ? { file } : { file, line }, `malformed CSV: ${error.message.replace(/\s+at line \d+.*$/s, '')}`);
    return null;
  }
  const header = records[0]?.record;
  if (header === undefined) {
    problems.add({ file }, 'the file is empty');
    return null;
  }
  const groups = new Map<string, Group>();
  const plain: { name: string; at: number }[] = [];
  header.forEach((name, at) => {
    if (at === 0 || name === 'dataset') return;
    const match = /^cat:([^:]+):(.*)$/s.exec(name);
    if (match === null) {
      plain.push({ name, at });
      return;
    }
    const [, hp = '', label = ''] = match;
    const group = groups.get(hp) ?? { name: hp, members: [] };
    group.members.push({ label, at });
    groups.set(hp, group);
  });
  const model = groups.get('model');
  if (model === undefined) {
    problems.add({ file, line: 1 }, 'no cat:model:<name> columns: the table does not say which model each run used');
    return null;
  }
  groups.delete('model');
  groups.delete('dataset');
  const rows = new Map<string, { model: string; cells: Record<string, string> }>();
  for (const { record, line } of records.slice(1)) {
    if (record.length !== header.length) {
      problems.add({ file, line }, `${record.length} fields, but the header has ${header.length}`);
      continue;
    }
    const id = (record[0] ?? '').trim();
    if (id === '' || rows.has(id)) {
      problems.add({ file, line, column: 1 }, id === '' ? 'empty run id' : `run '${id}' is listed twice`);
      continue;
    }
    const modelName = decodeGroup(model, record, { file, line }, problems);
    if (modelName === null || modelName === '') {
      if (modelName === '') problems.add({ file, line }, `run '${id}': no cat:model column is 1`);
      continue;
    }
    const cells: Record<string, string> = {};
    let ok = true;
    for (const group of groups.values()) {
      const value = decodeGroup(group, record, { file, line }, problems);
      if (value === null) ok = false;
      else cells[group.name] = value;
    }
    for (const { name, at } of plain) {
      const cell = (record[at] ?? '').trim();
      cells[name] = /^[+-]?nan$/i.test(cell) ? '' : cell;
    }
    if (ok) rows.set(id, { model: modelName, cells });
  }
  return { columns: [...groups.keys(), ...plain.map((p) => p.name)], rows };
}

/** The label of the group's hot column, '' when none is hot, null (reported) when the cells are inconsistent. */
function decodeGroup(group: Group, record: readonly string[], where: { file: string; line: number }, problems: ProblemList): string | null {
  let value = '';
  for (const { label, at } of group.members) {
    const cell = (record[at] ?? '').trim();
    if (HOT.has(cell)) {
      if (value !== '') {
        problems.add({ ...where, column: at + 1 }, `both '${value}' and '${label}' are set for ${group.name}`);
        return null;
      }
      value = label;
    } else if (!COLD.has(cell)) {
      problems.add({ ...where, column: at + 1 }, `one-hot cell '${cell}' of cat:${group.name}:${label} is neither 0 nor 1`);
      return null;
    }
  }
  return value;
}
