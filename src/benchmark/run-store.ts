import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { RunResultSchema, type RunResult } from './run-result.ts';

/**
 * Finished benchmark runs under `<out>/runs/<method>/<task>/seed-<s>.json`, one file per run, written
 * atomically (temporary file + rename) as soon as the run ends: an interrupted benchmark, or several
 * processes splitting the tasks between them, lose nothing and share one folder.
 */
export class RunStore {
  readonly dir: string;

  constructor(outDir: string) {
    this.dir = join(outDir, 'runs');
  }

  /** One worker's runs keep their historical names; N workers' runs are `w<N>-seed-<s>.json` beside them. */
  pathOf(method: string, task: string, seed: number, workers = 1): string {
    return join(this.dir, safeName(method), safeName(task), `${workers > 1 ? `w${workers}-` : ''}seed-${seed}.json`);
  }

  /** The stored run, or undefined when there is none. A file that is not a run is an input error. */
  async read(method: string, task: string, seed: number, workers = 1): Promise<RunResult | undefined> {
    const file = this.pathOf(method, task, seed, workers);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)}); delete it to re-run`);
    }
    const parsed = RunResultSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${file}: not a benchmark run (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); delete it to re-run`);
    }
    return parsed.data;
  }

  async write(run: RunResult): Promise<string> {
    const file = this.pathOf(run.method, run.task, run.seed, run.workers ?? 1);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(run)}\n`);
    await rename(tmp, file);
    return file;
  }
}

/** Task and method names become folder names: keep them readable but harmless. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
