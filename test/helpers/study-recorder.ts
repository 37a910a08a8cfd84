import type { StepRecord } from '../../src/core/step.ts';
import type { Pipeline } from '../../src/space/types.ts';
import { FileBackend } from '../../src/storage/backends/file.ts';
import type { RunBudget, RunIdentity, RunSpace, StudySnapshot } from '../../src/storage/types.ts';
import { Study } from '../../src/study/study.ts';

interface OpenOptions {
  readonly journal: string;
  readonly identity: RunIdentity;
  readonly budget: RunBudget;
}

/**
 * Records given step records into a journal through the real study and file backend (each one claimed, then
 * finished, as the loop does), for tests of storage, resume and reports.
 */
export class StudyRecorder {
  readonly study: Study;
  readonly previousSteps: readonly StepRecord[];

  private constructor(study: Study) {
    this.study = study;
    this.previousSteps = study.snapshot().steps;
  }

  static async create(options: OpenOptions & { readonly pool: readonly Pipeline[]; readonly space?: RunSpace }): Promise<StudyRecorder> {
    const backend = new FileBackend(options.journal);
    const study = await Study.create(backend, {
      identity: options.identity,
      pool: options.pool,
      ...(options.space ? { space: options.space } : {}),
      role: 'search',
      workers: ['w1'],
      budget: options.budget,
    });
    return new StudyRecorder(study);
  }

  static async resume(options: OpenOptions): Promise<StudyRecorder> {
    const backend = new FileBackend(options.journal);
    try {
      return new StudyRecorder(await Study.open(backend, { identity: options.identity, role: 'search', workers: ['w1'], budget: options.budget }));
    } catch (error) {
      await backend.close();
      throw error;
    }
  }

  get run(): StudySnapshot {
    return this.study.snapshot();
  }

  async recordStep(record: StepRecord): Promise<void> {
    const claim = await this.study.claim(record.worker ?? 'w1', () => record.startedAt ?? 0, async () => ({ configId: record.configId, epoch: record.epoch }), async () => undefined);
    if (!claim) throw new Error('no claim');
    const { configId: _c, epoch: _e, worker: _w, startedAt: _s, ...result } = record;
    await this.study.finish(claim, result, async () => undefined);
  }

  stop(reason: string, seconds: number): Promise<void> {
    return this.study.stop(reason, seconds);
  }

  close(): Promise<void> {
    return this.study.close();
  }
}
