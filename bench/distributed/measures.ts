import { normalizedRegret } from '../../src/benchmark/regret.ts';
import type { JournalEntry, StudySnapshot } from '../../src/storage/types.ts';

/** Step entries beyond the first for the same (pipeline, epoch), counted from the stored journal (must be 0). */
export function stepsRecordedTwice(entries: readonly JournalEntry[]): number {
  const seen = new Set<string>();
  let twice = 0;
  for (const entry of entries) {
    if (entry.op !== 'step') continue;
    const key = `${String(entry.config_id)}@${String(entry.epoch)}`;
    if (seen.has(key)) twice += 1;
    seen.add(key);
  }
  return twice;
}

export interface Throughput {
  readonly steps: number;
  readonly claims: number;
  /** Seconds on the study's clock (its origin is the first worker's join) until the last step was recorded. */
  readonly studySeconds: number;
  /** Steps recorded per second of the study's clock. */
  readonly stepsPerSecond: number;
  /** Study-clock seconds at which the last worker joined. */
  readonly lastJoinSeconds: number;
  /** Steps per second from the last worker's join to the end: every worker running. */
  readonly stepsPerSecondAllJoined: number;
}

/** Study-clock seconds at which the last worker joined (the clock starts when the first one joins). */
export function lastJoinSeconds(snapshot: StudySnapshot): number {
  const sessions = snapshot.sessions.filter((s) => s.role === 'worker');
  const origin = Date.parse(sessions[0]?.clockOrigin ?? sessions[0]?.startedAt ?? '');
  return Math.max(0, ...sessions.map((s) => (Date.parse(s.startedAt) - origin) / 1000));
}

/** Steps recorded per second of wall time (the study's clock is wall time). */
export function throughput(entries: readonly JournalEntry[], snapshot: StudySnapshot): Throughput {
  const finished = snapshot.steps.map((s) => s.finishedAt);
  const studySeconds = Math.max(0, ...finished);
  const joined = lastJoinSeconds(snapshot);
  const window = studySeconds - joined;
  const inWindow = finished.filter((t) => t > joined).length;
  return {
    steps: snapshot.steps.length,
    claims: entries.filter((e) => e.op === 'claim').length,
    studySeconds,
    stepsPerSecond: studySeconds > 0 ? snapshot.steps.length / studySeconds : 0,
    lastJoinSeconds: joined,
    stepsPerSecondAllJoined: window > 0 ? inWindow / window : 0,
  };
}

/**
 * Normalized regret at each of `simulatedSeconds`, from the study's ok steps: a step recorded at study-clock
 * time t (wall seconds) happened at simulated time t / timeScale, since the replay trainer sleeps recorded
 * seconds × timeScale.
 */
export function regretAt(snapshot: StudySnapshot, timeScale: number, simulatedSeconds: readonly number[], yBest: number, yWorst: number): number[] {
  const trajectory = snapshot.steps
    .filter((s) => s.status === 'ok' && s.score !== null)
    .map((s) => [s.finishedAt / timeScale, s.score ?? 0] as const)
    .sort((a, b) => a[0] - b[0]);
  return simulatedSeconds.map((t) => normalizedRegret(trajectory, t, yBest, yWorst));
}
