import { z } from 'zod';
import type { Config } from '../../space/types.ts';

/** Version of the request/result protocol between quicktune and a training program (docs/command-trainer.md). */
export const PROTOCOL_VERSION = 1;

/** What the training program receives for one step, as JSON on stdin and in QT_* environment variables. */
export interface StepRequest {
  readonly protocol: number;
  readonly config_id: string;
  readonly config: Config;
  /** The epoch to produce, 1-based: train one epoch on top of checkpoint_in. */
  readonly epoch: number;
  readonly max_epochs: number;
  /** The dataset folder given to `quicktune search --dataset`. */
  readonly data: string;
  /** The folder the previous step (epoch - 1) wrote its checkpoint into; null for epoch 1. */
  readonly checkpoint_in: string | null;
  /** An empty folder to write this epoch's checkpoint into. */
  readonly checkpoint_out: string;
  readonly seed: number;
  /**
   * The devices this step may use (`--gpus`, one per worker slot, round robin); empty when none were assigned.
   * CUDA_VISIBLE_DEVICES is set to the same list, so most programs need not read it.
   */
  readonly devices: readonly string[];
}

/** The same request as environment variables, for programs that prefer them (e.g. shell scripts). */
export function requestEnvironment(request: StepRequest): Record<string, string> {
  return {
    QT_PROTOCOL: String(request.protocol),
    QT_CONFIG_ID: request.config_id,
    QT_CONFIG: JSON.stringify(request.config),
    QT_EPOCH: String(request.epoch),
    QT_MAX_EPOCHS: String(request.max_epochs),
    QT_DATA: request.data,
    QT_CHECKPOINT_IN: request.checkpoint_in ?? '',
    QT_CHECKPOINT_OUT: request.checkpoint_out,
    QT_SEED: String(request.seed),
    QT_DEVICES: request.devices.join(','),
    // NOTE: only when devices were assigned: otherwise the program sees the machine's own setting.
    ...(request.devices.length > 0 ? { CUDA_VISIBLE_DEVICES: request.devices.join(',') } : {}),
  };
}

const ResultLine = z.looseObject({
  score: z.number(),
  seconds: z.number().optional(),
  final: z.boolean().optional(),
});

/** A program's answer: its result line, or why there is none that can be used. */
export type ParsedResult =
  | { readonly ok: true; readonly score: number; readonly seconds: number | undefined; readonly final: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * Finds the result in a program's stdout: the last line that is a JSON object with a "score" member. Other
 * lines are free-form. The score must be a fraction in [0, 1]; "seconds", when given, a non-negative number.
 */
export function parseResult(stdout: string): ParsedResult {
  const lines = stdout.split(/\r?\n/).reverse();
  for (const line of lines) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || !('score' in value)) continue;
    const parsed = ResultLine.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, reason: `bad result line: ${issue ? `${issue.path.join('.')}: ${issue.message}` : text.slice(0, 80)}` };
    }
    const { score, seconds, final } = parsed.data;
    if (!Number.isFinite(score) || score < 0 || score > 1) {
      return { ok: false, reason: `reported score ${score}, not in [0, 1]${score > 1 && score <= 100 ? ' (report a fraction, not a percentage)' : ''}` };
    }
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0)) {
      return { ok: false, reason: `reported seconds ${seconds}, not a non-negative number` };
    }
    return { ok: true, score, seconds, final: final === true };
  }
  return { ok: false, reason: 'printed no result line (a JSON object with "score" on stdout)' };
}
