import type { RunningStep } from '../../../src/core/step.ts';
import { buildPool, loadSpace } from '../../../src/space/index.ts';
import type { Pipeline } from '../../../src/space/types.ts';
import { FileBackend } from '../../../src/storage/backends/file.ts';
import { MemoryBackend } from '../../../src/storage/backends/memory.ts';
import type { StudyBackend } from '../../../src/storage/types.ts';
import { Study, type StepResult } from '../../../src/study/study.ts';
import { fixturePath } from '../../helpers/paths.ts';
import { fixtureIdentity } from '../../helpers/run-fixture.ts';

/** A study written through the real Study API, with the pool and the handle to add more. */
export interface FixtureStudy {
  readonly study: Study;
  readonly backend: StudyBackend;
  readonly pool: readonly Pipeline[];
  /** Pool ids by position, for readable assertions. */
  readonly ids: readonly string[];
  /** The claim left running (p5 epoch 1 on w2). */
  readonly running: RunningStep;
}

const noChanges = async (): Promise<void> => undefined;

/** Claims pipeline `index`'s next epoch for `worker` at clock `startedAt`. */
export async function claim(fixture: Pick<FixtureStudy, 'study' | 'pool'>, worker: string, index: number, startedAt: number): Promise<RunningStep> {
  const configId = fixture.pool[index]?.id ?? '';
  const i = fixture.study.state.indexOf(configId) ?? 0;
  const claimed = await fixture.study.claim(worker, () => startedAt, async () => ({ configId, epoch: fixture.study.state.epochsOf(i) + 1 }), noChanges);
  if (!claimed) throw new Error('fixture: no claim');
  return claimed;
}

export async function finish(study: Study, step: RunningStep, result: Omit<StepResult, 'seconds'>): Promise<void> {
  const recorded = await study.finish(step, { ...result, seconds: result.finishedAt - step.startedAt }, noChanges);
  if (!recorded) throw new Error('fixture: step not recorded');
}

/**
 * Two workers over a pool of 12 (the small fixture space: 10 drawn, 2 pinned): 6 steps (one failed, a tie for the best score that
 * the earlier step wins), one expired claim, one step still running. In memory, or in a journal file.
 *
 *   w1: p0 e1 0.41 [0,12]  p2 e1 failed [12,14]  p1 e2 0.71 [20,39]  p4 e1 claimed at 39, expired
 *   w2: p1 e1 0.55 [0,20]  p0 e2 0.52 [20,31]    p3 e1 0.71 final [31,50]  p5 e1 running since 50
 */
export async function fixtureStudy(storage?: string | StudyBackend): Promise<FixtureStudy> {
  const space = await loadSpace(fixturePath('space', 'small.yaml'));
  const pool = buildPool(space, { seed: 1, size: 10 });
  const backend =
    storage === undefined ? new MemoryBackend(`memory://dashboard-${Math.random()}`) : typeof storage === 'string' ? new FileBackend(storage) : storage;
  const study = await Study.create(backend, {
    identity: fixtureIdentity({ spaceHash: space.hash }),
    pool,
    space,
    role: 'search',
    workers: ['w1', 'w2'],
    budget: { seconds: 100 },
  });
  const f = { study, pool };
  const a = await claim(f, 'w1', 0, 0);
  const b = await claim(f, 'w2', 1, 0);
  await finish(study, a, { score: 0.41, status: 'ok', final: false, finishedAt: 12 });
  const c = await claim(f, 'w1', 2, 12);
  await finish(study, c, { score: null, status: 'failed', final: true, error: 'training program exited with code 1: boom', finishedAt: 14 });
  await finish(study, b, { score: 0.55, status: 'ok', final: false, finishedAt: 20 });
  const d = await claim(f, 'w1', 1, 20);
  const e = await claim(f, 'w2', 0, 20);
  await finish(study, e, { score: 0.52, status: 'ok', final: false, finishedAt: 31 });
  const g = await claim(f, 'w2', 3, 31);
  await finish(study, d, { score: 0.71, status: 'ok', final: false, finishedAt: 39 });
  const h = await claim(f, 'w1', 4, 39);
  await study.release([h], 'interrupted');
  await finish(study, g, { score: 0.71, status: 'ok', final: true, finishedAt: 50 });
  const running = await claim(f, 'w2', 5, 50);
  return { study, backend, pool, ids: pool.map((p) => p.id), running };
}
