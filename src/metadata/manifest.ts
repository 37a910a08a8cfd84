import { z } from 'zod';
import type { ProblemList } from './problems.ts';

/** metadataset.json. The optional counts, when present, are checked against the files (a truncation guard). */
export const ManifestSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  metric: z.string().optional(),
  max_epochs: z.number().int().positive(),
  datasets: z.number().int().nonnegative().optional(),
  configs: z.number().int().nonnegative().optional(),
  curve_points: z.number().int().nonnegative().optional(),
});

export type Manifest = z.infer<typeof ManifestSchema>;

/** Parses metadataset.json text; JSON syntax errors are located by line and column. */
export function parseManifest(text: string, file: string, problems: ProblemList): Manifest | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    if (position?.[1] === undefined) {
      problems.add({ file }, `not valid JSON (${message})`);
    } else {
      const { line, column } = lineAndColumn(text, Number(position[1]));
      problems.add({ file, line, column }, `not valid JSON (${message.replace(/\s*in JSON at position \d+.*$/, '')})`);
    }
    return null;
  }
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      problems.add({ file }, `${path}: ${issue.message}`);
    }
    return null;
  }
  return parsed.data;
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
