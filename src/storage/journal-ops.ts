import { z } from 'zod';
import type { StepRecord } from '../study/types.ts';
import type { JournalEntry, RunBudget, RunHeader, RunSession, RunSpace } from './types.ts';

/** Bumped when an entry changes incompatibly; a journal of a newer format is refused, not misread. */
export const JOURNAL_FORMAT = 1;

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

export const JournalOp = z.discriminatedUnion('op', [HeaderOp, SpaceOp, PoolOp, SessionOp, StepOp, StopOp]);
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
  };
}

export function stepEntry(seq: number, record: StepRecord): z.infer<typeof StepOp> {
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
  });
}
