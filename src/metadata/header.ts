import type { ProblemList } from './problems.ts';

/** A CSV header: column names in file order and their 0-based positions. */
export interface Header {
  readonly names: readonly string[];
  readonly position: ReadonlyMap<string, number>;
}

/**
 * Checks a header row: every required column present, no duplicate or empty names. Problems are reported
 * on line 1; returns null when a required column is missing (the rows cannot be read then).
 */
export function readHeader(cells: readonly string[], file: string, required: readonly string[], problems: ProblemList): Header | null {
  const position = new Map<string, number>();
  cells.forEach((raw, index) => {
    const name = raw.trim();
    if (name === '') {
      problems.add({ file, line: 1, column: index + 1 }, 'empty column name in the header');
    } else if (position.has(name)) {
      problems.add({ file, line: 1, column: index + 1 }, `column '${name}' appears twice in the header`);
    } else {
      position.set(name, index);
    }
  });
  const missing = required.filter((name) => !position.has(name));
  for (const name of missing) {
    problems.add({ file, line: 1 }, `missing column '${name}' (required: ${required.join(', ')})`);
  }
  if (missing.length > 0) return null;
  return { names: cells.map((cell) => cell.trim()), position };
}

/** 0-based position of a column that readHeader has checked to be present. */
export function columnIndex(header: Header, name: string): number {
  const index = header.position.get(name);
  if (index === undefined) throw new RangeError(`column '${name}' is not in the header`);
  return index;
}

/** Reports a row whose field count differs from the header's; true when the row is usable. */
export function checkFieldCount(cells: readonly string[], header: Header, file: string, line: number, problems: ProblemList): boolean {
  if (cells.length === header.names.length) return true;
  problems.add({ file, line }, `${cells.length} fields, but the header has ${header.names.length}`);
  return false;
}
