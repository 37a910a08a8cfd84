/**
 * The online cost correction replayed on real searches: every step a real-image benchmark stored (each
 * journal.jsonl under --runs, any method), in the order it ran, predicted by the tfjs trainer's cost model
 * from a stored cost profile and corrected online by the optimizer's StepCostEstimator, against the seconds
 * it took. Three variants of the shipped code:
 * - `per model`: no regimes from the trainer, so one correction factor per model (and per pipeline under it:
 *   the estimator before cost regimes had no pipeline level, and replayed 66% / 70% within 2x on the stamps /
 *   Fashion-MNIST searches of docs/benchmark-real.md, as those searches ran), worker state ignored;
 * - `regimes`: the factor learned per cost regime (the head alone or backbone layers too, on cached features or
 *   pixels, a head's first epoch; then model, frozen depth, pipeline), worker state ignored;
 * - `regimes + worker state`: as searches run now: the model also knows what the worker paid for once.
 * And the floor under this machine's load: a continuing epoch predicted as its pipeline's previous epoch took.
 *
 * Prints, per variant, the share of steps within 2x after each search's first 3 steps, the median ratio, the
 * steps off by more than 10x, and the worst ratio among the first 5 steps.
 *
 * node dist/bench/cost-replay.js --runs BENCH_OUT/runs --dataset BENCH_OUT/data/search --profile PROFILE.json
 *   PROFILE.json: the cost profile the searches used ($QUICKTUNE_CACHE_DIR/cost-profiles/*.json); one stored
 *   before profiles recorded model loading gets loadSeconds 0.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readJsonFile } from './json-file.ts';
import type { StepRecord } from '../src/core/step.ts';
import { loadImageFolder } from '../src/data/load-image-folder.ts';
import { StepCostEstimator } from '../src/optimizer/step-cost.ts';
import type { Config } from '../src/space/types.ts';
import { loadRun } from '../src/storage/load-run.ts';
import { CostProfileSchema, type CostProfile } from '../src/trainers/tfjs/cost/cost-profile.ts';
import type { EpochCostData } from '../src/trainers/tfjs/cost/epoch-cost-model.ts';
import { WorkerCostModel } from '../src/trainers/tfjs/cost/worker-cost-model.ts';
import { DEFAULT_ACTIVATION_BYTES, DEFAULT_FEATURE_CACHE_BYTES } from '../src/trainers/tfjs/memory-limits.ts';
import type { EpochCostModel } from '../src/trainers/types.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, dataset: { type: 'string' }, profile: { type: 'string' } } });

/** Steps before this index in a search are its first few, which the 2x target leaves out. */
const WARM_UP_STEPS = 3;

async function runDirs(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...(await runDirs(join(dir, entry.name))));
    else if (entry.name === 'journal.jsonl') found.push(dir);
  }
  return found.sort();
}

interface Variant {
  readonly name: string;
  readonly regimes: boolean;
  readonly workerState: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'per model', regimes: false, workerState: false },
  { name: 'regimes', regimes: true, workerState: false },
  { name: 'regimes + worker state', regimes: true, workerState: true },
];

/** Predicted / measured seconds of every ok step of one search, with its index in the search. */
function replay(variant: Variant, profile: CostProfile, data: EpochCostData, configs: readonly Config[], ids: readonly string[], steps: readonly StepRecord[]): Array<{ index: number; ratio: number }> {
  const worker = new WorkerCostModel(profile, data);
  const model: EpochCostModel = variant.regimes ? worker : { seconds: (config, epoch) => worker.seconds(config, epoch) };
  const estimator = new StepCostEstimator(configs, model);
  const out: Array<{ index: number; ratio: number }> = [];
  steps.forEach((step, index) => {
    const pipeline = ids.indexOf(step.configId);
    const config = configs[pipeline];
    if (config === undefined) return;
    const predicted = estimator.trainerCost(pipeline, step.epoch)?.next;
    if (step.status !== 'ok' || !(step.seconds > 0)) return;
    if (predicted !== undefined) out.push({ index, ratio: predicted / step.seconds });
    // NOTE: as in a search: the trainer learns what the step left warm before the optimizer hears of it.
    if (variant.workerState) worker.ran(config);
    estimator.observe(pipeline, step);
  });
  return out;
}

/** A continuing epoch predicted as its pipeline's previous epoch took: what this machine's load leaves. */
function floor(steps: readonly StepRecord[]): Array<{ index: number; ratio: number }> {
  const last = new Map<string, number>();
  const out: Array<{ index: number; ratio: number }> = [];
  steps.forEach((step, index) => {
    if (step.status !== 'ok' || !(step.seconds > 0)) return;
    const previous = last.get(step.configId);
    if (previous !== undefined && step.epoch > 2) out.push({ index, ratio: previous / step.seconds });
    if (step.epoch > 1) last.set(step.configId, step.seconds);
  });
  return out;
}

function summary(name: string, ratios: ReadonlyArray<{ index: number; ratio: number }>): string {
  const late = ratios.filter((r) => r.index >= WARM_UP_STEPS).map((r) => r.ratio).sort((a, b) => a - b);
  const early = ratios.filter((r) => r.index < 5).map((r) => r.ratio);
  const within = late.filter((r) => r >= 0.5 && r <= 2).length / Math.max(1, late.length);
  const median = late[Math.floor(late.length / 2)] ?? Number.NaN;
  const off = late.filter((r) => r > 10 || r < 0.1).length;
  const worstEarly = early.reduce((w, r) => (Math.abs(Math.log(r)) > Math.abs(Math.log(w)) ? r : w), 1);
  return `| ${name} | ${late.length} | ${(within * 100).toFixed(0)}% | ${median.toFixed(2)} | ${off} | ${early.length ? worstEarly.toFixed(2) : '-'} |`;
}

async function main(): Promise<void> {
  if (!values.runs || !values.dataset || !values.profile) throw new Error('usage: --runs DIR --dataset DIR --profile FILE.json');
  const raw = (await readJsonFile(values.profile)) as { models?: Array<Record<string, unknown>> };
  const parsed = CostProfileSchema.safeParse({ ...raw, models: raw.models?.map((m) => ({ loadSeconds: 0, ...m })) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${values.profile}: not a cost profile (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  const profile: CostProfile = parsed.data;
  const dataset = await loadImageFolder(values.dataset);
  const data = { trainImages: dataset.train.length, valImages: dataset.val.length, featureCacheBytes: DEFAULT_FEATURE_CACHE_BYTES, activationBytes: DEFAULT_ACTIVATION_BYTES };
  const results = new Map<string, Array<{ index: number; ratio: number }>>();
  const runs = await runDirs(values.runs);
  for (const dir of runs) {
    const run = await loadRun(dir);
    const configs = run.pool.map((p) => p.config);
    const ids = run.pool.map((p) => p.id);
    for (const variant of VARIANTS) results.set(variant.name, [...(results.get(variant.name) ?? []), ...replay(variant, profile, data, configs, ids, run.steps)]);
    results.set('floor', [...(results.get('floor') ?? []), ...floor(run.steps)]);
  }
  console.log(`${runs.length} searches under ${values.runs}; ${data.trainImages} training and ${data.valImages} validation images`);
  console.log('| cost model | steps after the first 3 | within 2x | median predicted/measured | off by more than 10x | worst of the first 5 steps |');
  console.log('|---|---|---|---|---|---|');
  for (const variant of VARIANTS) console.log(summary(variant.name, results.get(variant.name) ?? []));
  console.log(summary('floor: previous epoch of the pipeline', results.get('floor') ?? []));
}

// NOTE: bad input (a missing folder or file, a malformed profile or meta-dataset) is one message and exit 2.
await main().catch((error: unknown) => {
  process.stderr.write(`cost-replay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
