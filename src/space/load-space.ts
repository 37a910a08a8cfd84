import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import { canonicalHash } from '../util/canonical-json.ts';
import { shippedMetadataPath } from '../util/package-info.ts';
import { normalizeParameters } from './normalize.ts';
import { resolvePinned } from './pinned.ts';
import { formatPath, type SpaceProblem } from './problems.ts';
import { checkParameters } from './rules.ts';
import { DEFAULT_POOL_SIZE, WrittenSpaceSchema } from './schema.ts';
import type { SearchSpace } from './types.ts';

/** The shipped default: the paper's finetuning space over the 24 hub models (docs/method.md §2). */
export const DEFAULT_SPACE_PATH = (): string => shippedMetadataPath('search-space.yaml');

/** What a space file yields: the space, or the problems (one `<file>: <path>: <problem>` line each). */
export type SpaceParseResult =
  | { readonly ok: true; readonly space: SearchSpace; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses a space document (JSON when `file` ends in .json, YAML otherwise) through parse -> normalize ->
 * rules. Never throws on bad input: the caller decides what a problem costs.
 */
export function parseSpace(text: string, file: string): SpaceParseResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  let data: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      return { ok: false, problems: [`${file}: not valid JSON (${(error as Error).message})`] };
    }
  } else {
    const [first] = document.errors;
    if (first) {
      const pos = first.linePos?.[0];
      const where = pos ? `:${pos.line}:${pos.col}` : '';
      const message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, problems: [`${file}${where}: not valid YAML (${message})`] };
    }
    data = document.toJS();
  }
  const format = (list: readonly SpaceProblem[]): string[] => list.map((p) => formatProblem(file, p, document, lines));
  const parsed = WrittenSpaceSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, problems: format(parsed.error.issues.map((i) => ({ path: i.path.map(pathSegment), message: i.message }))) };
  }
  const parameters = normalizeParameters(parsed.data);
  const checked = checkParameters(parameters);
  if (checked.problems.length > 0) return { ok: false, problems: format(checked.problems) };
  const pins = resolvePinned(parsed.data.pinned ?? [], parameters, checked.order);
  if (pins.problems.length > 0) return { ok: false, problems: format(pins.problems) };
  const poolSize = parsed.data.pool_size ?? DEFAULT_POOL_SIZE;
  const hash = canonicalHash({ parameters, pinned: pins.pinned, poolSize });
  const space: SearchSpace = { name: parsed.data.name, source: file, parameters, order: checked.order, pinned: pins.pinned, poolSize, hash };
  return { ok: true, space, warnings: format([...checked.warnings, ...pins.warnings]) };
}

/** Reads and validates a space file; every problem becomes one line of an InputError (exit 2). */
export async function loadSpace(file: string = DEFAULT_SPACE_PATH()): Promise<SearchSpace> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`${file}: search space file not found or unreadable`);
  }
  const result = parseSpace(text, file);
  if (!result.ok) throw new InputError(result.problems, 'space.invalid');
  const log = getLogger('space');
  for (const warning of result.warnings) log.warn(warning);
  return result.space;
}

function formatProblem(file: string, p: SpaceProblem, document: Document, lines: LineCounter): string {
  const line = lineOf(p.path, document, lines);
  return `${file}: ${formatPath(p.path)}: ${p.message}${line === undefined ? '' : ` (line ${line})`}`;
}

/** The line of the deepest node of `path` present in the document, for messages; undefined when unknown. */
function lineOf(path: readonly (string | number)[], document: Document, lines: LineCounter): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const node: unknown = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function pathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}
