/**
 * How the shipped predictor (meta-trained on timm GPU curves) predicts the tfjs trainer's learning curves, as
 * bench/predictor-quality.ts measures it on held-out meta-dataset tasks: on each recorded task (none of which
 * the predictor saw), search-like states with about n observations (random curve prefixes), then the next
 * epoch of every started pipeline ("continuing"), epoch 1 of as many unstarted ones ("new"), and a random
 * later epoch from the same prefix ("ahead"; "new ahead" for the unstarted ones, what look-ahead asks of every
 * candidate not yet tried). A second table gives each kind's mean error (predicted − true). No online refit (steps 0). References, each with a Gaussian of
 * its RMSE on the other tasks' curves: the last observed score (for a new pipeline: the other tasks' mean
 * epoch-1 score), and the other tasks' mean score at that epoch. Also the shipped predictor through the online
 * correction a search on a real trainer applies (learned from the episode's own prequential errors).
 *
 * node dist/bench/predictor-tfjs-quality.js --curves curves.json [--context 10,25] [--episodes 10] [--seed 0] [--fit-steps 0]
 *   [--predictor DIR] [--tasks NAME,...]
 *   --predictor: another predictor checkpoint than the shipped one (for example one meta-trained with some of
 *   these curves added as tasks, `quicktune meta-train --exclude` leaving out the ones scored here);
 *   --tasks: score only these recorded tasks (all of them still serve the references).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { MetaConfig, MetaTask } from '../src/metadata/types.ts';
import { runConfig } from '../src/predictor/meta-train/training-data.ts';
import { OnlineScoreCorrection } from '../src/optimizer/score-correction.ts';
import type { ObservedPoint, TaskPredictor } from '../src/predictor/types.ts';
import { loadSearchPredictor } from '../src/search/search-predictor.ts';
import { Random } from '../src/util/random.ts';
import { EpochMeanReference, Metrics, searchEpisode, spearman } from './predictor-episodes.ts';
import type { RecordedTask } from './tfjs-curves.ts';

const { values } = parseArgs({
  options: {
    curves: { type: 'string' },
    context: { type: 'string', default: '10,25' },
    episodes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' },
    // Adam steps of the score model on each episode's observations, from the meta-trained weights (the
    // search's paper schedule restarts with 1000); 0: the GP is only conditioned (the shipped default).
    'fit-steps': { type: 'string', default: '0' },
    predictor: { type: 'string' },
    tasks: { type: 'string' },
  },
});

/** How the tables name the predictor scored. */
const PREDICTOR = values.predictor === undefined ? 'shipped predictor' : 'given predictor';

/** A recorded task as a meta-dataset task, so the meta-dataset's episode sampler and references apply. */
function asMetaTask(task: RecordedTask): MetaTask {
  const configs: MetaConfig[] = task.curves.map((curve) => {
    const { model, ...rest } = curve.config;
    // NOTE: the tfjs space has no boolean values; the meta-dataset's cells are strings, numbers or null.
    const cells = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]));
    return { id: curve.config_id, dataset: task.name, model: String(model), values: cells, scores: Float64Array.from(curve.scores), costs: Float64Array.from(curve.seconds) };
  });
  const scores = configs.flatMap((c) => [...c.scores]);
  return { name: task.name, metaFeatures: task.meta_features, configs, yBest: Math.max(...scores), yWorst: Math.min(...scores) };
}

/**
 * The search's online correction (src/optimizer/score-correction.ts) as it stands after the episode's steps:
 * the last observed epoch of each pipeline with two or more is predicted from everything before it (a
 * prequential error, as the search measures it when that step's result comes) and observed.
 */
async function learnCorrection(tp: TaskPredictor, observed: readonly ObservedPoint[]): Promise<OnlineScoreCorrection> {
  const correction = new OnlineScoreCorrection();
  const lastEpoch = new Map<number, number>();
  for (const o of observed) lastEpoch.set(o.pipeline, Math.max(lastEpoch.get(o.pipeline) ?? 0, o.epoch));
  const held = observed.filter((o) => o.epoch >= 2 && o.epoch === lastEpoch.get(o.pipeline));
  if (held.length === 0) return correction;
  await tp.fit(observed.filter((o) => !held.includes(o)), { steps: 0, learningRate: 1e-3, restart: true });
  correction.correct(held, await tp.predict(held));
  for (const o of held) correction.observe(o.pipeline, o.epoch, o.score);
  return correction;
}

async function main(): Promise<void> {
  if (!values.curves) throw new Error('--curves FILE.json (written by bench/tfjs-curves.ts)');
  const recorded = JSON.parse(await readFile(values.curves, 'utf8')) as { tasks: RecordedTask[]; epochs: number };
  const tasks = recorded.tasks.map(asMetaTask);
  const predictor = await loadSearchPredictor(values.predictor);
  const scored = values.tasks === undefined ? tasks : tasks.filter((t) => values.tasks?.split(',').includes(t.name));
  if (scored.length === 0) throw new Error(`--tasks ${values.tasks}: none of ${tasks.map((t) => t.name).join(', ')}`);
  const contexts = values.context.split(',').map(Number);
  const metrics = new Map<string, Metrics>();
  const metric = (key: string): Metrics => metrics.get(key) ?? metrics.set(key, new Metrics()).get(key)!;
  const ranks = new Map<string, number[]>();
  const rank = (key: string, value: number): void => {
    if (Number.isFinite(value)) ranks.set(key, [...(ranks.get(key) ?? []), value]);
  };
  for (const task of scored) {
    // NOTE: the references learn from the other recorded tasks only, as the predictor never saw this one.
    const reference = new EpochMeanReference(tasks.filter((t) => t !== task), recorded.epochs);
    const random = new Random(Number(values.seed) * 7919 + task.name.length);
    for (const size of contexts) {
      for (let e = 0; e < Number(values.episodes); e++) {
        const episode = searchEpisode(task, size, random);
        const tp = predictor.forTask(episode.runs.map(runConfig), task.metaFeatures, { seed: e, metaInit: true });
        try {
          const correction = await learnCorrection(tp, episode.observed);
          await tp.fit(episode.observed, { steps: Number(values['fit-steps']), learningRate: 1e-3, restart: true });
          const { mean, std } = await tp.predict(episode.queries);
          const corrected = correction.correct(episode.queries, { mean, std });
          episode.queries.forEach((q, j) => {
            // NOTE: a later epoch of an untried pipeline, what look-ahead asks of every candidate not yet started.
            const kind = episode.kinds[j] === 'ahead' && q.curve.length === 0 ? 'new ahead' : (episode.kinds[j] ?? 'new');
            const truth = episode.truth[j] ?? 0;
            metric(`${PREDICTOR}|${kind}|${size}`).add(truth, mean[j] ?? 0, std[j] ?? 1);
            metric(`${PREDICTOR} + online correction|${kind}|${size}`).add(truth, corrected.mean[j] ?? 0, corrected.std[j] ?? 1);
            metric(`last observed score|${kind}|${size}`).add(truth, reference.lastScore(q.curve, q.epoch), reference.lastScoreRmse);
            metric(`other tasks' mean at epoch|${kind}|${size}`).add(truth, reference.mean[q.epoch] ?? 0, reference.rmse);
          });
          const fresh = episode.kinds.map((k, j) => (k === 'new' ? j : -1)).filter((j) => j >= 0);
          rank(`new ρ|${size}`, spearman(fresh.map((j) => mean[j] ?? 0), fresh.map((j) => episode.truth[j] ?? 0)));
        } finally {
          tp.dispose();
        }
      }
    }
  }
  const kinds = ['continuing', 'ahead', 'new', 'new ahead'];
  const methods = [PREDICTOR, `${PREDICTOR} + online correction`, 'last observed score', "other tasks' mean at epoch"];
  console.log(`predictor: ${values.predictor ?? 'shipped'}; tasks: ${scored.map((t) => `${t.name} (${t.configs.length} curves)`).join(', ')}; ${values.episodes} episodes per task and n`);
  console.log(`| predictor | n | ${kinds.map((k) => `${k} MSE | ${k} NLPD`).join(' | ')} |`);
  console.log(`|---|---|${kinds.map(() => '---|---|').join('')}`);
  for (const method of methods) {
    for (const size of contexts) {
      const cells = kinds.map((k) => {
        const m = metric(`${method}|${k}|${size}`);
        return m.count === 0 ? '– | –' : `${m.mse.toFixed(4)} | ${m.meanNlpd.toFixed(2)}`;
      });
      console.log(`| ${method} | ${size} | ${cells.join(' | ')} |`);
    }
  }
  console.log(`\nMean error (predicted − true; above 0: too optimistic), ${kinds.join(' / ')}:`);
  for (const method of methods) {
    for (const size of contexts) {
      console.log(`| ${method} | ${size} | ${kinds.map((k) => metric(`${method}|${k}|${size}`).bias.toFixed(3)).join(' | ')} |`);
    }
  }
  for (const size of contexts) {
    const list = ranks.get(`new ρ|${size}`) ?? [];
    console.log(`${PREDICTOR}, rank correlation of new pipelines' predicted and true epoch-1 scores, n≈${size}: ${(list.reduce((a, b) => a + b, 0) / Math.max(1, list.length)).toFixed(3)} over ${list.length} episodes`);
  }
}

await main();
