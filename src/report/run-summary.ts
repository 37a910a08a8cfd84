import type { Config } from '../space/types.ts';
import type { StudySnapshot } from '../storage/types.ts';
import type { StepRecord } from '../core/step.ts';

/** The best (pipeline, epoch) seen: the highest score at any epoch, the earliest on ties. */
export interface Incumbent {
  readonly configId: string;
  readonly config: Config;
  readonly score: number;
  readonly epoch: number;
}

/** What happened to one pipeline of the pool that was trained at least once. */
export interface CurveSummary {
  readonly configId: string;
  readonly model: string;
  /** Scores of epochs 1..n, in order. */
  readonly scores: readonly number[];
  readonly best: number | undefined;
  readonly bestEpoch: number | undefined;
  /** finished: the curve ended (final step); failed: a step failed; paused: could be continued. */
  readonly state: 'paused' | 'finished' | 'failed';
  readonly error?: string;
}

export interface ModelSummary {
  readonly model: string;
  readonly pipelines: number;
  readonly steps: number;
  readonly failed: number;
  readonly best: number | undefined;
}

export interface RunSummary {
  readonly incumbent: Incumbent | undefined;
  readonly steps: number;
  readonly failed: number;
  readonly poolSize: number;
  /** Clock seconds spent so far. */
  readonly seconds: number;
  /** Why the last session stopped; undefined while running or after a crash. */
  readonly stopReason: string | undefined;
  /** Trained models, best first. */
  readonly models: readonly ModelSummary[];
  /** Trained pipelines, best first (never-scored ones last). */
  readonly curves: readonly CurveSummary[];
}

/** Finds the incumbent among records, as the search loop does (strictly better replaces, so the earliest wins ties). */
export function incumbentOf(steps: readonly StepRecord[], configs: ReadonlyMap<string, Config>): Incumbent | undefined {
  let best: { configId: string; score: number; epoch: number } | undefined;
  for (const step of steps) {
    if (step.status !== 'ok' || step.score === null) continue;
    if (best === undefined || step.score > best.score) best = { configId: step.configId, score: step.score, epoch: step.epoch };
  }
  const config = best && configs.get(best.configId);
  return best && config ? { ...best, config } : undefined;
}

/** Everything `report` shows about a run, computed from its journal. */
export function summarizeRun(run: StudySnapshot): RunSummary {
  const configs = new Map(run.pool.map((p) => [p.id, p.config]));
  const byPipeline = new Map<string, StepRecord[]>();
  for (const step of run.steps) byPipeline.set(step.configId, [...(byPipeline.get(step.configId) ?? []), step]);

  const curves = [...byPipeline.entries()].map(([configId, steps]): CurveSummary => {
    const scores = steps.filter((s) => s.status === 'ok' && s.score !== null).map((s) => s.score ?? 0);
    const best = scores.length > 0 ? Math.max(...scores) : undefined;
    const failed = steps.find((s) => s.status === 'failed');
    return {
      configId,
      model: configs.get(configId)?.model ?? '?',
      scores,
      best,
      bestEpoch: best === undefined ? undefined : scores.indexOf(best) + 1,
      state: failed ? 'failed' : steps.some((s) => s.final) ? 'finished' : 'paused',
      ...(failed?.error === undefined ? {} : { error: failed.error }),
    };
  });
  curves.sort((a, b) => (b.best ?? -1) - (a.best ?? -1));

  const models = new Map<string, { pipelines: number; steps: number; failed: number; best: number | undefined }>();
  for (const curve of curves) {
    const entry = models.get(curve.model) ?? { pipelines: 0, steps: 0, failed: 0, best: undefined };
    const steps = byPipeline.get(curve.configId) ?? [];
    entry.pipelines++;
    entry.steps += steps.length;
    entry.failed += steps.filter((s) => s.status === 'failed').length;
    if (curve.best !== undefined && (entry.best === undefined || curve.best > entry.best)) entry.best = curve.best;
    models.set(curve.model, entry);
  }
  return {
    incumbent: incumbentOf(run.steps, configs),
    steps: run.steps.length,
    failed: run.steps.filter((s) => s.status === 'failed').length,
    poolSize: run.pool.length,
    seconds: run.elapsedSeconds,
    stopReason: run.sessions.at(-1)?.stop?.reason,
    models: [...models.entries()].map(([model, m]) => ({ model, ...m })).sort((a, b) => (b.best ?? -1) - (a.best ?? -1)),
    curves,
  };
}

/** `report --json` (docs/cli.md): the incumbent and every step in the order they finished. */
export function reportJson(run: StudySnapshot, summary: RunSummary): Record<string, unknown> {
  const incumbent = summary.incumbent;
  return {
    incumbent: incumbent
      ? { config_id: incumbent.configId, config: incumbent.config, score: incumbent.score, epoch: incumbent.epoch }
      : null,
    steps: run.steps.map((s) => ({ config_id: s.configId, epoch: s.epoch, score: s.score, seconds: s.seconds, status: s.status })),
  };
}

export { trajectoryOf } from '../core/trajectory.ts';
