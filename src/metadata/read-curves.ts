import type { Hash } from 'node:crypto';
import { streamCsv } from './csv-stream.ts';
import { checkFieldCount, columnIndex, readHeader, type Header } from './header.ts';
import { parseNumberCell, parsePositiveInteger, quoteCell } from './parse-cell.ts';
import type { ProblemList } from './problems.ts';

/** The valid curve rows of one config, in file order (not yet sorted or checked for gaps). */
export interface CurveRows {
  readonly epochs: number[];
  readonly scores: number[];
  readonly costs: number[];
  readonly lines: number[];
}

/** curves.csv as read: rows grouped by config, plus what the gap check needs to name columns. */
export interface CurveTable {
  readonly byConfig: ReadonlyMap<string, CurveRows>;
  /** 1-based column of `epoch`, for problems about the epoch sequence. */
  readonly epochColumn: number;
  readonly rowCount: number;
}

const REQUIRED = ['config_id', 'epoch', 'score', 'cost_seconds'] as const;

/**
 * Streams curves.csv (the big file: one row per finished epoch) and checks each row on its own: a known
 * config_id, an epoch in 1..maxEpochs, a finite score in [0, 1], a finite non-negative cost. Extra columns
 * are allowed and ignored.
 */
export async function readCurves(
  path: string,
  file: string,
  configs: { readonly usable: ReadonlySet<string>; readonly seen: ReadonlySet<string> },
  maxEpochs: number | null,
  problems: ProblemList,
  hash: Hash,
): Promise<CurveTable | null> {
  let header = null as Header | null;
  let headerSeen = false;
  let at = [0, 0, 0, 0];
  let rowCount = 0;
  const byConfig = new Map<string, CurveRows>();
  for (const id of configs.usable) byConfig.set(id, { epochs: [], scores: [], costs: [], lines: [] });
  const ok = await streamCsv(path, file, (row, line) => {
    if (!headerSeen) {
      headerSeen = true;
      header = readHeader(row, file, REQUIRED, problems);
      if (header !== null) at = REQUIRED.map((name) => columnIndex(header as Header, name));
      return;
    }
    rowCount++;
    if (header === null || !checkFieldCount(row, header, file, line, problems)) return;
    const [idAt = 0, epochAt = 0, scoreAt = 0, costAt = 0] = at;
    const id = (row[idAt] ?? '').trim();
    const rows = byConfig.get(id);
    if (rows === undefined) {
      if (!configs.seen.has(id)) problems.add({ file, line, column: idAt + 1 }, `config_id ${quoteCell(id)} is not in configs.csv`);
      return;
    }
    const epochText = row[epochAt] ?? '';
    const epoch = parsePositiveInteger(epochText);
    let valid = true;
    if (epoch === null) {
      problems.add({ file, line, column: epochAt + 1 }, `epoch ${quoteCell(epochText)} is not a positive integer`);
      valid = false;
    } else if (maxEpochs !== null && epoch > maxEpochs) {
      problems.add({ file, line, column: epochAt + 1 }, `epoch ${epoch} is beyond max_epochs ${maxEpochs} of metadataset.json`);
      valid = false;
    }
    const score = checkedNumber(row[scoreAt] ?? '', 'score', { file, line, column: scoreAt + 1 }, problems);
    if (score !== null && (score < 0 || score > 1)) {
      problems.add({ file, line, column: scoreAt + 1 }, `score ${score} is outside [0, 1] (scores are fractions, not percentages)`);
    }
    const cost = checkedNumber(row[costAt] ?? '', 'cost_seconds', { file, line, column: costAt + 1 }, problems);
    if (cost !== null && cost < 0) problems.add({ file, line, column: costAt + 1 }, `cost_seconds ${cost} is negative`);
    if (!valid || epoch === null) return;
    // NOTE: a row with a bad score or cost still holds its epoch, so that one bad cell is not reported again
    // as a gap in the epochs; the NaN never reaches a loaded curve because the load fails on the problem.
    rows.epochs.push(epoch);
    rows.scores.push(score ?? Number.NaN);
    rows.costs.push(cost ?? Number.NaN);
    rows.lines.push(line);
  }, problems, hash);
  if (!headerSeen && ok) problems.add({ file }, 'the file is empty (expected a header: config_id,epoch,score,cost_seconds)');
  if (!ok || header === null) return null;
  return { byConfig, epochColumn: (at[1] ?? 0) + 1, rowCount };
}

function checkedNumber(text: string, what: string, where: { file: string; line: number; column: number }, problems: ProblemList): number | null {
  const parsed = parseNumberCell(text.trim());
  if (parsed.ok) return parsed.value;
  const detail = parsed.reason === 'empty' ? 'is empty' : parsed.reason === 'not finite' ? 'is not finite' : 'is not a number';
  problems.add(where, `${what} ${quoteCell(text)} ${detail}`);
  return null;
}
