import type { Pipeline } from '../../src/space/types.ts';
import type { RunIdentity } from '../../src/storage/types.ts';
import type { StepRecord } from '../../src/core/step.ts';

/** A small pool of three pipelines for run-store and report tests. */
export const FIXTURE_POOL: readonly Pipeline[] = [
  { id: 'p-alpha', config: { model: 'net_a', lr: 0.001, opt: 'adam' } },
  { id: 'p-beta', config: { model: 'net_b', lr: 0.01, opt: 'sgd' } },
  { id: 'p-gamma', config: { model: 'net_a', lr: 0.1, opt: 'sgd' } },
];

export function fixtureIdentity(overrides: Partial<RunIdentity> = {}): RunIdentity {
  return {
    seed: 0,
    dataset: { path: '/data/imgs', fingerprint: 'sha256:0123456789abcdef' },
    spaceHash: 'f'.repeat(64),
    trainer: { name: 'command', command: 'python3 train.py' },
    optimizer: { name: 'quicktune', version: 1 },
    maxEpochs: 5,
    ...overrides,
  };
}

/** An ok step record; `at` is the clock reading when it finished. */
export function okStep(configId: string, epoch: number, score: number, at: number, final = false): StepRecord {
  return { configId, epoch, score, seconds: 10, status: 'ok', final, finishedAt: at, worker: 'w1', startedAt: Math.max(0, at - 10) };
}

export function failedStep(configId: string, epoch: number, at: number, error = 'training program exited with code 1'): StepRecord {
  return { configId, epoch, score: null, seconds: 3, status: 'failed', final: true, error, finishedAt: at, worker: 'w1', startedAt: Math.max(0, at - 3) };
}
