import { writeFile } from 'node:fs/promises';
import type { RunningStep } from '../src/core/step.ts';
import type { MetaConfig, MetaDataset } from '../src/metadata/index.ts';
import type { Pipeline } from '../src/space/types.ts';
import { MemoryBackend } from '../src/storage/backends/memory.ts';
import { Study } from '../src/study/study.ts';
import { Random } from '../src/util/random.ts';

const noChanges = async (): Promise<void> => undefined;
const FAILURE = 'training program exited with code 1: RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB';

/** The candidate pool: the recorded runs of `tasks` (real configurations, real curves and costs). */
export function benchPool(metaDataset: MetaDataset, tasks: readonly string[]): { pool: Pipeline[]; runs: Map<string, MetaConfig> } {
  const runs = new Map<string, MetaConfig>();
  for (const name of tasks) for (const run of metaDataset.tasks.get(name)?.configs ?? []) if (run.scores.length > 0) runs.set(run.id, run);
  const pool = [...runs.values()].map((run) => ({ id: run.id, config: { ...run.values, model: run.model } }));
  return { pool, runs };
}

/**
 * A study of `steps` steps written through the real Study API (claims and step records, as the search loop
 * writes them) with `workers` asynchronous workers on a simulated clock: each worker trains one epoch of a
 * random unfinished pipeline (the random-pairs method), taking the recorded seconds and getting the recorded
 * score; about 1% of steps fail, and about one claim in 500 expires. Returns the study's entries.
 */
export async function generateStudy(pool: readonly Pipeline[], runs: ReadonlyMap<string, MetaConfig>, options: { steps: number; workers: number; seed: number }) {
  const backend = new MemoryBackend('memory://dashboard-bench');
  const workers = Array.from({ length: options.workers }, (_, k) => `w${k + 1}`);
  const study = await Study.create(backend, {
    identity: {
      seed: options.seed,
      dataset: { path: 'bench', fingerprint: 'bench' },
      spaceHash: 'bench',
      trainer: { name: 'replay' },
      optimizer: { name: 'random-pairs' },
      maxEpochs: 50,
    },
    pool,
    role: 'search',
    workers,
    budget: { seconds: 86_400 },
  });
  const random = new Random(options.seed);
  let claims = 0;
  const next = async (worker: string, at: number): Promise<{ step: RunningStep; end: number } | undefined> => {
    for (;;) {
      const step = await study.claim(worker, () => at, async () => pickRandomPair(study, random), noChanges);
      if (!step) return undefined;
      if (++claims % 500 === 0) {
        await study.release([step], 'interrupted (bench)');
        continue;
      }
      const cost = runs.get(step.configId)?.costs[step.epoch - 1] ?? 10;
      return { step, end: at + cost };
    }
  };
  const running: Array<{ step: RunningStep; end: number }> = [];
  for (const worker of workers) {
    const claimed = await next(worker, 0);
    if (claimed) running.push(claimed);
  }
  let recorded = 0;
  let clock = 0;
  while (recorded < options.steps && running.length > 0) {
    running.sort((a, b) => a.end - b.end);
    const done = running.shift();
    if (!done) break;
    clock = done.end;
    await study.finish(done.step, stepResult(runs, done.step, done.end, random), noChanges);
    recorded++;
    // NOTE: half a second of optimizer time between a step and the worker's next claim.
    const claimed = recorded + running.length < options.steps ? await next(done.step.worker, done.end + 0.5) : undefined;
    if (claimed) running.push(claimed);
  }
  for (const left of running) await study.release([left.step], 'the bench stopped');
  await study.stop('max-steps', clock);
  const entries = await backend.read(0);
  await study.close();
  return { entries, workers, steps: recorded, seconds: clock };
}

/** One more step on a live study (the bench's updates): the next epoch of a random pipeline. */
export async function addStep(study: Study, runs: ReadonlyMap<string, MetaConfig>, worker: string, random: Random): Promise<void> {
  const at = study.now();
  const step = await study.claim(worker, () => at, async () => pickRandomPair(study, random), noChanges);
  if (!step) throw new Error('bench: nothing left to train');
  await study.finish(step, { ...stepResult(runs, step, at + 1, random), seconds: 1 }, noChanges);
}

export async function writeJournal(path: string, entries: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
  await writeFile(path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
}

function pickRandomPair(study: Study, random: Random): { configId: string; epoch: number } | null {
  const candidates = study.state.candidates();
  if (candidates.length === 0) return null;
  const i = candidates[Math.floor(random.next() * candidates.length)] ?? 0;
  return { configId: study.state.ids[i] ?? '', epoch: study.state.epochsOf(i) + 1 };
}

function stepResult(runs: ReadonlyMap<string, MetaConfig>, step: RunningStep, end: number, random: Random) {
  const run = runs.get(step.configId);
  const recorded = run?.scores.length ?? 1;
  const seconds = run?.costs[step.epoch - 1] ?? 10;
  if (random.next() < 0.01) return { score: null, seconds, status: 'failed' as const, final: true, error: FAILURE, finishedAt: end };
  return { score: run?.scores[step.epoch - 1] ?? 0, seconds, status: 'ok' as const, final: step.epoch >= recorded, finishedAt: end };
}
