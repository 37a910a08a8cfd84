import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PostgresServer } from '../../test/helpers/postgres-server.ts';
import { projectRoot } from '../../test/helpers/paths.ts';
import { runCli } from '../../test/helpers/run-cli.ts';
import { readStudyEntries } from '../../test/helpers/study-workers.ts';
import type { JournalEntry, StudySnapshot } from '../../src/storage/types.ts';
import { sampleLoad, type LoadSummary } from './load-sampler.ts';

/** One study in its own database, run by `workers` worker processes until its budget is spent. */
export interface PhaseSpec {
  readonly study: string;
  readonly metadataset: string;
  readonly task: string;
  readonly method: string;
  /** The study's budget: wall seconds on the study's clock. */
  readonly budgetSeconds: number;
  readonly timeScale: number;
  readonly workers: number;
}

export interface PhaseOutcome {
  readonly entries: readonly JournalEntry[];
  readonly snapshot: StudySnapshot;
  /** Wall seconds from starting the worker processes until the last one exited. */
  readonly wallSeconds: number;
  readonly load: LoadSummary;
}

/** Runs one `quicktune worker` process; resolves when it exits, rejects unless it exits 0. */
function runWorker(args: readonly string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'quicktune.js'), ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (tail = (tail + chunk).slice(-4000)));
    const guard = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (code === 0) resolve();
      else reject(new Error(`a worker exited ${code ?? signal}:\n${tail}`));
    });
  });
}

/**
 * Creates the study (`search --workers 0`), starts the workers at once and waits for all of them (each exits
 * when the budget is spent), then reads the study back from the database.
 */
export async function runPhase(server: PostgresServer, spec: PhaseSpec, cwd: string): Promise<PhaseOutcome> {
  const url = server.url(await server.createDatabase());
  const created = await runCli(
    ['search', '--trainer', 'replay', '--metadataset', spec.metadataset, '--task', spec.task, '--method', spec.method,
      '--budget', `${spec.budgetSeconds}s`, '--storage', url, '--study', spec.study, '--workers', '0'],
    { cwd, timeoutMs: 300_000 },
  );
  if (created.code !== 0) throw new Error(`creating study ${spec.study} failed (${created.code}):\n${created.stderr.slice(-3000)}`);
  const args = ['worker', '--storage', url, '--study', spec.study, '--time-scale', String(spec.timeScale)];
  const load = sampleLoad();
  const started = performance.now();
  // NOTE: a worker that starts late joins a running study; each exits once the study's budget is spent.
  await Promise.all(Array.from({ length: spec.workers }, () => runWorker(args, cwd, (spec.budgetSeconds + 300) * 1000)));
  const wallSeconds = (performance.now() - started) / 1000;
  const summary = load.stop();
  const { entries, snapshot } = await readStudyEntries(url, spec.study);
  return { entries, snapshot, wallSeconds, load: summary };
}
