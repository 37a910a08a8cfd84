import { InputError } from '../errors.ts';
import type { Pipeline } from '../space/types.ts';
import type { StepRecord } from '../study/types.ts';
import { budgetOf, headerOf, JOURNAL_FORMAT, JournalOp, stepOf } from './journal-ops.ts';
import type { JournalEntry, RunHeader, RunSession, RunSpace, RunState } from './types.ts';

/**
 * Rebuilds a run from its journal entries. The journal must start with a header, hold the pool once, and
 * its steps must name pool pipelines, be numbered 0, 1, 2, ... and never repeat a (pipeline, epoch) that
 * succeeded: anything else is a corrupt or foreign file (InputError naming the entry).
 */
export function replayJournal(journal: string, entries: readonly JournalEntry[], warnings: readonly string[] = []): RunState {
  let header: RunHeader | undefined;
  let pool: Pipeline[] | undefined;
  let space: RunSpace | undefined;
  const steps: StepRecord[] = [];
  const sessions: RunSession[] = [];
  const lastEpoch = new Map<string, number>();
  const ended = new Set<string>();
  const fail = (index: number, problem: string): never => {
    throw new InputError(`${journal}: entry ${index + 1}: ${problem}`, 'run.corrupt');
  };

  entries.forEach((raw, index) => {
    if (index === 0 && raw.op === 'header' && typeof raw.format === 'number' && raw.format > JOURNAL_FORMAT) {
      fail(index, `journal format ${raw.format} is newer than this quicktune understands (${JOURNAL_FORMAT}); upgrade quicktune`);
    }
    const parsed = JournalOp.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(index, `not a valid journal entry (${issue ? `${issue.path.join('.') || 'op'}: ${issue.message}` : 'unknown'})`);
    }
    const op = parsed.data;
    if (index === 0 && op.op !== 'header') fail(index, 'a run journal starts with a header entry');
    switch (op.op) {
      case 'header':
        if (index !== 0) fail(index, 'a second header');
        header = headerOf(op);
        break;
      case 'space':
        if (space || pool) fail(index, 'the space must come once, before the pool');
        space = { name: op.name, parameters: op.parameters.map((p) => ({ ...p, default: p.default })), order: op.order };
        break;
      case 'pool':
        if (pool) fail(index, 'a second pool');
        pool = op.pipelines.map((p) => Object.freeze({ id: p.id, config: Object.freeze({ ...p.config }) }));
        break;
      case 'session':
        if (op.n !== sessions.length + 1) fail(index, `session ${op.n} follows session ${sessions.length}`);
        sessions.push({ n: op.n, startedAt: op.started_at, pid: op.pid, host: op.host, quicktune: op.quicktune, budget: budgetOf(op.budget), stepsBefore: steps.length });
        break;
      case 'stop': {
        const session = sessions[op.session - 1];
        if (!session || op.session !== sessions.length) return fail(index, `stop of session ${op.session}, which is not the current one`);
        sessions[op.session - 1] = { ...session, stop: { reason: op.reason, seconds: op.seconds, at: op.at } };
        break;
      }
      case 'step': {
        if (!pool) return fail(index, 'a step before the pool');
        if (op.seq !== steps.length) fail(index, `step number ${op.seq} where ${steps.length} was expected (a lost or repeated step)`);
        if (!pool.some((p) => p.id === op.config_id)) fail(index, `step for pipeline '${op.config_id}', which is not in the pool`);
        const previous = lastEpoch.get(op.config_id) ?? 0;
        if (ended.has(op.config_id)) fail(index, `step for pipeline '${op.config_id}' after its final step`);
        if (op.epoch !== previous + 1) fail(index, `pipeline '${op.config_id}' epoch ${op.epoch} follows epoch ${previous}`);
        const record = stepOf(op);
        steps.push(record);
        if (record.status === 'ok') lastEpoch.set(op.config_id, op.epoch);
        if (record.final) ended.add(op.config_id);
        break;
      }
    }
    return undefined;
  });

  if (!header) throw new InputError(`${journal}: empty run journal (no header): the run was never started`, 'run.corrupt');
  if (!pool) throw new InputError(`${journal}: the run journal has no candidate pool: its creation was interrupted; start a new run`, 'run.corrupt');
  const lastStop = sessions.at(-1)?.stop?.seconds ?? 0;
  const elapsedSeconds = Math.max(lastStop, steps.at(-1)?.finishedAt ?? 0);
  return { journal, header, pool, space, steps, sessions, elapsedSeconds, warnings };
}
