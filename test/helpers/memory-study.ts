import type { StepRecord } from '../../src/core/step.ts';
import type { Pipeline } from '../../src/space/types.ts';
import { MemoryBackend } from '../../src/storage/backends/memory.ts';
import { Study } from '../../src/study/study.ts';

let counter = 0;

/** A fresh study in memory over `pipelines` (with `previous` records already in it, as a resumed study). */
export async function memoryStudy(pipelines: readonly Pipeline[], maxEpochs: number, options: { workers?: number; previous?: readonly StepRecord[] } = {}): Promise<Study> {
  const backend = new MemoryBackend(`memory://test-${++counter}`);
  const workers = Array.from({ length: options.workers ?? 1 }, (_, k) => `w${k + 1}`);
  const spec = {
    identity: {
      seed: 0,
      dataset: { path: 'test', fingerprint: 'test' },
      spaceHash: 'test',
      trainer: { name: 'test' },
      optimizer: { name: 'test' },
      maxEpochs,
    },
    pool: pipelines,
    role: 'search' as const,
    workers,
    budget: {},
  };
  const study = await Study.create(backend, spec);
  if (!options.previous?.length) return study;
  for (const record of options.previous) {
    const claim = await study.claim('w1', () => record.startedAt ?? 0, async () => ({ configId: record.configId, epoch: record.epoch }), async () => undefined);
    if (!claim) throw new Error('could not claim a previous step');
    const { configId: _c, epoch: _e, worker: _w, startedAt: _s, ...result } = record;
    await study.finish(claim, result, async () => undefined);
  }
  await study.stop('budget', options.previous.at(-1)?.finishedAt ?? 0);
  return Study.open(backend, { role: 'search', workers, budget: {} });
}
