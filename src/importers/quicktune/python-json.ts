import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError } from '../../errors.ts';
import { lineAndColumn } from '../../metadata/manifest.ts';

// NOTE: Python's json.dump writes NaN, Infinity and -Infinity, which JSON.parse rejects. Strings are matched
// first so that a "NaN" inside a string is left alone; the bare tokens become null.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g;

/** JSON text as Python writes it, with its non-finite numbers turned into null. */
export function sanitizePythonJson(text: string): string {
  return text.replace(TOKENS, (token) => (token.startsWith('"') ? token : 'null'));
}

/**
 * Reads a JSON file written by the Quick-Tune authors' Python code and validates its shape; problems name
 * the file (and the line and column of a syntax error, or the JSON path of a wrong value).
 */
export async function readPythonJson<T>(path: string, display: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = sanitizePythonJson(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${display}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'import.unreadable');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message)?.[1];
    const where = at === undefined ? display : `${display}:${lineAndColumn(text, Number(at)).line}:${lineAndColumn(text, Number(at)).column}`;
    throw new InputError(`${where}: not valid JSON (${message.replace(/\s*in JSON at position \d+.*$/, '')})`, 'import.invalid');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 20).map((issue) => `${display}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new InputError(lines, 'import.invalid');
  }
  return parsed.data;
}
