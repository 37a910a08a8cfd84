import { z } from 'zod';
import type { RunningStep, StepRecord } from '../core/step.ts';
import type { JournalEntry, RunBudget, RunHeader, RunSession, RunSpace } from './types.ts';

/**
 * Bumped when an entry changes incompatibly; a journal of a newer format is refused, not misread. Format 2 adds
 * claims and expiries (parallel and distributed search); format 1 journals are read as they are.
 */
export const JOURNAL_FORMAT = 2;

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Budget = z.object({ seconds: z.number().positive().optional(), max_steps: z.number().int().positive().optional() });

export const HeaderOp = z.object({
  op: z.literal('header'),
  format: z.number().int(),
  quicktune: z.string(),
  created_at: z.string(),
  seed: z.number().int(),
  dataset: z.object({ path: z.string(), fingerprint: z.string() }),
  space_hash: z.string(),
  trainer: z.record(z.string(), z.unknown()),
  optimizer: z.record(z.string(), z.unknown()),
  max_epochs: z.number().int().positive(),
  budget: Budget,
});

export const PoolOp = z.object({
  op: z.literal('pool'),
  pipelines: z.array(z.object({ id: z.string().min(1), config: z.record(z.string(), Scalar).and(z.object({ model: z.string() })) })),
});

export const SessionOp = z.object({
  op: z.literal('session'),
  n: z.number().int().positive(),
  started_at: z.string(),
  pid: z.number().int(),
  host: z.string(),
  quicktune: z.string(),
  budget: Budget,
  /** 'search': a search invocation (it may set the budget); 'worker': a worker joining a shared study. */
  role: z.enum(['search', 'worker']).optional(),
  /** The worker slots of this session (a slot runs one step at a time). */
  workers: z.array(z.string()).optional(),
  /** Wall time (ISO) at which the study's clock read 0 for this session: a resumed study's clock goes on. */
  clock_origin: z.string().optional(),
});

/** A worker claimed a step: its pipeline is pending until a step record or an expiry ends the claim. */
export const ClaimOp = z.object({
  op: z.literal('claim'),
  claim: z.string().min(1),
  config_id: z.string(),
  epoch: z.number().int().positive(),
  worker: z.string(),
  started_at: z.number().nonnegative(),
  /** Lease length in seconds (renewed by heartbeats); null: held as long as the process holding the run lives. */
  lease: z.number().positive().nullable(),
  at: z.string(),
  predicted_seconds: z.number().nonnegative().optional(),
});

/** A claim ended without a record: its worker died, lost its lease or was interrupted. The step may run again. */
export const ExpireOp = z.object({
  op: z.literal('expire'),
  claim: z.string().min(1),
  reason: z.string(),
  at: z.string(),
});

export const StepOp = z.object({
  op: z.literal('step'),
  seq: z.number().int().nonnegative(),
  config_id: z.string(),
  epoch: z.number().int().positive(),
  score: z.number().min(0).max(1).nullable(),
  seconds: z.number().nonnegative(),
  status: z.enum(['ok', 'failed']),
  final: z.boolean(),
  error: z.string().optional(),
  finished_at: z.number().nonnegative(),
  claim: z.string().optional(),
  worker: z.string().optional(),
  started_at: z.number().nonnegative().optional(),
  predicted_seconds: z.number().nonnegative().optional(),
});

export const StopOp = z.object({
  op: z.literal('stop'),
  session: z.number().int().positive(),
  reason: z.string(),
  seconds: z.number().nonnegative(),
  at: z.string(),
});

const ScalarValue = z.union([z.string(), z.number(), z.boolean()]);
const DomainEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('categorical'), choices: z.array(ScalarValue) }),
  z.object({ kind: z.literal('ordinal'), values: z.array(z.union([z.string(), z.number()])) }),
  z.object({ kind: z.literal('integer'), low: z.number(), high: z.number(), log: z.boolean() }),
  z.object({ kind: z.literal('float'), low: z.number(), high: z.number(), log: z.boolean() }),
]);

/** The search space the pool was drawn from (so a report knows which parameters each config has active). */
export const SpaceOp = z.object({
  op: z.literal('space'),
  name: z.string().optional(),
  parameters: z.array(
    z.object({
      name: z.string(),
      domain: DomainEntry,
      conditions: z.array(z.object({ parent: z.string(), values: z.array(ScalarValue) })),
      inactive: Scalar,
      default: ScalarValue.optional(),
    }),
  ),
  order: z.array(z.string()),
});

export const JournalOp = z.discriminatedUnion('op', [HeaderOp, SpaceOp, PoolOp, SessionOp, ClaimOp, ExpireOp, StepOp, StopOp]);
export type JournalOp = z.infer<typeof JournalOp>;

export function spaceEntry(space: RunSpace): JournalEntry {
  return { op: 'space', ...(space.name === undefined ? {} : { name: space.name }), parameters: space.parameters, order: space.order };
}

export function budgetEntry(budget: RunBudget): z.infer<typeof Budget> {
  return { seconds: budget.seconds, max_steps: budget.maxSteps };
}

export function budgetOf(entry: z.infer<typeof Budget>): RunBudget {
  return {
    ...(entry.seconds === undefined ? {} : { seconds: entry.seconds }),
    ...(entry.max_steps === undefined ? {} : { maxSteps: entry.max_steps }),
  };
}

export function headerEntry(header: RunHeader): z.infer<typeof HeaderOp> {
  return {
    op: 'header',
    format: JOURNAL_FORMAT,
    quicktune: header.quicktune,
    created_at: header.createdAt,
    seed: header.seed,
    dataset: { path: header.dataset.path, fingerprint: header.dataset.fingerprint },
    space_hash: header.spaceHash,
    trainer: { ...header.trainer },
    optimizer: { ...header.optimizer },
    max_epochs: header.maxEpochs,
    budget: budgetEntry(header.budget),
  };
}

export function headerOf(entry: z.infer<typeof HeaderOp>): RunHeader {
  return {
    quicktune: entry.quicktune,
    createdAt: entry.created_at,
    seed: entry.seed,
    dataset: entry.dataset,
    spaceHash: entry.space_hash,
    trainer: entry.trainer,
    optimizer: entry.optimizer,
    maxEpochs: entry.max_epochs,
    budget: budgetOf(entry.budget),
  };
}

export function sessionEntry(session: Omit<RunSession, 'stepsBefore' | 'stop'>): z.infer<typeof SessionOp> {
  return {
    op: 'session',
    n: session.n,
    started_at: session.startedAt,
    pid: session.pid,
    host: session.host,
    quicktune: session.quicktune,
    budget: budgetEntry(session.budget),
    role: session.role,
    workers: [...session.workers],
    clock_origin: session.clockOrigin,
  };
}

export function claimEntry(step: RunningStep, leaseSeconds: number | null): z.infer<typeof ClaimOp> {
  return {
    op: 'claim',
    claim: step.claim,
    config_id: step.configId,
    epoch: step.epoch,
    worker: step.worker,
    started_at: step.startedAt,
    lease: leaseSeconds,
    at: new Date().toISOString(),
    ...(step.predictedSeconds === undefined ? {} : { predicted_seconds: step.predictedSeconds }),
  };
}

export function claimOf(entry: z.infer<typeof ClaimOp>): RunningStep {
  return Object.freeze({
    claim: entry.claim,
    configId: entry.config_id,
    epoch: entry.epoch,
    worker: entry.worker,
    startedAt: entry.started_at,
    ...(entry.predicted_seconds === undefined ? {} : { predictedSeconds: entry.predicted_seconds }),
  });
}

export function expireEntry(claim: string, reason: string): z.infer<typeof ExpireOp> {
  return { op: 'expire', claim, reason, at: new Date().toISOString() };
}

/** A step entry; `claim` ties it to the claim it ends (absent for steps of format-1 journals). */
export function stepEntry(seq: number, record: StepRecord, claim?: string): z.infer<typeof StepOp> {
  return {
    op: 'step',
    seq,
    config_id: record.configId,
    epoch: record.epoch,
    score: record.score,
    seconds: record.seconds,
    status: record.status,
    final: record.final,
    ...(record.error === undefined ? {} : { error: record.error }),
    finished_at: record.finishedAt,
    ...(claim === undefined ? {} : { claim }),
    ...(record.worker === undefined ? {} : { worker: record.worker }),
    ...(record.startedAt === undefined ? {} : { started_at: record.startedAt }),
    ...(record.predictedSeconds === undefined ? {} : { predicted_seconds: record.predictedSeconds }),
  };
}

export function stepOf(entry: z.infer<typeof StepOp>): StepRecord {
  return Object.freeze({
    configId: entry.config_id,
    epoch: entry.epoch,
    score: entry.score,
    seconds: entry.seconds,
    status: entry.status,
    final: entry.final,
    ...(entry.error === undefined ? {} : { error: entry.error }),
    finishedAt: entry.finished_at,
    ...(entry.worker === undefined ? {} : { worker: entry.worker }),
    ...(entry.started_at === undefined ? {} : { startedAt: entry.started_at }),
    ...(entry.predicted_seconds === undefined ? {} : { predictedSeconds: entry.predicted_seconds }),
  });
}
