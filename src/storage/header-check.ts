import { canonicalJson } from '../util/canonical-json.ts';
import type { RunIdentity } from './types.ts';

/**
 * What differs between a run's identity and a new invocation's, one line per difference (empty when they
 * match). The budget and the quicktune version may change on resume and are not compared.
 */
export function identityDifferences(run: RunIdentity, now: RunIdentity): string[] {
  const out: string[] = [];
  if (run.seed !== now.seed) out.push(`--seed: the run used ${run.seed}, this invocation ${now.seed}`);
  if (run.dataset.fingerprint !== now.dataset.fingerprint) {
    out.push(
      `dataset: the files differ from the run's (${run.dataset.path}, fingerprint ${short(run.dataset.fingerprint)}; now ${now.dataset.path}, ${short(now.dataset.fingerprint)})`,
    );
  }
  if (run.spaceHash !== now.spaceHash) {
    out.push(`search space: differs from the run's (hash ${short(run.spaceHash)}, now ${short(now.spaceHash)}); resume with the same --space file`);
  }
  if (run.maxEpochs !== now.maxEpochs) out.push(`max epochs: the run used ${run.maxEpochs}, this invocation ${now.maxEpochs}`);
  out.push(...recordDifferences('trainer', run.trainer, now.trainer));
  // NOTE: runs made before studies recorded their predictor have none; they resume with any.
  const optimizerNow = run.optimizer.predictor === undefined ? { ...now.optimizer, predictor: undefined } : now.optimizer;
  out.push(...recordDifferences('optimizer', run.optimizer, optimizerNow));
  return out;
}

function recordDifferences(what: string, run: Readonly<Record<string, unknown>>, now: Readonly<Record<string, unknown>>): string[] {
  const keys = [...new Set([...Object.keys(run), ...Object.keys(now)])].sort();
  return keys
    .filter((key) => canonicalJson(run[key] ?? null) !== canonicalJson(now[key] ?? null))
    .map((key) => `${what} ${key}: the run used ${show(run[key])}, this invocation ${show(now[key])}`);
}

function show(value: unknown): string {
  const text = value === undefined ? '(none)' : canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function short(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 12);
}
