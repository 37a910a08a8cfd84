import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CsvError, parse, type Info } from 'csv-parse';
import type { ProblemList } from './problems.ts';

/** Receives each record of a CSV file with the 1-based line it ends on; the header is record 1. */
export type RecordHandler = (cells: readonly string[], line: number) => void;

interface ParsedRecord {
  readonly record: string[];
  readonly info: Info;
}

/**
 * Streams a CSV file through csv-parse, feeding its bytes to `hash` on the way. A syntax error (bad quote,
 * unreadable file) becomes one problem naming the file, line and column, and ends the file early; the
 * promise then resolves to false. Field counts are not checked here: the caller reports them per row.
 */
export function streamCsv(path: string, display: string, onRecord: RecordHandler, problems: ProblemList, hash?: Hash): Promise<boolean> {
  return new Promise((resolve) => {
    const input = createReadStream(path);
    const parser = parse({ info: true, relax_column_count: true, skip_empty_lines: true, bom: true });
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      input.destroy();
      resolve(ok);
    };
    if (hash !== undefined) input.on('data', (chunk) => hash.update(chunk));
    input.on('error', (error: NodeJS.ErrnoException) => {
      problems.add({ file: display }, `cannot read the file (${error.code ?? error.message})`);
      finish(false);
    });
    parser.on('data', (item: ParsedRecord) => {
      if (!settled) onRecord(item.record, item.info.lines);
    });
    parser.on('error', (error: Error) => {
      problems.add(csvErrorLocation(error, display), `malformed CSV: ${csvErrorText(error)}`);
      finish(false);
    });
    parser.on('end', () => finish(true));
    input.pipe(parser);
  });
}

function csvErrorLocation(error: Error, file: string): { file: string; line?: number; column?: number } {
  if (!(error instanceof CsvError)) return { file };
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  // NOTE: csv-parse reports the field index from 0; people count columns from 1.
  const column = typeof error.column === 'number' ? error.column + 1 : undefined;
  return line === undefined ? { file } : column === undefined ? { file, line } : { file, line, column };
}

function csvErrorText(error: Error): string {
  return error.message
    .replace(/\s+at line \d+.*$/s, '')
    .replace(/^Invalid Closing Quote: got "(.)"/, 'unexpected "$1" after a closing quote')
    .replace(/^Quote Not Closed: the parsing is finished with an opening quote/, 'a quote is never closed');
}
