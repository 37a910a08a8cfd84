import type { CellValue, ColumnInfo } from './types.ts';
import { parseNumberCell } from './parse-cell.ts';

/** A typed column: its description and its parsed cells, in row order. */
export interface TypedColumn {
  readonly info: ColumnInfo;
  readonly values: readonly CellValue[];
}

/**
 * Types a free column from its raw cells: numeric when every non-empty cell parses as a finite number,
 * categorical otherwise. Empty cells are missing (null) in both kinds.
 */
export function typeColumn(name: string, cells: readonly string[]): TypedColumn {
  const numbers: (number | null)[] = new Array<number | null>(cells.length);
  let numeric = true;
  let missing = 0;
  for (let i = 0; i < cells.length; i++) {
    const text = (cells[i] ?? '').trim();
    if (text === '') {
      numbers[i] = null;
      missing++;
      continue;
    }
    const parsed = parseNumberCell(text);
    if (!parsed.ok) {
      numeric = false;
      break;
    }
    numbers[i] = parsed.value;
  }
  return numeric ? numericColumn(name, numbers, missing) : categoricalColumn(name, cells);
}

function numericColumn(name: string, values: readonly (number | null)[], missing: number): TypedColumn {
  const present = values.filter((v): v is number => v !== null);
  const distinct = [...new Set(present)].sort((a, b) => a - b);
  if (present.length === 0) {
    return { info: { name, kind: 'numeric', missing, distinct: [] }, values };
  }
  let sum = 0;
  for (const v of present) sum += v;
  const mean = sum / present.length;
  let squares = 0;
  for (const v of present) squares += (v - mean) * (v - mean);
  const info: ColumnInfo = {
    name,
    kind: 'numeric',
    missing,
    min: distinct[0],
    max: distinct[distinct.length - 1],
    mean,
    // NOTE: population standard deviation (divide by n): a statistic of this data, not an estimate.
    std: Math.sqrt(squares / present.length),
    distinct: distinct.map(String),
  };
  return { info, values };
}

function categoricalColumn(name: string, cells: readonly string[]): TypedColumn {
  const values: CellValue[] = cells.map((cell) => (cell.trim() === '' ? null : cell));
  const labels = new Set<string>();
  for (const v of values) if (v !== null) labels.add(String(v));
  const missing = values.length - values.filter((v) => v !== null).length;
  // NOTE: code-point order, not localeCompare: the category order is part of a predictor's encoding and
  // must not depend on the machine's locale.
  const distinct = [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { info: { name, kind: 'categorical', missing, distinct }, values };
}
