import type { StudySnapshot } from '../storage/types.ts';
import { formatDuration } from '../util/duration.ts';
import { summarizeRun } from './run-summary.ts';

/** A study with an entry this recent has live workers: its clock runs (as Study reads it). */
const LIVE_WITHIN_MS = 5 * 60 * 1000;

/** One worker slot of a session that has not stopped: what it runs, and its last sign of life. */
export interface WorkerStatus {
  readonly id: string;
  readonly host: string;
  readonly running: { readonly config_id: string; readonly epoch: number } | null;
  /** ISO time; the session's start where storage keeps no heartbeats. */
  readonly last_seen: string;
}

/** `status --json` (the CLI contract): steps by state, workers, the incumbent (as `search --json`), the budget. */
export interface StudyStatus {
  readonly steps: { readonly running: number; readonly ok: number; readonly failed: number; readonly expired: number };
  readonly workers: readonly WorkerStatus[];
  readonly incumbent: { readonly config_id: string; readonly config: Readonly<Record<string, unknown>>; readonly score: number; readonly epoch: number } | null;
  readonly budget: { readonly seconds_used: number; readonly seconds_total: number | null };
}

/**
 * Where a study stands at `now` (ms): `lastSeen` is the storage's heartbeat record (worker id -> ISO time). The
 * workers listed are those of sessions that have not stopped (a killed worker stays listed, its last sign of
 * life getting older) and any worker holding a claim.
 */
export function studyStatus(run: StudySnapshot, lastSeen: ReadonlyMap<string, string>, now = Date.now()): StudyStatus {
  const summary = summarizeRun(run);
  const incumbent = summary.incumbent;
  const runningBy = new Map(run.running.map((step) => [step.worker, step]));
  const hosts = new Map<string, { host: string; startedAt: string }>();
  for (const session of run.sessions) {
    for (const id of session.workers) if (session.stop === undefined || runningBy.has(id)) hosts.set(id, { host: session.host, startedAt: session.startedAt });
  }
  const workers = [...hosts].map(([id, { host, startedAt }]): WorkerStatus => {
    const step = runningBy.get(id);
    const seen = lastSeen.get(id);
    return {
      id,
      host,
      running: step ? { config_id: step.configId, epoch: step.epoch } : null,
      last_seen: seen !== undefined && seen > startedAt ? seen : startedAt,
    };
  });
  return {
    steps: {
      running: run.running.length,
      ok: run.steps.filter((s) => s.status === 'ok').length,
      failed: run.steps.filter((s) => s.status === 'failed').length,
      expired: run.expired.length,
    },
    workers,
    incumbent: incumbent ? { config_id: incumbent.configId, config: incumbent.config, score: incumbent.score, epoch: incumbent.epoch } : null,
    budget: { seconds_used: round(secondsUsed(run, now)), seconds_total: run.budget.seconds ?? null },
  };
}

/** The study's clock at `now`: running since the live sessions' origin, or what the stopped sessions spent. */
function secondsUsed(run: StudySnapshot, now: number): number {
  const live = run.lastActivityAt !== undefined && now - Date.parse(run.lastActivityAt) < LIVE_WITHIN_MS;
  const origin = live ? run.sessions.findLast((s) => s.stop === undefined && s.clockOrigin !== undefined)?.clockOrigin : undefined;
  return origin === undefined ? run.elapsedSeconds : Math.max(run.elapsedSeconds, (now - Date.parse(origin)) / 1000);
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** The human `status`: a few lines. */
export function statusText(location: string, status: StudyStatus, now = Date.now()): string {
  const { steps, budget, incumbent } = status;
  const ago = (iso: string): string => `${formatDuration((now - Date.parse(iso)) / 1000)} ago`;
  const lines = [
    `Study ${location}`,
    `  steps: ${steps.running} running, ${steps.ok} ok, ${steps.failed} failed, ${steps.expired} expired`,
    `  clock: ${formatDuration(budget.seconds_used)}${budget.seconds_total === null ? ' (no time budget)' : ` of ${formatDuration(budget.seconds_total)}`}`,
    incumbent
      ? `  best: ${String(incumbent.config.model ?? '?')} score ${incumbent.score.toFixed(4)} after epoch ${incumbent.epoch} (id ${incumbent.config_id})`
      : '  best: no step finished yet',
  ];
  if (status.workers.length === 0) lines.push('  workers: none running');
  else {
    lines.push(`  workers (${status.workers.length}):`);
    const width = Math.max(...status.workers.map((w) => w.id.length));
    for (const w of status.workers) {
      const doing = w.running ? `running ${w.running.config_id} epoch ${w.running.epoch}` : 'idle';
      lines.push(`    ${w.id.padEnd(width)}  ${doing}, last seen ${ago(w.last_seen)}`);
    }
  }
  return lines.join('\n');
}
